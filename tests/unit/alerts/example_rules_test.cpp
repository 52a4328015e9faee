// The shipped example rules (conf/alerts.example.yaml) over generated drives: signals at
// their real rates (wheel speed at 50 Hz, OBD-II PIDs at 2-5 Hz, the lamp every 10 s),
// with slow noise and poll jitter. Each scenario runs all five rules and checks that
// only the one it is about fires, as often as it should.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

#include "alerts/alert_engine.hpp"
#include "support/test_paths.hpp"

namespace canhose::alerts {
namespace {

constexpr std::int64_t kT0 = 1'733'600'000'000'000'000;
constexpr std::int64_t kMs = 1'000'000;

EngineOptions example_options() {
  std::ifstream in(std::string(test::source_dir()) + "/conf/alerts.example.yaml");
  std::stringstream text;
  text << in.rdbuf();
  EngineOptions options;
  base::ReaderContext context("alerts.example.yaml");
  {
    base::MappingReader root(context, YAML::Load(text.str()), "", "");
    root.section("alerts", [&](base::MappingReader& r) { read_engine_options(r, options); });
  }
  context.finalize();
  EXPECT_EQ(base::format_errors(context.errors()), "");
  EXPECT_EQ(options.rules.size(), 5u);
  return options;
}

// A drive: signals sampled from functions of time (seconds), at their own periods,
// merged in time order into one engine.
class Drive {
 public:
  Drive() : engine_(example_options()) {}

  // `value(t)` sampled every `period_ms`, with a deterministic poll jitter up to
  // `jitter_ms`; rounded to whole units when `whole` (OBD-II speed is whole km/h).
  void signal(const std::string& field, int period_ms, std::function<double(double)> value,
              int jitter_ms = 0, bool whole = false) {
    signals_.push_back(
        {engine_.input(field).value(), period_ms, jitter_ms, whole, std::move(value)});
  }

  void run(double seconds) {
    std::vector<std::int64_t>& next = next_;
    next.resize(signals_.size(), 0);
    const auto end = static_cast<std::int64_t>(seconds * 1000);
    for (;;) {
      lcg_ = lcg_ * 1664525u + 1013904223u;
      std::size_t i = 0;
      for (std::size_t j = 1; j < signals_.size(); ++j) {
        i = next[j] < next[i] ? j : i;
      }
      if (next[i] > end) {
        break;
      }
      const Signal& s = signals_[i];
      const std::int64_t jitter = s.jitter_ms > 0 ? (lcg_ >> 8) % (s.jitter_ms + 1) : 0;
      const std::int64_t at_ms = next[i] + jitter;
      double v = s.value(static_cast<double>(at_ms) / 1000.0);
      if (s.whole) {
        v = std::round(v);
      }
      engine_.update(s.id, v, kT0 + at_ms * kMs);
      for (auto& out : engine_.take_outputs()) {
        if (auto* e = std::get_if<Event>(&out)) {
          events.push_back(std::move(*e));
        } else {
          alerts.push_back(std::get<Alert>(std::move(out)));
        }
      }
      next[i] += s.period_ms;
    }
  }

  AlertEngine& engine() { return engine_; }
  std::size_t events_of(std::string_view rule) const {
    return static_cast<std::size_t>(std::count_if(events.begin(), events.end(),
                                                  [&](const Event& e) { return e.rule == rule; }));
  }

  std::vector<Event> events;
  std::vector<Alert> alerts;

 private:
  struct Signal {
    AlertEngine::InputId id;
    int period_ms;
    int jitter_ms;
    bool whole;
    std::function<double(double)> value;
  };
  AlertEngine engine_;
  std::vector<Signal> signals_;
  std::vector<std::int64_t> next_;  // per signal: its next sample time, ms from kT0
  std::uint32_t lcg_ = 12345;       // the poll jitter's pseudo-random sequence
};

// Slow sensor noise, ±amplitude.
double noise(double t, double amplitude) {
  return amplitude * (0.6 * std::sin(2.1 * t) + 0.4 * std::sin(0.7 * t + 1.0));
}

// Six 60 s stop-and-go cycles: up to 60 km/h in 20 s, cruise 20 s, brake to a stop with
// the cycle's deceleration (km/h per second), stand. Harsh (18 ≈ 0.5 g) in cycles 1, 2, 4, 5.
double stop_and_go(double t) {
  static constexpr double kDecel[] = {5, 18, 18, 5, 18, 18};
  const int cycle = std::min(5, static_cast<int>(t / 60));
  const double c = t - 60.0 * cycle;
  double v = 0;
  if (c < 20) {
    v = 3 * c;
  } else if (c < 40) {
    v = 60;
  } else {
    v = std::max(0.0, 60 - kDecel[cycle] * (c - 40));
  }
  return v <= 0 ? 0 : v + noise(t, 0.3);
}

void expect_harsh_braking_once(Drive& d) {
  EXPECT_EQ(d.events_of("harsh_braking"), 4u);
  EXPECT_EQ(d.events.size(), 4u);
  ASSERT_EQ(d.alerts.size(), 1u);
  EXPECT_EQ(d.alerts[0].rule, "harsh_braking");
  EXPECT_EQ(d.alerts[0].count, 4u);
  EXPECT_EQ(d.alerts[0].message, "harsh_braking: 4 events within 5min");
}

TEST(ExampleRulesTest, HarshBrakingFromWheelSpeedAt50Hz) {
  Drive d;
  d.signal("speed", 20, stop_and_go);
  d.run(360);
  expect_harsh_braking_once(d);
}

TEST(ExampleRulesTest, HarshBrakingFromObdSpeedAt5HzAnd2Hz) {
  for (const int period : {200, 500}) {
    Drive d;
    d.signal("speed", period, stop_and_go, 40, true);
    d.run(360);
    SCOPED_TRACE(period);
    expect_harsh_braking_once(d);
  }
}

TEST(ExampleRulesTest, SpeedingOnlyAfterTenSecondsAbove120) {
  Drive d;
  // 110 km/h; up at 2 km/h per second to 130 from 50 s (above 120 from 55 s to 63 s:
  // no event) and from 110 s (above 120 from 115 s to 135 s).
  d.signal("speed", 20, [](double t) {
    const auto bump = [](double s, double from, double to) {
      return std::clamp(std::min(s - from, to - s) * 2, 0.0, 20.0);
    };
    return 110 + bump(t, 50, 68) + bump(t, 110, 140) + noise(t, 0.5);
  });
  d.run(200);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].rule, "speeding");
  EXPECT_GE(d.events[0].time_ns, kT0 + 124'800 * kMs);
  EXPECT_LE(d.events[0].time_ns, kT0 + 125'200 * kMs);
  ASSERT_EQ(d.alerts.size(), 1u);
  const std::string& m = d.alerts[0].message;
  EXPECT_EQ(m.substr(0, 38), "Speeding: above 120 km/h for 10s, now ") << m;
  EXPECT_NEAR(std::stod(m.substr(38)), 130, 1) << m;
  EXPECT_EQ(m.substr(m.size() - 5), " km/h") << m;
}

TEST(ExampleRulesTest, MilOnOnceWithItsCodesThenAgainAfterItWentOff) {
  Drive d;
  // The lamp comes on at 60 s and goes off from 300 s to 400 s. The poller publishes
  // mil, dtc_count and dtcs at each 10 s status; when the lamp comes on, the codes
  // follow 300 ms later from the mode 03 read.
  const auto lamp = [](double t) { return t >= 60 && !(t >= 300 && t < 400); };
  d.signal("mil", 10'000, [=](double t) { return lamp(t) ? 1.0 : 0.0; });
  d.signal("dtc_count", 10'000, [=](double t) { return lamp(t) ? 2.0 : 0.0; });
  d.signal(
      "speed", 200, [](double t) { return 50 + noise(t, 1); }, 30, true);
  const auto dtcs_id = d.engine().input("dtcs").value();
  // The codes, "" while the lamp is off: published after each status, so fed in 10 s
  // slices between the others.
  std::int64_t done = 0;
  for (int s = 0; s <= 600; s += 10) {
    d.run(s + 0.05);
    const bool on = lamp(s);
    const std::int64_t at = kT0 + (static_cast<std::int64_t>(s) * 1000 + (on ? 300 : 1)) * kMs;
    d.engine().update(dtcs_id, on ? std::string_view("P0301 P0420") : std::string_view(""), at);
    for (auto& out : d.engine().take_outputs()) {
      if (auto* e = std::get_if<Event>(&out)) {
        d.events.push_back(std::move(*e));
      } else {
        d.alerts.push_back(std::get<Alert>(std::move(out)));
      }
    }
    done = s;
  }
  EXPECT_EQ(done, 600);
  ASSERT_EQ(d.events.size(), 2u);
  EXPECT_EQ(d.events[0].rule, "mil_on");
  EXPECT_EQ(d.events[0].time_ns, kT0 + 60'300 * kMs);
  EXPECT_EQ(d.events[1].time_ns, kT0 + 400'300 * kMs);
  ASSERT_EQ(d.alerts.size(), 2u);
  EXPECT_EQ(d.alerts[0].severity, Severity::critical);
  EXPECT_EQ(d.alerts[0].message, "Malfunction lamp on: 2 trouble codes (P0301 P0420)");
}

TEST(ExampleRulesTest, IdlingAfterFiveMinutesStandingWithTheEngineOn) {
  Drive d;
  // Drive 2 min, idle 4 min, drive 1 min, idle 7 min, engine off 10 min.
  const auto standing = [](double t) { return (t >= 120 && t < 360) || t >= 420; };
  const auto engine_on = [](double t) { return t < 840; };
  // Gentle stops and starts (5 km/h per second).
  const auto speed = [=](double t) {
    const double to_stop = std::min({std::abs(t - 120), std::abs(t - 360), std::abs(t - 420)});
    return standing(t) ? 0.0 : std::min(40 + noise(t, 2), 5 * to_stop);
  };
  d.signal("speed", 200, speed, 30, true);
  d.signal(
      "rpm", 200,
      [=](double t) {
        return !engine_on(t) ? 0.0 : (standing(t) ? 750 + noise(t, 20) : 2000 + noise(t, 100));
      },
      30, true);
  d.signal("co2_g_per_s", 1000,
           [=](double t) { return !engine_on(t) ? 0.0 : (standing(t) ? 0.55 : 3.0); });
  d.run(1440);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].rule, "idling");
  EXPECT_GE(d.events[0].time_ns, kT0 + 720'000 * kMs);
  EXPECT_LE(d.events[0].time_ns, kT0 + 721'500 * kMs);
  ASSERT_EQ(d.alerts.size(), 1u);
  EXPECT_EQ(d.alerts[0].message.substr(0, 24), "Idling 5min: engine at 7");
  EXPECT_NE(d.alerts[0].message.find(", 0.55 g/s of CO2"), std::string::npos);
}

TEST(ExampleRulesTest, BusOffEachTimeTheControllerGoesBusOff) {
  Drive d;
  // Published every second: error-active, warning at 30 s, passive at 31 s, bus-off from
  // 32 s to 34 s, recovered, bus-off again from 100 s to 101 s.
  d.signal("can0.bus_state", 1000, [](double t) {
    if (t >= 30 && t < 31) {
      return 1.0;
    }
    if (t >= 31 && t < 32) {
      return 2.0;
    }
    return ((t >= 32 && t < 35) || (t >= 100 && t < 102)) ? 3.0 : 0.0;
  });
  d.run(200);
  ASSERT_EQ(d.events.size(), 2u);
  EXPECT_EQ(d.events[0].time_ns, kT0 + 32'000 * kMs);
  EXPECT_EQ(d.events[1].time_ns, kT0 + 100'000 * kMs);
  ASSERT_EQ(d.alerts.size(), 2u);
  EXPECT_EQ(d.alerts[1].message, "CAN bus-off on can0");
  EXPECT_EQ(d.alerts[1].severity, Severity::critical);
  EXPECT_EQ(d.engine().status()[4].alerts_total, 2u);
}

}  // namespace
}  // namespace canhose::alerts
