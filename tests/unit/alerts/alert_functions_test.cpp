// The time functions through the engine: rate, delta, avg/min/max, changed, abs, and
// the history bound.

#include <gtest/gtest.h>

#include "engine_fixture.hpp"

namespace canhose::alerts::test {
namespace {

TEST(AlertFunctionsTest, RateIsPerSecondBetweenTheTwoLatestValues) {
  Harness h({rule("climb", "rate(speed) > 10")});
  h.set("speed", 0, kT0);
  EXPECT_TRUE(h.events.empty());       // one value: unknown
  h.set("speed", 5, kT0 + 500 * kMs);  // 10 per second: not more than 10
  EXPECT_TRUE(h.events.empty());
  h.set("speed", 11, kT0 + 1000 * kMs);  // 12 per second
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].time_ns, kT0 + kSecond);
}

TEST(AlertFunctionsTest, DeltaComparesWithTheValueAWindowAgo) {
  Harness h({rule("drop", "delta(speed, 1s) < -12")});
  // 100 km/h falling by 10 km/h per second, sampled every 200 ms: delta -10, no event.
  for (int i = 0; i <= 10; ++i) {
    h.set("speed", 100 - 2.0 * i, kT0 + i * 200 * kMs);
  }
  EXPECT_TRUE(h.events.empty());
  // Now 20 km/h per second.
  const std::int64_t t1 = kT0 + 2 * kSecond;
  for (int i = 1; i <= 10; ++i) {
    h.set("speed", 80 - 4.0 * i, t1 + i * 200 * kMs);
  }
  ASSERT_EQ(h.events.size(), 1u);
}

TEST(AlertFunctionsTest, DeltaIsUnknownWithoutASampleOldEnoughOrFreshEnough) {
  Harness h({rule("drop", "delta(speed, 1s) < -12")});
  h.set("speed", 100, kT0);
  h.set("speed", 50, kT0 + 500 * kMs);  // no sample at or before t - 1 s
  EXPECT_TRUE(h.events.empty());
  // The only sample before t - 1 s is older than t - 1 s - max_age (5 s).
  Harness gap({rule("drop", "delta(speed, 1s) < -12")});
  gap.set("speed", 100, kT0);
  gap.set("speed", 50, kT0 + 7 * kSecond);
  EXPECT_TRUE(gap.events.empty());
  // Within max_age of t - 1 s: it counts.
  Harness near({rule("drop", "delta(speed, 1s) < -12")});
  near.set("speed", 100, kT0);
  near.set("speed", 50, kT0 + 5 * kSecond);
  EXPECT_EQ(near.events.size(), 1u);
}

TEST(AlertFunctionsTest, AverageMinimumMaximumOverTheWindow) {
  Harness h({rule("avg", "avg(t, 10s) > 50"), rule("min", "min(t, 10s) > 20"),
             rule("max", "max(t, 10s) >= 90")});
  h.set("t", 10, kT0);
  h.set("t", 90, kT0 + 5 * kSecond);  // avg 50, min 10, max 90
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].rule, "max");
  h.set("t", 60, kT0 + 10 * kSecond);  // the 10 at kT0 has left (t - 10 s, t]
  ASSERT_EQ(h.events.size(), 3u);
  EXPECT_EQ(h.events[1].rule, "avg");  // (90 + 60) / 2 = 75
  EXPECT_EQ(h.events[2].rule, "min");  // 60
}

TEST(AlertFunctionsTest, ChangedIsTrueOnANewDifferentValueOfItsField) {
  Harness h({rule("new_dtcs", "changed(dtcs) and dtcs != \"\" or speed > 1000")});
  h.set("dtcs", "P0301", kT0);  // the first value counts as a change
  ASSERT_EQ(h.events.size(), 1u);
  h.set("dtcs", "P0301", kT0 + kSecond);  // the same: not changed, re-arms
  h.set("speed", 50, kT0 + 2 * kSecond);  // another field's update: not changed
  h.set("dtcs", "P0301 P0420", kT0 + 3 * kSecond);
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[1].time_ns, kT0 + 3 * kSecond);
  h.set("dtcs", "", kT0 + 4 * kSecond);  // changed, but empty
  EXPECT_EQ(h.events.size(), 2u);
}

TEST(AlertFunctionsTest, StringsCompareEqualOrNot) {
  Harness h({rule("has_dtcs", "dtcs != \"\""), rule("vin", "vin == \"WVWZZZ1JZXW000001\"")});
  h.set("dtcs", "", kT0);
  h.set("vin", "WVWZZZ1JZXW000001", kT0);
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].rule, "vin");
  h.set("dtcs", "P0301 P0420", kT0 + kSecond);
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[1].rule, "has_dtcs");
}

TEST(AlertFunctionsTest, AbsOfADelta) {
  Harness h({rule("jerk", "abs(delta(speed, 1s)) > 12")});
  h.set("speed", 0, kT0);
  h.set("speed", 20, kT0 + kSecond);
  EXPECT_EQ(h.events.size(), 1u);
}

TEST(AlertFunctionsTest, AStringValueEmptiesTheNumericHistory) {
  Harness h({rule("up", "delta(speed, 1s) > 5")});
  h.set("speed", 0, kT0);
  h.set("speed", "n/a", kT0 + 500 * kMs);
  h.set("speed", 20, kT0 + 1000 * kMs);  // no sample a second back any more
  EXPECT_TRUE(h.events.empty());
}

TEST(AlertFunctionsTest, HistoryIsCappedButKeepsTheNewestSamples) {
  // A 1 h average over 1 kHz data: only the newest 16384 samples are kept.
  Harness h({rule("avg", "avg(x, 1h) > 0.5")});
  std::int64_t t = kT0;
  for (int i = 0; i < 20000; ++i, t += kMs) {
    h.set("x", 0, t);
  }
  for (int i = 0; i < 8193; ++i, t += kMs) {
    h.set("x", 1, t);
  }
  // 8193 ones among the newest 16384 samples: the average is just above 0.5.
  EXPECT_EQ(h.events.size(), 1u);
}

}  // namespace
}  // namespace canhose::alerts::test
