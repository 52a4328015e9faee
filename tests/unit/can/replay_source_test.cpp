#include "can/replay_source.hpp"
#include "support/test_paths.hpp"

#include "can/can_metrics.hpp"

#include <gtest/gtest.h>

#include "can_test_support.hpp"
#include "support/temp_dir.hpp"

namespace canhose::can {
namespace {

using test::run_until;
using Clock = std::chrono::steady_clock;

const std::string kSavvyLog = std::string(CANHOSE_TEST_DATA_DIR) + "/can/savvycan-candump.log";

struct Arrival {
  CanFrame frame;
  std::string interface;
  Clock::time_point at;
  std::size_t batch;
};

struct Recorder {
  std::vector<Arrival> arrivals;
  std::size_t batches = 0;
  std::size_t largest_batch = 0;
  FrameBatchHandler handler() {
    return [this](std::span<const CanFrame> b) {
      ++batches;
      largest_batch = std::max(largest_batch, b.size());
      for (const CanFrame& f : b) {
        arrivals.push_back({f, std::string(f.interface), Clock::now(), batches});
      }
    };
  }
};

ReplayOptions options(std::string file, double speed) {
  ReplayOptions o;
  o.enabled = true;
  o.file = std::move(file);
  o.speed = speed;
  return o;
}

TEST(ReplaySource, MaxSpeedDeliversTheWholeSavvyLogInBoundedBatches) {
  asio::io_context io;
  Recorder got;
  ReplaySource replay(io, options(kSavvyLog, 0), got.handler());
  bool finished = false;
  replay.set_finished_handler([&] { finished = true; });
  replay.start();
  ASSERT_TRUE(run_until(
      io, [&] { return finished; }, std::chrono::seconds(30)));
  ASSERT_EQ(got.arrivals.size(), 12974u);
  EXPECT_LE(got.largest_batch, 64u);
  EXPECT_EQ(got.arrivals.front().frame.id, 0x21Au);
  EXPECT_EQ(got.arrivals.back().frame.id, 0x102u);
  EXPECT_EQ(got.arrivals.back().interface, "vcan0");
  // Re-stamped with the wall clock (the log says 166 s after the epoch).
  EXPECT_GT(got.arrivals.front().frame.timestamp_ns, 1'600'000'000'000'000'000LL);
  EXPECT_EQ(got.arrivals.front().frame.timestamp_source, TimestampSource::wall_clock);
  EXPECT_EQ(replay.stats().frames, 12974u);
  EXPECT_EQ(replay.stats().passes, 1u);
  EXPECT_TRUE(replay.finished());
}

TEST(ReplaySource, MaxSpeedLetsOtherWorkRunBetweenBatches) {
  asio::io_context io;
  Recorder got;
  ReplaySource replay(io, options(kSavvyLog, 0), got.handler());
  replay.start();
  std::size_t frames_when_other_work_ran = 0;
  asio::post(io, [&] { frames_when_other_work_ran = got.arrivals.size(); });
  ASSERT_TRUE(run_until(
      io, [&] { return replay.finished(); }, std::chrono::seconds(30)));
  EXPECT_GT(frames_when_other_work_ran, 0u);
  EXPECT_LT(frames_when_other_work_ran, 12974u);
}

TEST(ReplaySource, RealSpeedNeverDeliversAFrameBeforeItsTimeAndBurstsTogether) {
  canhose::test::TempDir dir;
  const auto path = dir.write("t.log",
                              "(100.000000) can0 001#01\n"
                              "(100.100000) can0 002#02\n"
                              "(100.100000) can0 003#03\n"
                              "(100.250000) can0 004#04\n");
  asio::io_context io;
  Recorder got;
  ReplayOptions o = options(path.string(), 1.0);
  o.original_timestamps = true;
  ReplaySource replay(io, o, got.handler());
  const Clock::time_point start = Clock::now();
  replay.start();
  ASSERT_TRUE(run_until(io, [&] { return replay.finished(); }));
  ASSERT_EQ(got.arrivals.size(), 4u);
  EXPECT_GE(got.arrivals[1].at - start, std::chrono::milliseconds(100));
  EXPECT_GE(got.arrivals[3].at - start, std::chrono::milliseconds(250));
  EXPECT_EQ(got.arrivals[1].batch, got.arrivals[2].batch);  // same timestamp, one batch
  EXPECT_NE(got.arrivals[0].batch, got.arrivals[1].batch);
  EXPECT_EQ(got.arrivals[3].frame.timestamp_ns, 100'250'000'000LL);  // kept as logged
  EXPECT_EQ(got.arrivals[3].frame.timestamp_source, TimestampSource::log);
}

TEST(ReplaySource, SpeedMultiplierShortensTheWaits) {
  canhose::test::TempDir dir;
  const auto path = dir.write("t.log", "(10.0) can0 001#01\n(11.0) can0 002#02\n");
  asio::io_context io;
  Recorder got;
  ReplaySource replay(io, options(path.string(), 4.0), got.handler());
  const Clock::time_point start = Clock::now();
  replay.start();
  ASSERT_TRUE(run_until(io, [&] { return replay.finished(); }));
  ASSERT_EQ(got.arrivals.size(), 2u);
  // One logged second at 4x is 250 ms: not before. (Real time would be 1 s.)
  EXPECT_GE(got.arrivals[1].at - start, std::chrono::milliseconds(250));
  EXPECT_LT(got.arrivals[1].at - start, std::chrono::milliseconds(1000));
}

TEST(ReplaySource, LoopingPlaysTheFileAgainWithRenamedInterface) {
  canhose::test::TempDir dir;
  const auto path = dir.write("t.log", "(1.0) can0 001#01\nnot a frame\n(1.5) can1 002#02\n");
  asio::io_context io;
  Recorder got;
  ReplayOptions o = options(path.string(), 0);
  o.loop = true;
  o.interface_name = "replay0";
  ReplaySource replay(io, o, got.handler());
  replay.start();
  ASSERT_TRUE(run_until(io, [&] { return got.arrivals.size() >= 7; }));
  bool stopped = false;
  replay.async_stop(Clock::now(), [&] { stopped = true; });
  ASSERT_TRUE(run_until(io, [&] { return stopped; }));
  EXPECT_GE(replay.stats().passes, 3u);
  EXPECT_GE(replay.stats().malformed, 3u);  // counted again on every pass
  EXPECT_EQ(got.arrivals[0].frame.id, 1u);
  EXPECT_EQ(got.arrivals[1].frame.id, 2u);
  EXPECT_EQ(got.arrivals[2].frame.id, 1u);
  for (const Arrival& a : got.arrivals) {
    EXPECT_EQ(a.interface, "replay0");
  }
  const std::size_t at_stop = got.arrivals.size();
  io.restart();
  io.run_for(std::chrono::milliseconds(20));
  EXPECT_EQ(got.arrivals.size(), at_stop);  // nothing after stop
}

TEST(ReplaySource, FiltersApplyToReplayedFrames) {
  canhose::test::TempDir dir;
  const auto path = dir.write("t.log", "(1.0) can0 7E8#01\n(1.0) can0 7DF#02\n(1.0) can0 7EA#03\n");
  asio::io_context io;
  Recorder got;
  ReplayOptions o = options(path.string(), 0);
  o.filters = {*parse_can_id_filter("0x7E8/0x7F8").filter};
  ReplaySource replay(io, o, got.handler());
  replay.start();
  ASSERT_TRUE(run_until(io, [&] { return replay.finished(); }));
  ASSERT_EQ(got.arrivals.size(), 2u);
  EXPECT_EQ(got.arrivals[1].frame.id, 0x7EAu);
  EXPECT_EQ(replay.stats().filtered, 1u);
}

TEST(ReplaySource, LoopOverAFileWithoutValidFramesEnds) {
  canhose::test::TempDir dir;
  const auto path = dir.write("t.log", "junk\nmore junk\n");
  asio::io_context io;
  Recorder got;
  ReplayOptions o = options(path.string(), 0);
  o.loop = true;
  ReplaySource replay(io, o, got.handler());
  replay.start();
  ASSERT_TRUE(run_until(io, [&] { return replay.finished(); }));
  EXPECT_TRUE(got.arrivals.empty());
  EXPECT_EQ(replay.stats().malformed, 2u);
}

TEST(ReplaySource, MissingFileFailsAtStartWithItsName) {
  asio::io_context io;
  Recorder got;
  ReplaySource replay(io, options("/nonexistent/drive.log", 1), got.handler());
  try {
    replay.start();
    FAIL() << "started without a file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/drive.log"), std::string::npos);
  }
}

TEST(ReplayOptions, SpeedSpellingsAndValidation) {
  EXPECT_EQ(parse_replay_speed("max"), 0.0);
  EXPECT_EQ(parse_replay_speed("0"), 0.0);
  EXPECT_EQ(parse_replay_speed("2"), 2.0);
  EXPECT_EQ(parse_replay_speed("2x"), 2.0);
  EXPECT_EQ(parse_replay_speed("0.5"), 0.5);
  EXPECT_FALSE(parse_replay_speed("-1").has_value());
  EXPECT_FALSE(parse_replay_speed("fast").has_value());
  EXPECT_FALSE(parse_replay_speed("5000").has_value());
  ReplayOptions o;
  o.enabled = true;
  o.speed = -2;
  o.batch = 0;
  const auto problems = validate(o);
  EXPECT_EQ(problems.size(), 3u);
  asio::io_context io;
  EXPECT_THROW(ReplaySource(io, o, [](std::span<const CanFrame>) {}), std::invalid_argument);
}

TEST(ReplaySource, MetricsReportFramesPassesAndTheEnd) {
  asio::io_context io;
  Recorder got;
  ReplaySource replay(io, options(kSavvyLog, 0), got.handler());
  metrics::MetricRegistry registry;
  registry.add_collector(metrics_collector(replay));
  replay.start();
  ASSERT_TRUE(run_until(
      io, [&] { return replay.finished(); }, std::chrono::seconds(30)));
  const std::string text = registry.render();
  EXPECT_NE(text.find("canhose_replay_frames_total 12974\n"), std::string::npos) << text;
  EXPECT_NE(text.find("canhose_replay_passes_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("canhose_replay_finished 1\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace canhose::can
