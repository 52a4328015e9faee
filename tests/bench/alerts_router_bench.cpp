// The cost of alert rules on the CAN hot path (issue #18): CPU per frame through the
// FrameRouter (DBC decode into the field store) of a real trace (SavvyCAN, 12,974 frames,
// Toyota DBC) re-stamped as a saturated 1 Mbit/s bus (8,000 frames/s), without rules and
// with 20 rules over the signals the trace carries: comparisons, delta(), avg(), max(),
// rate() and `for`. The goal is under 10% more CPU per frame with the rules. Run:
//   build/release/tests/bench/canhose_alerts_router_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <set>
#include <string>
#include <vector>

#include "alerts/alert_engine.hpp"
#include "can/candump_file_reader.hpp"
#include "dbc/dbc_decoder.hpp"
#include "dbc/dbc_parser.hpp"
#include "record/field_store.hpp"
#include "service/frame_router.hpp"
#include "support/test_paths.hpp"

namespace {

using namespace canhose;

constexpr std::int64_t kFrameSpacingNs = 125'000;  // 8,000 frames/s: a saturated 1 Mbit/s bus
constexpr std::size_t kBatch = 64;                 // frames per read, as the SocketCAN reader

const std::string kData = std::string(CANHOSE_TEST_DATA_DIR) + "/can/";

dbc::DbcDecoder decoder() {
  return dbc::DbcDecoder(dbc::load_dbc_file(kData + "toyota_2017_ref_pt.dbc").database, {});
}

// The trace's frames, re-stamped at the saturated bus's pace.
const std::vector<can::CanFrame>& trace() {
  static const std::vector<can::CanFrame> frames = [] {
    std::vector<can::CanFrame> out;
    can::CandumpFileReader reader;
    if (reader.open(kData + "savvycan-candump.log")) {
      throw std::runtime_error(reader.last_error());
    }
    can::CanFrame f;
    while (reader.next(f) == can::CandumpFileReader::Status::frame) {
      f.interface = "can0";
      f.timestamp_ns =
          1'765'000'000'000'000'000 + static_cast<std::int64_t>(out.size()) * kFrameSpacingNs;
      out.push_back(f);
    }
    return out;
  }();
  return frames;
}

// 20 rules over the signals the trace carries (in the order first decoded), two per signal.
alerts::EngineOptions twenty_rules() {
  const dbc::DbcDecoder d = decoder();
  std::vector<std::string> names;
  std::set<std::uint32_t> seen;
  for (const can::CanFrame& f : trace()) {
    d.decode(f, [&](std::uint32_t n, double) {
      if (seen.insert(n).second) {
        names.push_back(d.signal(n).name);
      }
    });
  }
  const char* shapes[] = {"{} > 1000", "delta({}, 1s) < -50", "avg({}, 10s) > 500 and {} > 0",
                          "max({}, 2s) - min({}, 2s) > 300", "abs(rate({})) > 10000"};
  alerts::EngineOptions options;
  for (std::size_t i = 0; i < 20; ++i) {
    const std::string& field = names.at(i % names.size());
    std::string when = shapes[i % std::size(shapes)];
    for (std::size_t at; (at = when.find("{}")) != std::string::npos;) {
      when.replace(at, 2, field);
    }
    alerts::RuleOptions rule;
    rule.name = "rule" + std::to_string(i);
    rule.when = when;
    rule.for_duration = i % 4 == 0 ? std::chrono::seconds(2) : std::chrono::seconds(0);
    rule.more_than = 3;
    rule.within = std::chrono::minutes(5);
    options.rules.push_back(rule);
  }
  return options;
}

void route(benchmark::State& state, bool with_rules) {
  record::FieldStore store;
  service::FrameRouter router(store, decoder(), nullptr);
  std::optional<alerts::AlertEngine> engine;
  std::uint64_t outputs = 0;
  if (with_rules) {
    engine.emplace(twenty_rules());
    router.set_alerts(&*engine, [&] { outputs += engine->take_outputs().size(); });
  }
  std::vector<can::CanFrame> frames = trace();
  const std::int64_t pass_ns = static_cast<std::int64_t>(frames.size()) * kFrameSpacingNs;
  std::uint64_t routed = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < frames.size(); i += kBatch) {
      const std::size_t n = std::min(kBatch, frames.size() - i);
      router.on_frames(std::span<const can::CanFrame>(frames.data() + i, n));
    }
    routed += frames.size();
    for (can::CanFrame& f : frames) {  // the next pass continues the bus's time
      f.timestamp_ns += pass_ns;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(routed));
  state.counters["ns/frame"] = benchmark::Counter(
      static_cast<double>(routed), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["frames"] = static_cast<double>(frames.size());
  if (with_rules) {
    state.counters["rules"] = static_cast<double>(engine->rule_count());
    state.counters["outputs"] = static_cast<double>(outputs);
  }
}

void BM_RouteTraceWithoutRules(benchmark::State& state) {
  route(state, false);
}
void BM_RouteTraceWithTwentyRules(benchmark::State& state) {
  route(state, true);
}
BENCHMARK(BM_RouteTraceWithoutRules)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RouteTraceWithTwentyRules)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
