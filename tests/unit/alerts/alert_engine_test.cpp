// AlertEngine: rising edges, `for`, windows and cooldowns, staleness, clearing, inputs,
// status, the constructor's checks.

#include "alerts/alert_engine.hpp"

#include <gtest/gtest.h>

#include "engine_fixture.hpp"

namespace canhose::alerts::test {
namespace {

TEST(AlertEngineTest, AnEventOnEachRisingEdgeOnly) {
  Harness h({rule("fast", "speed > 100")});
  h.set("speed", 90, kT0);
  h.set("speed", 110, kT0 + kSecond);
  h.set("speed", 120, kT0 + 2 * kSecond);
  h.set("speed", 130, kT0 + 3 * kSecond);
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].rule, "fast");
  EXPECT_EQ(h.events[0].time_ns, kT0 + kSecond);
  EXPECT_EQ(h.events[0].events_in_window, 1u);
  h.set("speed", 90, kT0 + 4 * kSecond);  // re-arms
  h.set("speed", 110, kT0 + 5 * kSecond);
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[1].time_ns, kT0 + 5 * kSecond);
  // more_than 0, within 0: every event is an alert.
  EXPECT_EQ(h.alerts.size(), 2u);
  EXPECT_EQ(h.order, (std::vector<int>{0, 1, 0, 1}));
}

TEST(AlertEngineTest, UnknownNeitherFiresNorReArms) {
  Harness h({rule("fast", "speed > 100")});
  h.set("speed", 110, kT0);
  h.clear("speed", kT0 + kSecond);  // unknown: the same episode goes on
  h.set("speed", 110, kT0 + 2 * kSecond);
  EXPECT_EQ(h.events.size(), 1u);
  h.set("speed", 90, kT0 + 3 * kSecond);  // false: re-armed
  h.set("speed", 110, kT0 + 4 * kSecond);
  EXPECT_EQ(h.events.size(), 2u);
}

TEST(AlertEngineTest, UnknownFromTheStartNeverFires) {
  Harness h({rule("fast", "speed > 100 and rpm > 0")});
  h.set("speed", 110, kT0);  // rpm never published: unknown
  EXPECT_TRUE(h.events.empty());
  h.set("rpm", 800, kT0 + kSecond);
  EXPECT_EQ(h.events.size(), 1u);
}

TEST(AlertEngineTest, ForNeedsTheConditionOnEveryEvaluation) {
  RuleOptions r = rule("speeding", "speed > 120");
  r.for_duration = 10s;
  Harness h({r});
  std::int64_t t = kT0;
  for (; t < kT0 + 10 * kSecond; t += 20 * kMs) {
    h.set("speed", 130, t);
  }
  EXPECT_TRUE(h.events.empty());
  h.set("speed", 130, t);  // exactly 10 s after the first true evaluation
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].time_ns, kT0 + 10 * kSecond);
  h.set("speed", 130, t + kSecond);
  EXPECT_EQ(h.events.size(), 1u);

  // 9 s true, one false evaluation, 9 s true: no event.
  h.set("speed", 100, t + 2 * kSecond);
  const std::int64_t t1 = t + 3 * kSecond;
  h.set("speed", 130, t1);
  h.set("speed", 130, t1 + 9 * kSecond);
  h.set("speed", 100, t1 + 9500 * kMs);
  h.set("speed", 130, t1 + 10 * kSecond);
  h.set("speed", 130, t1 + 18 * kSecond);
  EXPECT_EQ(h.events.size(), 1u);
  h.set("speed", 130, t1 + 20 * kSecond);
  EXPECT_EQ(h.events.size(), 2u);
}

// Raises an event of `when: x > 0` at each given second (x goes 1 then 0).
void pulses(Harness& h, std::initializer_list<std::int64_t> seconds) {
  for (const std::int64_t s : seconds) {
    h.set("x", 1, kT0 + s * kSecond);
    h.set("x", 0, kT0 + s * kSecond + 100 * kMs);
  }
}

RuleOptions counted(std::uint32_t more_than) {
  RuleOptions r = rule("harsh", "x > 0");
  r.more_than = more_than;
  r.within = 5min;
  return r;
}

TEST(AlertEngineTest, FourEventsInFiveMinutesAreOneAlert) {
  Harness h({counted(3)});
  pulses(h, {0, 60, 120, 180});
  ASSERT_EQ(h.events.size(), 4u);
  EXPECT_EQ(h.events[3].events_in_window, 4u);
  ASSERT_EQ(h.alerts.size(), 1u);
  const Alert& a = h.alerts[0];
  EXPECT_EQ(a.rule, "harsh");
  EXPECT_EQ(a.count, 4u);
  EXPECT_EQ(a.time_ns, kT0 + 180 * kSecond);
  EXPECT_EQ(a.first_event_ns, kT0);
  EXPECT_EQ(a.window_ns, 300 * kSecond);
  EXPECT_EQ(a.severity, Severity::warning);
  EXPECT_EQ(a.message, "harsh: 4 events within 5min");
  EXPECT_FALSE(a.position.has_value());
}

TEST(AlertEngineTest, ThreeEventsOrFourSpreadWiderAreNone) {
  Harness three({counted(3)});
  pulses(three, {0, 60, 120});
  EXPECT_TRUE(three.alerts.empty());
  Harness spread({counted(3)});
  pulses(spread, {0, 100, 200, 300});  // the first has left (t-5min, t] by the fourth
  EXPECT_TRUE(spread.alerts.empty());
  EXPECT_EQ(spread.events[3].events_in_window, 3u);
}

TEST(AlertEngineTest, CooldownSuppressesThenLetsTheNextBurstThrough) {
  Harness h({counted(3)});
  pulses(h, {0, 10, 20, 30});
  EXPECT_EQ(h.alerts.size(), 1u);
  pulses(h, {40});  // a 5th event within the cooldown (default: within = 5 min)
  EXPECT_EQ(h.alerts.size(), 1u);
  EXPECT_EQ(h.events.size(), 5u);
  EXPECT_EQ(h.events[4].events_in_window, 5u);
  const auto s = h.engine().status();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].suppressed_total, 1u);
  // A second burst after more than the cooldown.
  pulses(h, {1000, 1010, 1020, 1030});
  EXPECT_EQ(h.alerts.size(), 2u);
  EXPECT_EQ(h.alerts[1].time_ns, kT0 + 1030 * kSecond);
  EXPECT_EQ(h.alerts[1].first_event_ns, kT0 + 1000 * kSecond);
}

TEST(AlertEngineTest, ZeroCooldownAlertsOnEveryEventOverTheCount) {
  RuleOptions r = counted(1);
  r.cooldown = 0s;
  Harness h({r});
  pulses(h, {0, 1, 2});
  EXPECT_EQ(h.alerts.size(), 2u);
}

TEST(AlertEngineTest, StatusCountsTheWindowAtTheLatestTime) {
  Harness h({counted(3), rule("other", "y > 1")});
  pulses(h, {0, 60, 120});
  auto s = h.engine().status();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(h.engine().rule_count(), 2u);
  EXPECT_EQ(s[0].name, "harsh");
  EXPECT_EQ(s[0].events_in_window, 3u);
  EXPECT_EQ(s[0].events_total, 3u);
  EXPECT_EQ(s[0].alerts_total, 0u);
  EXPECT_EQ(s[0].last_event_ns, kT0 + 120 * kSecond);
  EXPECT_FALSE(s[0].last_alert_ns.has_value());
  EXPECT_EQ(s[1].events_total, 0u);
  h.set("y", 0, kT0 + 390 * kSecond);  // data time moves on: two events left the window
  s = h.engine().status();
  EXPECT_EQ(s[0].events_in_window, 1u);
}

TEST(AlertEngineTest, StaleValuesAreUnknownInBothDirections) {
  Harness h({rule("both", "speed > 5 and rpm > 3")});
  h.set("rpm", 800, kT0);
  h.set("speed", 10, kT0 + 6 * kSecond);  // rpm is 6 s old: stale
  EXPECT_TRUE(h.events.empty());
  h.set("rpm", 800, kT0 + 7 * kSecond);
  EXPECT_EQ(h.events.size(), 1u);

  // A value stamped 10 s ahead of the others is stale too, until they catch up.
  Harness ahead({rule("both", "speed > 5 and rpm > 3")});
  ahead.set("rpm", 800, kT0 + 10 * kSecond);
  ahead.set("speed", 10, kT0);
  EXPECT_TRUE(ahead.events.empty());
  ahead.set("speed", 10, kT0 + 6 * kSecond);  // 4 s apart now
  EXPECT_EQ(ahead.events.size(), 1u);
}

TEST(AlertEngineTest, InputsAreTheFieldsReadPlusPosition) {
  RuleOptions r = rule("r", "speed > 1 and can0.bus_state == 3");
  r.message = "{vin} at {speed}";
  Harness h({r});
  EXPECT_EQ(h.engine().inputs(),
            (std::vector<std::string>{"speed", "can0.bus_state", "vin", "lat", "lon"}));
  EXPECT_EQ(h.engine().input("vin"), 2u);
  EXPECT_FALSE(h.engine().input("rpm").has_value());
  EXPECT_THROW(h.engine().update(99, 1.0, kT0), std::out_of_range);
}

TEST(AlertEngineTest, TheConstructorRefusesWhatTheReaderWould) {
  const auto problem = [](std::vector<RuleOptions> rules) -> std::string {
    try {
      AlertEngine engine(EngineOptions{5s, std::move(rules)});
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(problem({rule("a b", "x > 1")}),
            "alerts.rules[0].name: a rule name uses only letters, digits, _ and - (it becomes a "
            "metric label)");
  EXPECT_EQ(problem({rule("a", "x > 1"), rule("a", "y > 1")}),
            "alerts.rules[1].name: \"a\" is already used by alerts.rules[0]");
  EXPECT_EQ(problem({rule("a", "")}), "alerts.rules[0].when: each rule needs a condition (when:)");
  EXPECT_EQ(problem({rule("a", "x > > 1")}),
            "alerts.rules[0].when: expected a field name after \">\"\n    x > > 1\n        ^");
  RuleOptions no_window = rule("a", "x > 1");
  no_window.more_than = 3;
  EXPECT_EQ(problem({no_window}),
            "alerts.rules[0].more_than: more_than needs a window: add within, e.g. within: 5min");
  RuleOptions bad_message = rule("a", "x > 1");
  bad_message.message = "x {y";
  EXPECT_EQ(problem({bad_message}),
            "alerts.rules[0].message: this \"{\" is not closed: write {name}, or {{ for a "
            "brace\n    x {y\n      ^");
  EXPECT_EQ(problem({rule("a", "x > 1")}), "");
}

}  // namespace
}  // namespace canhose::alerts::test
