// Time going backwards (jitter, a looping replay) and the rendered alert message.

#include <gtest/gtest.h>

#include "engine_fixture.hpp"

namespace canhose::alerts::test {
namespace {

TEST(AlertTimeTest, SmallJitterIsTakenAtTheLatestTime) {
  RuleOptions r = rule("speeding", "speed > 120");
  r.for_duration = 2s;
  Harness h({r});
  h.set("speed", 130, kT0);
  h.set("speed", 130, kT0 + kSecond);
  h.set("speed", 130, kT0 + 600 * kMs);  // 0.4 s back: no rebase
  h.set("speed", 130, kT0 + 1900 * kMs);
  EXPECT_TRUE(h.events.empty());
  h.set("speed", 130, kT0 + 2 * kSecond);
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].time_ns, kT0 + 2 * kSecond);
}

TEST(AlertTimeTest, ALoopingReplayRebasesAndKeepsTheCooldown) {
  RuleOptions r = rule("pulse", "x > 0");
  r.within = 1min;
  r.cooldown = 1min;
  Harness h({r});
  // A 31 s log with one event at its second 1, replayed three times.
  for (int loop = 0; loop < 3; ++loop) {
    h.set("x", 0, kT0);
    h.set("x", 1, kT0 + kSecond);
    h.set("x", 0, kT0 + 2 * kSecond);
    h.set("x", 0, kT0 + 31 * kSecond);
  }
  ASSERT_EQ(h.events.size(), 3u);
  for (const Event& e : h.events) {
    EXPECT_EQ(e.time_ns, kT0 + kSecond);  // the data's own time
  }
  // Effective time: the events are 31 s apart, so the second is within the first's
  // cooldown and the third, 62 s on, is not.
  EXPECT_EQ(h.events[1].events_in_window, 2u);
  EXPECT_EQ(h.events[2].events_in_window, 2u);
  ASSERT_EQ(h.alerts.size(), 2u);
  EXPECT_EQ(h.engine().status()[0].suppressed_total, 1u);
}

TEST(AlertTimeTest, TheForDurationRunsOnAcrossARebase) {
  RuleOptions r = rule("speeding", "speed > 120");
  r.for_duration = 10s;
  Harness h({r});
  h.set("speed", 130, kT0 + 100 * kSecond);
  h.set("speed", 130, kT0 + 105 * kSecond);
  h.set("speed", 130, kT0);  // a clock step back by 105 s: effective time stays
  EXPECT_TRUE(h.events.empty());
  h.set("speed", 130, kT0 + 5 * kSecond);  // effective 10 s after the first
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].time_ns, kT0 + 5 * kSecond);
}

TEST(AlertTimeTest, TheMessageRendersFieldsAndPlaceholders) {
  RuleOptions r = rule("mil_on", "mil == 1 and dtcs != \"\"");
  r.severity = Severity::critical;
  r.for_duration = 2500ms;
  r.message =
      "{rule} [{severity}] {count}/{within}/{for}: {dtc_count} codes ({dtcs}) at {speed} km/h, "
      "coolant {coolant}, {{literal}}";
  Harness h({r});
  h.set("speed", 12.34567, kT0);
  h.set("dtc_count", 2, kT0);
  h.set("dtcs", "P0301 P0420", kT0);
  h.set("lat", 52.52, kT0);
  h.set("lon", 13.405, kT0);
  h.set("mil", 1, kT0);
  h.set("mil", 1, kT0 + 3 * kSecond);
  ASSERT_EQ(h.alerts.size(), 1u);
  const Alert& a = h.alerts[0];
  EXPECT_EQ(a.severity, Severity::critical);
  EXPECT_EQ(a.message,
            "mil_on [critical] 1/0s/2500ms: 2 codes (P0301 P0420) at 12.346 km/h, coolant n/a, "
            "{literal}");
  ASSERT_TRUE(a.position.has_value());
  EXPECT_DOUBLE_EQ(a.position->lat, 52.52);
  EXPECT_DOUBLE_EQ(a.position->lon, 13.405);
  // Stale values read n/a and leave the position out.
  h.set("mil", 0, kT0 + 9 * kSecond);
  h.set("dtcs", "P0301", kT0 + 9 * kSecond);
  h.set("mil", 1, kT0 + 9 * kSecond);
  h.set("mil", 1, kT0 + 12 * kSecond);
  ASSERT_EQ(h.alerts.size(), 2u);
  EXPECT_EQ(h.alerts[1].message,
            "mil_on [critical] 1/0s/2500ms: n/a codes (P0301) at n/a km/h, coolant n/a, "
            "{literal}");
  EXPECT_FALSE(h.alerts[1].position.has_value());
}

TEST(AlertTimeTest, NumbersAndWindowsAreFormattedShort) {
  EXPECT_EQ(format_number(12.3456), "12.346");
  EXPECT_EQ(format_number(2.50), "2.5");
  EXPECT_EQ(format_number(3), "3");
  EXPECT_EQ(format_number(-0.0001), "0");
  EXPECT_EQ(format_number(-4.1), "-4.1");
  EXPECT_EQ(format_window(500ms), "500ms");
  EXPECT_EQ(format_window(2s), "2s");
  EXPECT_EQ(format_window(90s), "90s");
  EXPECT_EQ(format_window(5min), "5min");
  EXPECT_EQ(format_window(1h), "1h");
  EXPECT_EQ(format_window(0s), "0s");
}

TEST(AlertTimeTest, TemplateErrorsHaveOffsets) {
  const auto error = [](std::string_view text) {
    auto parsed = parse_template(text);
    return std::get_if<ExpressionError>(&parsed) ? *std::get_if<ExpressionError>(&parsed)
                                                 : ExpressionError{999, "parsed"};
  };
  EXPECT_EQ(error("a {b").offset, 2u);
  EXPECT_EQ(error("a {b").message, "this \"{\" is not closed: write {name}, or {{ for a brace");
  EXPECT_EQ(error("a } b").message, "a lone \"}\": write }} for a brace");
  EXPECT_EQ(error("a {} b").message, "empty placeholder {}: name a field, or write {{ for a brace");
  EXPECT_EQ(error("{a b}").offset, 2u);
  EXPECT_EQ(error("{{ok}} {fine}").message, "parsed");
}

}  // namespace
}  // namespace canhose::alerts::test
