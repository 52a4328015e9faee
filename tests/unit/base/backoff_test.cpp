#include "base/backoff.hpp"

#include <gtest/gtest.h>

namespace canhose::base {
namespace {

using namespace std::chrono_literals;
using base::Duration;

TEST(Backoff, CapDoublesFromBaseUpToMax) {
  Backoff b(100ms, 1s, 1);
  std::vector<Duration> caps;
  for (int i = 0; i < 6; ++i) {
    caps.push_back(b.cap());
    b.next();
  }
  EXPECT_EQ(caps, (std::vector<Duration>{100ms, 200ms, 400ms, 800ms, 1s, 1s}));
}

TEST(Backoff, EveryWaitLiesWithinZeroAndTheCap) {
  Backoff b(100ms, 60s, 42);
  for (int i = 0; i < 1000; ++i) {
    const Duration cap = b.cap();
    const Duration wait = b.next();
    ASSERT_GE(wait.count(), 0);
    ASSERT_LE(wait, cap);
  }
}

TEST(Backoff, WaitsAreSpreadNotAllAtTheCap) {
  // Full jitter: over many draws at the 60s cap, the mean is near half the cap.
  Backoff b(60s, 60s, 7);
  double sum = 0;
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    sum += static_cast<double>(b.next().count());
  }
  const double mean_ms = sum / n;
  EXPECT_GT(mean_ms, 27'000);
  EXPECT_LT(mean_ms, 33'000);
}

TEST(Backoff, ResetStartsAgainFromBase) {
  Backoff b(100ms, 10s, 3);
  for (int i = 0; i < 10; ++i) {
    b.next();
  }
  EXPECT_EQ(b.cap(), 10s);
  b.reset();
  EXPECT_EQ(b.cap(), 100ms);
  EXPECT_EQ(b.attempts(), 0u);
}

TEST(Backoff, HugeAttemptCountsDoNotOverflow) {
  Backoff b(1ms, 24h, 5);
  for (int i = 0; i < 10'000; ++i) {
    b.next();
  }
  EXPECT_EQ(b.cap(), 24h);
}

}  // namespace
}  // namespace canhose::base
