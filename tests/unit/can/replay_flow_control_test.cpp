// ReplaySource with a FlowControl: it asks before each batch, pauses while downstream has
// no room, delivers nothing meanwhile, and goes on where it stopped once resumed.

#include <gtest/gtest.h>

#include "can/replay_source.hpp"
#include "can_test_support.hpp"
#include "support/test_paths.hpp"

namespace canhose::can {
namespace {

using test::run_until;

const std::string kSavvyLog = std::string(CANHOSE_TEST_DATA_DIR) + "/can/savvycan-candump.log";

TEST(ReplayFlowControl, AReplayPausesWithoutRoomAndGoesOnWhenResumed) {
  asio::io_context io;
  ReplayOptions options;
  options.enabled = true;
  options.file = kSavvyLog;
  options.speed = 0;  // max: only the flow control holds it back
  std::vector<std::uint32_t> ids;
  ReplaySource replay(io, options, [&](std::span<const CanFrame> batch) {
    for (const CanFrame& f : batch) {
      ids.push_back(f.id);
    }
  });
  int asked = 0;
  bool room = false;  // after the first ten batches
  std::function<void()> resume;
  replay.set_flow_control(
      {[&] { return ++asked <= 10 || room; }, [&](std::function<void()> r) { resume = r; }});
  replay.start();
  ASSERT_TRUE(run_until(io, [&] { return replay.paused(); }));
  EXPECT_EQ(ids.size(), 640u);  // ten batches of 64
  io.restart();
  io.poll();
  EXPECT_EQ(ids.size(), 640u) << "nothing is delivered while paused";
  EXPECT_EQ(replay.stats().pauses, 1u);
  EXPECT_NE(replay.status().find("paused (waiting for the queue)"), std::string::npos)
      << replay.status();
  EXPECT_FALSE(replay.finished());
  room = true;
  ASSERT_TRUE(resume);
  resume();
  ASSERT_TRUE(run_until(io, [&] { return replay.finished(); }));
  EXPECT_EQ(ids.size(), 12974u) << "every frame once, none lost or repeated";
  EXPECT_EQ(ids.front(), 0x21Au);
  EXPECT_EQ(ids.back(), 0x102u);
  EXPECT_EQ(replay.stats().pauses, 1u);
}

}  // namespace
}  // namespace canhose::can
