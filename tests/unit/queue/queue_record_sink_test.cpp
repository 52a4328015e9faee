// QueueRecordSink over a real Queue, fed by the RawFrameRecorder: the record id written
// in each record is its queue sequence, whether it went through append() or a batch, and
// a batch the queue refuses part of falls back to a per-record drop with dense ids.

#include "queue/queue_record_sink.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "queue/posix_file_system.hpp"
#include "queue_fixture.hpp"
#include "record/raw_frame_recorder.hpp"
#include "support/fault_injecting_file_system.hpp"

namespace canhose::queue {
namespace {

using namespace std::chrono;
using record::RawFrame;

const sys_time<microseconds> kTime = sys_days{year{2026} / 11 / 25} + 18h + 123456us;
const std::array<std::uint8_t, 8> kData = {0x04, 0x41, 0x0C, 0x1A, 0xF8, 0x00, 0x00, 0x00};

record::RawFrameOptions ids_7e8_7e9() {
  record::RawFrameOptions o;
  o.enabled = true;
  o.ids = {0x7E8, 0x7E9};
  return o;
}

std::string text_of(const testing::OwnedRecord& r) {
  return std::string(reinterpret_cast<const char*>(r.data.data()), r.data.size());
}

// Every record read starts with its own sequence number, and the sequences are 1..n.
void expect_ids_are_sequences(const std::vector<testing::OwnedRecord>& all) {
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(i + 1, all[i].seq);
    EXPECT_EQ(std::to_string(all[i].seq) + " ",
              text_of(all[i]).substr(0, std::to_string(all[i].seq).size() + 1));
  }
}

class QueueRecordSinkTest : public testing::QueueFixture {};

TEST_F(QueueRecordSinkTest, BatchAndSingleRawRecordsCarryTheirQueueSequenceAsRecordId) {
  open();
  QueueRecordSink sink(*queue_);
  record::RawFrameRecorder recorder(sink, ids_7e8_7e9(), record::RecordFormat::space);
  std::size_t expected = 0;
  for (int round = 0; round < 50; ++round) {
    EXPECT_TRUE(recorder.on_frame({"can0", 0x7E8, 0, kData, kTime}));
    ++expected;
    std::vector<RawFrame> batch;
    for (int i = 0; i < 32; ++i) {
      // Every third frame is not selected.
      const std::uint32_t id = i % 3 == 2 ? 0x123 : (i % 2 == 0 ? 0x7E8 : 0x7E9);
      batch.push_back({"can1", id, 0, kData, kTime});
      expected += id == 0x123 ? 0 : 1;
    }
    EXPECT_EQ(22U, recorder.on_frames(batch));
  }
  EXPECT_EQ(expected, recorder.counters().records);
  EXPECT_EQ(50U * 33U, recorder.counters().frames_seen);
  EXPECT_EQ(0U, recorder.counters().append_failures);
  ASSERT_TRUE(wait_durable(expected));
  const auto all = drain(true);
  ASSERT_EQ(expected, all.size());
  expect_ids_are_sequences(all);
  EXPECT_EQ("2 2026-11-25T18:00:00.123456Z can1 7E8 04410C1AF8000000\n", text_of(all[1]));
}

TEST_F(QueueRecordSinkTest, BatchOverflowingTheMemoryBufferDropsEachRecordThatDoesNotFit) {
  options_.memory_buffer_bytes = 2ULL * 1024 * 1024;
  auto fs = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
  open(fs);
  fs->fail_creates(std::errc::io_error);  // nothing leaves memory
  // Fill memory to 600 bytes below the limit: room for about ten 58-byte records.
  const std::string largest(1'024'000, 'x');
  ASSERT_TRUE(queue_->append(std::string_view(largest)).accepted());
  ASSERT_TRUE(queue_->append(std::string_view(largest)).accepted());
  const std::string filler(2ULL * 1024 * 1024 - 2 * 1'024'000 - 600, 'f');
  ASSERT_TRUE(queue_->append(std::string_view(filler)).accepted());

  QueueRecordSink sink(*queue_);
  record::RawFrameRecorder recorder(sink, ids_7e8_7e9(), record::RecordFormat::space);
  std::vector<RawFrame> batch(32, RawFrame{"can0", 0x7E8, 0, kData, kTime});
  const std::size_t appended = recorder.on_frames(batch);
  EXPECT_GT(appended, 5U);
  EXPECT_LT(appended, 32U);
  EXPECT_EQ(32U - appended, recorder.counters().append_failures);
  const auto m = queue_->metrics();
  EXPECT_EQ(32U - appended, m.dropped(DropReason::memory_full));
  EXPECT_LE(m.memory_bytes, options_.memory_buffer_bytes);
  EXPECT_EQ(3 + appended + 1, queue_->next_sequence());

  fs->clear();
  ASSERT_TRUE(wait_durable(3 + appended));
  auto all = drain(true);
  ASSERT_EQ(3 + appended, all.size());
  all.erase(all.begin(), all.begin() + 3);  // the fillers
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(4 + i, all[i].seq);
    EXPECT_EQ(std::to_string(4 + i) + " 2026-11-25T18:00:00.123456Z can0 7E8 04410C1AF8000000\n",
              text_of(all[i]));
  }
}

TEST_F(QueueRecordSinkTest, SmallerRecordAfterARefusedOneInABatchGetsTheNextId) {
  options_.memory_buffer_bytes = 2ULL * 1024 * 1024;
  auto fs = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
  open(fs);
  fs->fail_creates(std::errc::io_error);
  const std::string largest(1'024'000, 'x');
  ASSERT_TRUE(queue_->append(std::string_view(largest)).accepted());
  ASSERT_TRUE(queue_->append(std::string_view(largest)).accepted());
  // Room for 80 bytes: a 64-byte CAN FD frame (128 hex digits) does not fit, an empty
  // classic frame does.
  const std::string filler(2ULL * 1024 * 1024 - 2 * 1'024'000 - 80, 'f');
  ASSERT_TRUE(queue_->append(std::string_view(filler)).accepted());

  QueueRecordSink sink(*queue_);
  record::RawFrameRecorder recorder(sink, ids_7e8_7e9(), record::RecordFormat::space);
  const std::array<std::uint8_t, 64> fd_data{};
  const std::vector<RawFrame> batch = {{"can0", 0x7E8, RawFrame::kFd, fd_data, kTime},
                                       {"can0", 0x7E9, 0, {}, kTime}};
  EXPECT_EQ(1U, recorder.on_frames(batch));
  EXPECT_EQ(1U, recorder.counters().append_failures);
  EXPECT_EQ(1U, queue_->metrics().dropped(DropReason::memory_full));
  fs->clear();
  ASSERT_TRUE(wait_durable(4));
  const auto all = drain(true);
  ASSERT_EQ(4U, all.size());
  EXPECT_EQ("4 2026-11-25T18:00:00.123456Z can0 7E9 NaN\n", text_of(all[3]));
}

}  // namespace
}  // namespace canhose::queue
