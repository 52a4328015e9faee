// A candump log replayed at speed max into the real queue, wired as the daemon wires it
// (ReplaySource -> FrameRouter -> RawFrameRecorder -> QueueRecordSink -> Queue, with
// replay_flow_control), with the smallest memory buffer the configuration allows: every
// frame becomes a record, in order, and nothing is dropped. Without the flow control this
// replay loses records to memory_full (the reason it exists).
//
// CANHOSE_REPLAY_REPEATS sets how many times the SavvyCAN log (12,974 frames) is
// repeated (default 16: 207,584 frames; 77 makes about a million).

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "can/replay_source.hpp"
#include "queue/queue_record_sink.hpp"
#include "record/raw_frame_recorder.hpp"
#include "service/frame_router.hpp"
#include "service/replay_flow_control.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace canhose::service {
namespace {

using namespace std::chrono_literals;

const std::string kSavvyLog = std::string(CANHOSE_TEST_DATA_DIR) + "/can/savvycan-candump.log";

// "(166.000000) vcan0 21A#FE3612FE690507AD" -> "vcan0 21A FE3612FE690507AD", as the raw
// record writes the frame after its id and timestamp.
std::vector<std::string> expected_frames(const std::string& log_text, int repeats) {
  std::vector<std::string> one;
  std::istringstream in(log_text);
  std::string stamp;
  std::string iface;
  std::string frame;
  while (in >> stamp >> iface >> frame) {
    const std::size_t hash = frame.find('#');
    one.push_back(iface + ' ' + frame.substr(0, hash) + ' ' + frame.substr(hash + 1));
  }
  std::vector<std::string> all;
  for (int i = 0; i < repeats; ++i) {
    all.insert(all.end(), one.begin(), one.end());
  }
  return all;
}

TEST(ReplayBackpressure, AMaxSpeedReplayIntoASmallMemoryBufferLosesNoFrame) {
  const char* env = std::getenv("CANHOSE_REPLAY_REPEATS");
  const int repeats = env != nullptr ? std::atoi(env) : 16;
  test::TempDir dir;
  const std::string log_text = test::read_file(kSavvyLog);
  {
    std::ofstream big(dir.path() / "big.log");
    for (int i = 0; i < repeats; ++i) {
      big << log_text;
    }
  }
  const std::vector<std::string> expected = expected_frames(log_text, repeats);

  asio::io_context io;
  queue::QueueOptions q;
  q.dir = dir.path() / "queue";
  q.max_bytes = 1ULL << 30;
  q.memory_buffer_bytes = 2ULL << 20;  // the smallest queue.memory_buffer allowed
  auto opened = queue::Queue::open(io, q);
  ASSERT_TRUE(opened.queue) << opened.error;
  queue::Queue& queue = *opened.queue;
  queue::QueueRecordSink sink(queue);
  record::RawFrameOptions raw_options;
  raw_options.enabled = true;
  raw_options.all_ids = true;
  record::RawFrameRecorder raw(sink, raw_options, record::RecordFormat::space);
  record::FieldStore store;
  FrameRouter router(store, std::nullopt, &raw);
  can::ReplayOptions options;
  options.enabled = true;
  options.file = (dir.path() / "big.log").string();
  options.speed = 0;  // max
  can::ReplaySource replay(io, options,
                           [&](std::span<const can::CanFrame> f) { router.on_frames(f); });
  replay.set_flow_control(replay_flow_control(queue));
  replay.start();

  std::vector<std::string> got;
  got.reserve(expected.size());
  // Until the replay is over and every record it made has been read (a hang guard too).
  const auto limit = std::chrono::steady_clock::now() + 300s;
  const auto all_read = [&] {
    const queue::QueueMetrics m = queue.metrics();
    return replay.finished() && m.durable_seq + 1 >= m.next_seq && got.size() + 1 >= m.next_seq;
  };
  while (!all_read() && std::chrono::steady_clock::now() < limit) {
    io.restart();  // it stops whenever it runs out of work (the replay paused, say)
    io.run_for(5ms);
    // Read (and acknowledge) as delivery would, so the segments can go.
    for (queue::ReadBatch b = queue.read(4096, 1 << 20); !b.records.empty();
         b = queue.read(4096, 1 << 20)) {
      for (const queue::QueueRecord& r : b.records) {
        const std::string text(reinterpret_cast<const char*>(r.data.data()), r.data.size());
        // "<id> <timestamp> <iface> <id> <data>\n": keep what came from the frame.
        std::size_t at = text.find(' ');
        at = text.find(' ', at + 1);
        got.push_back(text.substr(at + 1, text.size() - at - 2));
        queue.acknowledge(r.seq);
      }
    }
  }
  EXPECT_TRUE(replay.finished());
  const queue::QueueMetrics m = queue.metrics();
  for (std::size_t reason = 0; reason < queue::kDropReasonCount; ++reason) {
    EXPECT_EQ(m.drops[reason], 0u) << to_string(static_cast<queue::DropReason>(reason));
  }
  EXPECT_EQ(raw.counters().append_failures, 0u);
  EXPECT_EQ(replay.stats().frames, expected.size());
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], expected[i]) << "record " << i + 1;
  }
  std::cout << expected.size() << " frames replayed, " << got.size() << " records, "
            << replay.stats().pauses << " pauses for the queue\n";
  queue.close();
}

}  // namespace
}  // namespace canhose::service
