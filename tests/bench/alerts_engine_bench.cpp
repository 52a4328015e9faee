// Cost of one AlertEngine::update(): 20 rules over 10 numeric fields, each field at
// 50 Hz (the fields take turns, 2 ms of data time apart). "Plain" rules are comparisons,
// arithmetic and logic, some with `for`; "Windowed" adds delta, rate and avg/min/max
// over 1-10 s windows (avg/min/max walk their window's samples: 500 at 50 Hz over 10 s).
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "alerts/alert_engine.hpp"

namespace {

using canhose::alerts::AlertEngine;
using canhose::alerts::EngineOptions;
using canhose::alerts::RuleOptions;
using namespace std::chrono_literals;

std::string f(int i) {
  return "f" + std::to_string(i % 10);
}

EngineOptions options(bool windowed) {
  EngineOptions o;
  for (int i = 0; i < 20; ++i) {
    RuleOptions r;
    r.name = "rule" + std::to_string(i);
    if (windowed && i % 4 == 0) {
      r.when = "delta(" + f(i) + ", 1s) < -12 and " + f(i + 1) + " > 10";
    } else if (windowed && i % 4 == 1) {
      r.when = "abs(rate(" + f(i) + ")) > 50 or " + f(i + 3) + " > 95";
    } else if (windowed && i % 4 == 2) {
      r.when = "avg(" + f(i) + ", 10s) > 90 and max(" + f(i + 5) + ", 2s) < 200";
    } else if (i % 2 == 0) {
      r.when = f(i) + " > 95 and " + f(i + 1) + " < 5";
    } else {
      r.when = "(" + f(i) + " - " + f(i + 2) + ") * 2 > 150 or not " + f(i + 4) + " >= 0";
      r.for_duration = 2s;
    }
    r.more_than = 3;
    r.within = 5min;
    o.rules.push_back(r);
  }
  return o;
}

void run(benchmark::State& state, bool windowed) {
  AlertEngine engine(options(windowed));
  std::vector<AlertEngine::InputId> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(engine.input(f(i)).value());
  }
  std::int64_t t = 1'700'000'000'000'000'000;
  std::uint64_t n = 0;
  for (auto _ : state) {
    const std::size_t field = n % 10;
    const double value = 50 + 40 * std::sin(static_cast<double>(n) * 0.001 + field);
    engine.update(ids[field], value, t);
    t += 2'000'000;
    ++n;
    if ((n & 0xFFFF) == 0) {
      benchmark::DoNotOptimize(engine.take_outputs());
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_AlertEngineUpdatePlain(benchmark::State& state) {
  run(state, false);
}
BENCHMARK(BM_AlertEngineUpdatePlain);

void BM_AlertEngineUpdateWindowed(benchmark::State& state) {
  run(state, true);
}
BENCHMARK(BM_AlertEngineUpdateWindowed);

}  // namespace

BENCHMARK_MAIN();
