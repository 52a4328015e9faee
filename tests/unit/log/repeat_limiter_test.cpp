#include "log/repeat_limiter.hpp"

#include <gtest/gtest.h>

namespace canhose::log {
namespace {

using namespace std::chrono_literals;
using Clock = RepeatLimiter::Clock;

TEST(RepeatLimiter, LetsTheBurstThroughThenCountsTheRest) {
  RepeatLimiter limiter(3, 10s);
  const Clock::time_point t0{};
  int emitted = 0;
  for (int i = 0; i < 10; ++i) {
    emitted += limiter.admit(
                          "queue\x1f"
                          "disk full",
                          t0 + std::chrono::milliseconds(i))
                       .emit
                   ? 1
                   : 0;
  }
  EXPECT_EQ(emitted, 3);
  // The next window reports the 7 suppressed repeats with the first message it lets through.
  const auto d = limiter.admit(
      "queue\x1f"
      "disk full",
      t0 + 11s);
  EXPECT_TRUE(d.emit);
  EXPECT_EQ(d.suppressed_before, 7u);
}

TEST(RepeatLimiter, DifferentMessagesAreLimitedSeparately) {
  RepeatLimiter limiter(1, 10s);
  const Clock::time_point t0{};
  EXPECT_TRUE(limiter.admit("a", t0).emit);
  EXPECT_FALSE(limiter.admit("a", t0).emit);
  EXPECT_TRUE(limiter.admit("b", t0).emit);
}

TEST(RepeatLimiter, ExpireReportsSuppressedCountsOfEndedWindowsOnce) {
  RepeatLimiter limiter(1, 10s);
  const Clock::time_point t0{};
  limiter.admit("a", t0);
  limiter.admit("a", t0);
  limiter.admit("a", t0);
  limiter.admit("b", t0);
  EXPECT_TRUE(limiter.expire(t0 + 5s).empty());
  const auto expired = limiter.expire(t0 + 10s);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].key, "a");
  EXPECT_EQ(expired[0].suppressed, 2u);
  EXPECT_TRUE(limiter.expire(t0 + 20s).empty());
  EXPECT_EQ(limiter.tracked_keys(), 0u);
}

TEST(RepeatLimiter, DrainReportsOpenWindowsTooAndForgetsEveryKey) {
  RepeatLimiter limiter(1, 10s);
  const Clock::time_point t0{};
  limiter.admit("a", t0);
  limiter.admit("a", t0);
  limiter.admit("b", t0);
  const auto drained = limiter.drain();
  ASSERT_EQ(drained.size(), 1u);
  EXPECT_EQ(drained[0].key, "a");
  EXPECT_EQ(drained[0].suppressed, 1u);
  EXPECT_EQ(limiter.tracked_keys(), 0u);
  EXPECT_TRUE(limiter.admit("a", t0).emit);
}

TEST(RepeatLimiter, MemoryStaysBoundedWithManyDistinctMessages) {
  RepeatLimiter limiter(1, 10s, 100);
  const Clock::time_point t0{};
  for (int i = 0; i < 10'000; ++i) {
    EXPECT_TRUE(limiter.admit("message " + std::to_string(i), t0).emit);
  }
  EXPECT_LE(limiter.tracked_keys(), 100u);
}

}  // namespace
}  // namespace canhose::log
