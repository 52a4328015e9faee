#include "delivery/send_window.hpp"

#include <gtest/gtest.h>

namespace canhose::delivery {
namespace {

using namespace std::chrono_literals;

TEST(SendWindow, StartsAtTheConfiguredConcurrency) {
  SendWindow w(4, 100ms, 10s);
  EXPECT_EQ(w.window(), 4u);
  EXPECT_EQ(w.spacing(), 0ms);
  EXPECT_FALSE(w.throttled());
}

TEST(SendWindow, ThrottlingHalvesTheWindowThenSpacesRequests) {
  SendWindow w(8, 100ms, 1s);
  w.on_throttle();
  EXPECT_EQ(w.window(), 4u);
  w.on_throttle();
  w.on_throttle();
  EXPECT_EQ(w.window(), 1u);
  EXPECT_EQ(w.spacing(), 0ms);
  w.on_throttle();
  EXPECT_EQ(w.spacing(), 100ms);
  w.on_throttle();
  EXPECT_EQ(w.spacing(), 200ms);
  for (int i = 0; i < 10; ++i) {
    w.on_throttle();
  }
  EXPECT_EQ(w.spacing(), 1s);
  EXPECT_TRUE(w.throttled());
}

TEST(SendWindow, SuccessesFirstRemoveSpacingThenGrowTheWindowByOnePerWindow) {
  SendWindow w(4, 100ms, 1s);
  for (int i = 0; i < 5; ++i) {
    w.on_throttle();  // window 4 -> 2 -> 1, spacing 100ms -> 200ms -> 400ms
  }
  EXPECT_EQ(w.spacing(), 400ms);
  w.on_success();
  EXPECT_EQ(w.spacing(), 200ms);
  w.on_success();
  w.on_success();
  EXPECT_EQ(w.spacing(), 0ms);
  EXPECT_EQ(w.window(), 1u);
  w.on_success();  // one full window of 1
  EXPECT_EQ(w.window(), 2u);
  w.on_success();
  EXPECT_EQ(w.window(), 2u);
  w.on_success();  // a full window of 2
  EXPECT_EQ(w.window(), 3u);
  for (int i = 0; i < 20; ++i) {
    w.on_success();
  }
  EXPECT_EQ(w.window(), 4u);  // never above the configured maximum
  EXPECT_FALSE(w.throttled());
}

TEST(SendWindow, ReloadClampsTheWindow) {
  SendWindow w(8, 100ms, 1s);
  w.set_max_window(2);
  EXPECT_EQ(w.window(), 2u);
  w.set_max_window(0);
  EXPECT_EQ(w.window(), 1u);
}

}  // namespace
}  // namespace canhose::delivery
