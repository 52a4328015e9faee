// Queue::async_wait_durable: a producer that answers its own client (the local ingest
// endpoint) learns when one of its records is on disk, and what became of it at close.

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <optional>

#include "queue/posix_file_system.hpp"
#include "queue_fixture.hpp"
#include "support/fault_injecting_file_system.hpp"

namespace canhose::queue {
namespace {

using namespace std::chrono_literals;

class QueueDurableWaitTest : public testing::QueueFixture {
 protected:
  // The disk refuses every segment: nothing becomes durable until fs_->clear().
  void open_with_disk_down() {
    fs_ = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
    open(fs_);
    fs_->fail_creates(std::errc::io_error);
  }
  std::shared_ptr<FaultInjectingFileSystem> fs_;
};

TEST_F(QueueDurableWaitTest, AWaitEndsOnlyOnceTheRecordIsOnDisk) {
  open_with_disk_down();
  const auto seqs = append_n(3, 100);
  std::optional<std::error_code> result;
  queue_->async_wait_durable(seqs.back(), [&](std::error_code ec) { result = ec; });
  io_.restart();
  io_.run_for(100ms);
  EXPECT_FALSE(result) << "the disk refuses the records: they are not durable";
  EXPECT_LT(queue_->metrics().durable_seq, seqs.back());
  fs_->clear();
  ASSERT_TRUE(testing::run_until(
      io_, [&] { return result.has_value(); }, 10s));
  EXPECT_FALSE(*result);
  EXPECT_GE(queue_->metrics().durable_seq, seqs.back());
}

TEST_F(QueueDurableWaitTest, WaitsEndInSequenceOrderAsRecordsBecomeDurable) {
  open_with_disk_down();
  const auto first = append_n(2, 100);
  std::vector<std::uint64_t> order;
  // Registered out of order; each handler registers nothing else.
  queue_->async_wait_durable(first[1], [&](std::error_code ec) {
    EXPECT_FALSE(ec);
    order.push_back(first[1]);
  });
  queue_->async_wait_durable(first[0], [&](std::error_code ec) {
    EXPECT_FALSE(ec);
    order.push_back(first[0]);
  });
  fs_->clear();
  ASSERT_TRUE(testing::run_until(
      io_, [&] { return order.size() == 2; }, 10s));
  EXPECT_EQ(order, (std::vector<std::uint64_t>{first[0], first[1]}));
}

TEST_F(QueueDurableWaitTest, AWaitForADurableRecordEndsAtOnceOnTheLoop) {
  open();
  const auto seqs = append_n(1, 100);
  ASSERT_TRUE(wait_durable(seqs.back()));
  std::optional<std::error_code> result;
  queue_->async_wait_durable(seqs.back(), [&](std::error_code ec) { result = ec; });
  EXPECT_FALSE(result) << "handlers run on the loop, never inside the call";
  io_.restart();
  io_.poll();
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(*result);
}

TEST_F(QueueDurableWaitTest, CloseCancelsTheWaitsForRecordsItCouldNotWrite) {
  open_with_disk_down();
  const auto seqs = append_n(2, 100);
  std::optional<std::error_code> result;
  queue_->async_wait_durable(seqs.back(), [&](std::error_code ec) { result = ec; });
  queue_->close();
  io_.restart();
  io_.poll();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, std::errc::operation_canceled);
  std::optional<std::error_code> late;
  queue_->async_wait_durable(seqs.back(), [&](std::error_code ec) { late = ec; });
  io_.restart();
  io_.poll();
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(*late, std::errc::operation_canceled);
}

TEST_F(QueueDurableWaitTest, RecordsCloseMakesDurableEndTheirWaitsWithSuccess) {
  // fsync at most once a minute: the records are written at once but durable only when
  // close() fsyncs them.
  options_.fsync = FsyncMode::interval;
  options_.fsync_interval = 1min;
  open();
  const auto seqs = append_n(2, 100);
  std::optional<std::error_code> result;
  queue_->async_wait_durable(seqs.back(), [&](std::error_code ec) { result = ec; });
  io_.restart();
  io_.run_for(50ms);
  ASSERT_FALSE(result) << "not fsynced yet";
  queue_->close();
  io_.restart();
  io_.poll();
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(*result) << result->message();
}

}  // namespace
}  // namespace canhose::queue

namespace canhose::queue {
namespace {

// fsync: interval. The ingest endpoint answers once a record is written to its segment file
// (a SIGKILL of canhosed cannot lose it), without holding the call until the next fsync.
TEST_F(QueueDurableWaitTest, AWrittenWaitEndsBeforeTheFsyncThatMakesTheRecordDurable) {
  options_.fsync = FsyncMode::interval;
  options_.fsync_interval = std::chrono::minutes(1);  // no timed fsync during the test
  fs_ = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
  open(fs_);
  const auto seqs = append_n(3, 100);
  std::optional<std::error_code> written;
  std::optional<std::error_code> durable;
  queue_->async_wait_written(seqs.back(), [&](std::error_code ec) { written = ec; });
  queue_->async_wait_durable(seqs.back(), [&](std::error_code ec) { durable = ec; });
  ASSERT_TRUE(testing::run_until(
      io_, [&] { return written.has_value(); }, 10s));
  EXPECT_FALSE(*written);
  EXPECT_FALSE(durable) << "no fsync yet";
  EXPECT_LT(queue_->metrics().durable_seq, seqs.back());
  // Written means in the file: 3 frames after the segment header.
  std::uintmax_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(options_.dir)) {
    if (std::isdigit(
            static_cast<unsigned char>(entry.path().filename().string()[0]))) {  // a segment
      bytes += entry.file_size();
    }
  }
  EXPECT_GE(bytes, 3 * 100u);
  queue_->close();
  io_.restart();
  io_.poll();
  ASSERT_TRUE(durable.has_value());
  EXPECT_FALSE(*durable) << "close() fsyncs what was written";
}

TEST_F(QueueDurableWaitTest, AWrittenWaitWaitsForADiskThatRefusesWrites) {
  options_.fsync = FsyncMode::interval;
  open_with_disk_down();
  const auto seqs = append_n(2, 100);
  std::optional<std::error_code> written;
  queue_->async_wait_written(seqs.back(), [&](std::error_code ec) { written = ec; });
  io_.restart();
  io_.run_for(100ms);
  EXPECT_FALSE(written) << "nothing could be written";
  fs_->clear();
  ASSERT_TRUE(testing::run_until(
      io_, [&] { return written.has_value(); }, 10s));
  EXPECT_FALSE(*written);
}

}  // namespace
}  // namespace canhose::queue
