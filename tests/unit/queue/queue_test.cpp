// The Queue on real files: append, durability, reading, out-of-order acknowledgement,
// cursor persistence, retention, both when_full policies, and the disk-error paths
// (through FaultInjectingFileSystem over the real disk).

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <thread>

#include "queue/cursor_file.hpp"
#include "queue/posix_file_system.hpp"
#include "queue_fixture.hpp"
#include "support/fault_injecting_file_system.hpp"

namespace canhose::queue {
namespace {

using testing::payload_for;
using testing::run_until;

class QueueTest : public testing::QueueFixture {};

TEST_F(QueueTest, AppendReturnsIncreasingSequenceNumbersAndReportsDurability) {
  open();
  std::uint64_t told = 0;
  queue_->set_durable_handler([&](std::uint64_t d) { told = d; });
  const auto seqs = append_n(10);
  EXPECT_EQ(1U, seqs.front());
  EXPECT_EQ(10U, seqs.back());
  ASSERT_TRUE(run_until(io_, [&] { return told == 10; }));
  EXPECT_GE(queue_->metrics().fsyncs, 1U);
}

TEST_F(QueueTest, ReaderSeesRecordsInOrderWithTheirContent) {
  open();
  append_n(500, 300);
  ASSERT_TRUE(wait_durable(500));
  const auto all = drain(false, 64);
  ASSERT_EQ(500U, all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(i + 1, all[i].seq);
    EXPECT_EQ(payload_for(i, 300), testing::string_of(all[i].data));
  }
  EXPECT_GT(queue_->metrics().segments, 1U) << "64 KiB segments must have rolled";
}

TEST_F(QueueTest, BatchesAreBoundedByCountAndBytes) {
  open();
  append_n(50, 1000);
  ASSERT_TRUE(wait_durable(50));
  auto b = queue_->read(7, 1 << 20);
  EXPECT_EQ(7U, b.records.size());
  b = queue_->read(100, 4500);
  EXPECT_EQ(4U, b.records.size());
  EXPECT_LE(b.bytes, 4500U);
  b = queue_->read(100, 10);  // smaller than one record: still one record
  EXPECT_EQ(1U, b.records.size());
  EXPECT_EQ(12U, b.records[0].seq);
}

// A batch's records point into its own storage: they keep their bytes when the batch is
// moved and when a later read refills another batch, and the record carried over a byte
// limit comes back whole at the start of the next read.
TEST_F(QueueTest, RecordsKeepTheirBytesWhenTheBatchIsMovedAndAcrossTheByteLimit) {
  open();
  append_n(30, 1000);
  ASSERT_TRUE(wait_durable(30));
  ReadBatch first = queue_->read(100, 4500);  // 4 fit; the 5th is carried over
  ASSERT_EQ(4U, first.records.size());
  ReadBatch moved = std::move(first);
  ReadBatch second = queue_->read(100, 1 << 20);
  ASSERT_EQ(26U, second.records.size());
  EXPECT_EQ(5U, second.records[0].seq);
  for (std::size_t i = 0; i < moved.records.size(); ++i) {
    EXPECT_EQ(i + 1, moved.records[i].seq);
    EXPECT_EQ(payload_for(i, 1000), testing::string_of(moved.records[i].data));
  }
  for (std::size_t i = 0; i < second.records.size(); ++i) {
    EXPECT_EQ(payload_for(i + 4, 1000), testing::string_of(second.records[i].data));
  }
  EXPECT_EQ(26U * 1000U, second.bytes);
}

TEST_F(QueueTest, WaitReadableCompletesWhenNewRecordsBecomeDurable) {
  open();
  bool ready = false;
  queue_->async_wait_readable([&](std::error_code ec) { ready = !ec; });
  io_.restart();
  io_.poll();
  EXPECT_FALSE(ready) << "nothing to read yet";
  append_n(1);
  ASSERT_TRUE(run_until(io_, [&] { return ready; }));
  EXPECT_EQ(1U, drain(false).size());
  bool again = false;
  queue_->async_wait_readable([&](std::error_code) { again = true; });
  io_.restart();
  io_.poll();
  EXPECT_FALSE(again) << "everything was read";
  close();
  EXPECT_TRUE(again) << "close cancels waiters";
}

TEST_F(QueueTest, OutOfOrderAcksAdvanceTheCursorOnlyOverContiguousRecords) {
  open();
  append_n(10);
  ASSERT_TRUE(wait_durable(10));
  const auto all = drain(false);
  ASSERT_EQ(10U, all.size());
  for (std::uint64_t s : {2, 3, 5, 1}) {
    queue_->acknowledge(s);
  }
  EXPECT_EQ(4U, queue_->metrics().ack_seq);  // 1,2,3 acked; 4 is not
  queue_->acknowledge(4);
  EXPECT_EQ(6U, queue_->metrics().ack_seq);
  close();
  // After a restart, reading resumes at the persisted cursor: 6..10 come again.
  open();
  const auto again = drain(false);
  ASSERT_EQ(5U, again.size());
  EXPECT_EQ(6U, again.front().seq);
}

// Acknowledging a list at once is acknowledging its records one by one: out of order,
// with gaps, repeats and unknown numbers.
TEST_F(QueueTest, AcknowledgingSeveralRecordsAtOnceIsAcknowledgingEach) {
  open();
  append_n(20);
  ASSERT_TRUE(wait_durable(20));
  ASSERT_EQ(20U, drain(false).size());
  const std::vector<std::uint64_t> first = {2, 3, 4, 4, 7, 99, 1, 0};
  queue_->acknowledge(first);
  EXPECT_EQ(5U, queue_->metrics().ack_seq);  // 1..4 acked; 5 is not
  const std::vector<std::uint64_t> second = {5, 6, 8, 9, 10, 12};
  queue_->acknowledge(second);
  EXPECT_EQ(11U, queue_->metrics().ack_seq);
  queue_->acknowledge(std::span<const std::uint64_t>{});
  EXPECT_EQ(11U, queue_->metrics().ack_seq);
  close();
  open();
  const auto again = drain(false);
  ASSERT_EQ(10U, again.size());  // 11..20 (12 is delivered again: at least once)
  EXPECT_EQ(11U, again.front().seq);
}

TEST_F(QueueTest, AcknowledgedRecordsAcrossRestartsAreNotDeliveredAgain) {
  open();
  append_n(100);
  ASSERT_TRUE(wait_durable(100));
  drain(true);
  close();
  open();
  EXPECT_TRUE(drain(false).empty());
  EXPECT_EQ(0U, queue_->metrics().records_queued);
}

TEST_F(QueueTest, SequenceNumbersNeverRepeatEvenAfterTheQueueEmpties) {
  open();
  append_n(30, 5000);  // several segments
  ASSERT_TRUE(wait_durable(30));
  drain(true);
  ASSERT_TRUE(run_until(io_, [&] { return queue_->metrics().segments == 1; }))
      << "segments below the cursor are deleted";
  close();
  open();
  EXPECT_EQ(31U, queue_->append(std::string_view("next")).seq);
  close();
  // Even with the cursor file gone, the segment names carry the sequence.
  std::filesystem::remove(options_.dir / "cursor");
  open();
  EXPECT_EQ(32U, queue_->append(std::string_view("after")).seq);
}

TEST_F(QueueTest, SegmentsWhollyBelowTheCursorAreDeleted) {
  open();
  append_n(200, 2000);
  ASSERT_TRUE(wait_durable(200));
  const auto before = testing::segment_files(options_.dir).size();
  ASSERT_GT(before, 3U);
  const auto all = drain(false);
  for (std::size_t i = 0; i < 100; ++i) {
    queue_->acknowledge(all[i].seq);
  }
  ASSERT_TRUE(run_until(io_, [&] { return testing::segment_files(options_.dir).size() < before; }));
  // The segment holding record 101 and every later one remain.
  open();
  const auto rest = drain(false);
  ASSERT_EQ(100U, rest.size());
  EXPECT_EQ(101U, rest.front().seq);
}

TEST_F(QueueTest, FsyncModesAllDeliverEverything) {
  for (FsyncMode mode : {FsyncMode::always, FsyncMode::interval, FsyncMode::never}) {
    SCOPED_TRACE(to_string(mode));
    close();
    std::filesystem::remove_all(options_.dir);
    options_.fsync = mode;
    options_.fsync_interval = std::chrono::milliseconds(20);
    open();
    append_n(300, 200);
    ASSERT_TRUE(wait_durable(300));
    EXPECT_EQ(300U, drain(true).size());
    if (mode == FsyncMode::never) {
      EXPECT_EQ(0U, queue_->metrics().fsyncs - 1) << "only the segment creation fsyncs";
    }
  }
}

TEST_F(QueueTest, IntervalModeGroupsManyRecordsIntoFewFsyncs) {
  options_.fsync = FsyncMode::interval;
  options_.fsync_interval = std::chrono::milliseconds(50);
  options_.segment_bytes = 1024 * 1024;
  open();
  append_n(2000, 100);
  ASSERT_TRUE(wait_durable(2000));
  EXPECT_LE(queue_->metrics().fsyncs, 6U);
}

TEST_F(QueueTest, RecordsAboveTheLimitAreRefusedAndCounted) {
  open();
  const std::string big(1'024'001, 'x');
  const auto r = queue_->append(std::string_view(big));
  EXPECT_FALSE(r.accepted());
  EXPECT_EQ(DropReason::too_large, r.dropped);
  EXPECT_EQ(1U, queue_->metrics().dropped(DropReason::too_large));
  const std::string largest(1'024'000, 'y');
  EXPECT_TRUE(queue_->append(std::string_view(largest)).accepted());
}

TEST_F(QueueTest, DropNewestRefusesRecordsWhenFullAndCountsThem) {
  options_.when_full = WhenFull::drop_newest;
  options_.max_bytes = 4ULL * 1024 * 1024;
  options_.memory_buffer_bytes = 2ULL * 1024 * 1024;
  options_.fsync = FsyncMode::never;  // retention does not depend on fsync; keeps it quick
  open();
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;
  for (int i = 0; i < 6000; ++i) {
    const auto r = queue_->append(payload_for(i, 1000));
    if (r.accepted()) {
      ++accepted;
    } else {
      ++refused;
    }
    if (i % 500 == 0) {
      wait_durable(accepted);
    }
  }
  ASSERT_TRUE(wait_durable(accepted));
  const auto m = queue_->metrics();
  EXPECT_GT(refused, 0U);
  EXPECT_EQ(refused, m.dropped(DropReason::queue_full_newest) + m.dropped(DropReason::memory_full));
  EXPECT_LE(m.bytes_queued, options_.max_bytes);
  // The oldest records are all still there.
  const auto all = drain(true);
  ASSERT_EQ(accepted, all.size());
  EXPECT_EQ(1U, all.front().seq);
  // Delivery frees space: appends are accepted again.
  ASSERT_TRUE(run_until(io_, [&] { return queue_->metrics().segments <= 2; }));
  EXPECT_TRUE(queue_->append(std::string_view("again")).accepted());
}

TEST_F(QueueTest, DropOldestDeletesTheOldestSegmentsAndCountsTheirRecords) {
  options_.when_full = WhenFull::drop_oldest;
  options_.max_bytes = 4ULL * 1024 * 1024;
  options_.memory_buffer_bytes = 2ULL * 1024 * 1024;
  options_.fsync = FsyncMode::never;  // retention does not depend on fsync; keeps it quick
  open();
  const int n = 8000;
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(queue_->append(payload_for(i, 1000)).accepted());
    if (i % 500 == 0) {
      wait_durable(static_cast<std::uint64_t>(i));
    }
  }
  ASSERT_TRUE(wait_durable(n));
  const auto m = queue_->metrics();
  EXPECT_LE(m.bytes_queued, options_.max_bytes);
  const auto all = drain(false);
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(static_cast<std::uint64_t>(n), all.back().seq) << "the newest records are kept";
  EXPECT_EQ(all.front().seq - 1, m.dropped(DropReason::queue_full_oldest))
      << "every record before the first kept one is counted as dropped";
  for (std::size_t i = 1; i < all.size(); ++i) {
    ASSERT_EQ(all[i - 1].seq + 1, all[i].seq);
  }
}

// Delivery acknowledges records it read before a full queue deleted them: those
// acknowledgements move no cursor. They used to stay counted, so the worker's wake-up test
// was always true and it spun without ever releasing the mutex: append(), read() and
// close() on the loop blocked for ever (canhosed ignored SIGTERM under load).
TEST_F(QueueTest, AcknowledgingRecordsAFullQueueDroppedDoesNotWedgeTheWorker) {
  options_.when_full = WhenFull::drop_oldest;
  options_.max_bytes = 4ULL * 1024 * 1024;
  options_.memory_buffer_bytes = 2ULL * 1024 * 1024;
  options_.fsync = FsyncMode::never;
  options_.cursor_write_records = 10;
  open();
  append_n(100, 1000);
  ASSERT_TRUE(wait_durable(100));
  const ReadBatch in_flight = queue_->read(100, 1 << 20);
  ASSERT_EQ(100U, in_flight.records.size());
  // Push the queue far over max_bytes: the segments holding those records are deleted.
  std::uint64_t last = 100;
  for (int round = 0; round < 16; ++round) {
    last = append_n(500, 1000, round + 1).back();
    ASSERT_TRUE(wait_durable(last));
  }
  ASSERT_GE(queue_->metrics().dropped(DropReason::queue_full_oldest), 100U);
  // The worker persists the cursor the evictions moved (cursor_write_interval is 10 ms).
  run_until(
      io_, [] { return false; }, std::chrono::milliseconds(300));
  ASSERT_GT(queue_->metrics().cursor_writes, 0U);

  // A wedged worker would block the next call for ever: fail loudly instead of hanging.
  std::atomic<bool> done{false};
  std::thread watchdog([&done] {
    for (int i = 0; i < 300 && !done; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!done) {
      std::fprintf(stderr, "the queue's worker holds its mutex: the loop is blocked\n");
      std::abort();
    }
  });
  for (const QueueRecord& r : in_flight.records) {
    queue_->acknowledge(r.seq);  // 100 acknowledgements, cursor_write_records 10
  }
  run_until(
      io_, [] { return false; }, std::chrono::milliseconds(100));
  const std::uint64_t after = append_n(5, 1000, 99).back();
  EXPECT_EQ(last + 5, after);
  EXPECT_TRUE(wait_durable(after));
  queue_->close();
  done = true;
  watchdog.join();
}

// While records flow, the cursor rides along with the group fsync (at most every
// fsync_interval), not only every cursor_write_interval: a crash then sends again only
// what was acknowledged since the last fsync (issue 14: ~1,600 duplicates per SIGKILL).
TEST_F(QueueTest, TheCursorIsPersistedWithTheNextGroupFsyncAfterAcknowledgements) {
  options_.fsync = FsyncMode::interval;
  options_.fsync_interval = std::chrono::milliseconds(10);
  options_.cursor_write_interval = std::chrono::minutes(1);  // never, within this test
  options_.cursor_write_records = 1'000'000;
  open();
  append_n(10);
  ASSERT_TRUE(wait_durable(10));
  ASSERT_EQ(10U, drain(true).size());
  append_n(10, 100, 1);  // records keep flowing: a group fsync comes
  ASSERT_TRUE(wait_durable(20));
  PosixFileSystem posix;
  CursorFile cursor(posix, options_.dir);
  EXPECT_TRUE(run_until(io_, [&] {
    const CursorFile::LoadResult r = cursor.load();
    return r.status == CursorFile::LoadStatus::ok && r.cursor.ack_seq == 11;
  })) << "the acknowledgements of records 1..10 are not on disk";
}

// Acknowledgements waiting to be persisted while the cursor file cannot be written: the
// worker retries with backoff (retry_initial doubling to retry_max), not at every pass.
TEST_F(QueueTest, AFailingCursorWriteIsRetriedWithBackoffNotInALoop) {
  options_.cursor_write_records = 10;
  auto fs = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
  open(fs);
  append_n(20);
  ASSERT_TRUE(wait_durable(20));
  fs->fail_creates(std::errc::no_space_on_device);  // the cursor's temporary file
  const ReadBatch batch = queue_->read(20, 1 << 20);
  ASSERT_EQ(20U, batch.records.size());
  for (const QueueRecord& r : batch.records) {
    queue_->acknowledge(r.seq);
  }
  run_until(
      io_, [] { return false; }, std::chrono::milliseconds(300));
  auto m = queue_->metrics();
  EXPECT_GE(m.write_errors, 2U) << "retried";
  // 5, 10, 20, 20... ms apart: about 16 tries in 300 ms; in a loop it was thousands.
  EXPECT_LT(m.write_errors, 100U) << "retried in a tight loop";
  EXPECT_EQ("write the cursor: No space left on device", m.disk_error);
  fs->clear();
  EXPECT_TRUE(run_until(
      io_, [&] { return queue_->metrics().disk_error.empty(); }, std::chrono::seconds(5)));
}

TEST_F(QueueTest, MaxAgeExpiresOldSegments) {
  options_.segment_max_age = std::chrono::seconds(1);
  options_.max_age = std::chrono::seconds(2);
  open();
  append_n(10);
  ASSERT_TRUE(wait_durable(10));
  // Three seconds later, a new segment is started; the first one is older than max_age.
  ASSERT_TRUE(run_until(
                  io_, [] { return false; }, std::chrono::milliseconds(3100)) == false);
  append_n(5);
  ASSERT_TRUE(wait_durable(15));
  ASSERT_TRUE(run_until(
      io_, [&] { return queue_->metrics().dropped(DropReason::expired) > 0; },
      std::chrono::seconds(15)));
  EXPECT_EQ(10U, queue_->metrics().dropped(DropReason::expired));
  const auto all = drain(false);
  ASSERT_EQ(5U, all.size());
  EXPECT_EQ(11U, all.front().seq);
}

TEST_F(QueueTest, OldestUnacknowledgedAgeGrowsUntilAcknowledged) {
  open();
  append_n(3);
  ASSERT_TRUE(wait_durable(3));
  run_until(
      io_, [] { return false; }, std::chrono::milliseconds(150));
  EXPECT_GE(queue_->metrics().oldest_unacked_age, std::chrono::milliseconds(100));
  drain(true);
  EXPECT_EQ(std::chrono::milliseconds(0), queue_->metrics().oldest_unacked_age);
}

TEST_F(QueueTest, OldestUnacknowledgedAgeFollowsTheRecordNotItsSegment) {
  open();  // one segment holds everything below: its age says nothing about record 2
  append_n(1);
  ASSERT_TRUE(wait_durable(1));
  run_until(
      io_, [] { return false; }, std::chrono::milliseconds(2500));
  append_n(1);
  ASSERT_TRUE(wait_durable(2));
  auto first = queue_->read(1, 1 << 20);
  ASSERT_EQ(1U, first.records.size());
  queue_->acknowledge(first.records[0].seq);
  const auto age = queue_->metrics().oldest_unacked_age;
  EXPECT_LT(age, std::chrono::milliseconds(2000))
      << "record 2 is younger than the 2.5 s since the segment was created";
}

// ---- disk errors, injected on the real disk

TEST_F(QueueTest, FsyncErrorAbandonsTheSegmentAndRewritesItsRecordsExactlyOnce) {
  auto fs = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
  open(fs);
  append_n(20);
  ASSERT_TRUE(wait_durable(20));
  const auto segments_before = testing::segment_files(options_.dir).size();
  fs->fail_segment_syncs(std::errc::io_error, 1);  // not the cursor's, which may sync first
  append_n(20, 100, 1);
  ASSERT_TRUE(wait_durable(40));
  const auto m = queue_->metrics();
  EXPECT_EQ(1U, m.fsync_errors);
  EXPECT_GT(testing::segment_files(options_.dir).size(), segments_before)
      << "after an fsync error the segment is not trusted: a new one is started";
  std::vector<std::uint64_t> seen;
  for (const auto& r : drain(false)) {
    seen.push_back(r.seq);
  }
  ASSERT_EQ(40U, seen.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(i + 1, seen[i]);
  }
  close();
  open();
  EXPECT_EQ(40U, drain(false).size()) << "exactly once after a restart too";
}

// A failing disk (EIO) is waited for; a full one (ENOSPC) gets queue.when_full
// (queue_full_disk_test.cpp).
TEST_F(QueueTest, WriteErrorsKeepRecordsInMemoryAndRetry) {
  auto fs = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
  open(fs);
  append_n(5);
  ASSERT_TRUE(wait_durable(5));
  fs->fail_appends(std::errc::io_error);
  append_n(50, 100, 1);
  run_until(io_, [&] { return queue_->metrics().write_errors >= 3; });
  auto m = queue_->metrics();
  EXPECT_GE(m.write_errors, 3U) << "it keeps retrying";
  EXPECT_EQ(5U, m.durable_seq);
  EXPECT_EQ(50U * 100, m.memory_bytes);
  // The metrics say what the disk refuses, and since when, while it does.
  EXPECT_NE(std::string::npos, m.disk_error.find("Input/output error")) << m.disk_error;
  EXPECT_GT(m.disk_error_since_ms, 0);
  fs->clear();
  ASSERT_TRUE(wait_durable(55));
  // Cleared once writes work again (a cursor error with the next cursor write, which
  // comes after its backoff).
  EXPECT_TRUE(run_until(
      io_, [&] { return queue_->metrics().disk_error.empty(); }, std::chrono::seconds(5)))
      << queue_->metrics().disk_error;
  EXPECT_EQ(0, queue_->metrics().disk_error_since_ms);
  EXPECT_EQ(55U, drain(false).size());
}

TEST_F(QueueTest, ShortWriteIsCutBackAndTheRecordsRewritten) {
  auto fs = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
  open(fs);
  append_n(5);
  ASSERT_TRUE(wait_durable(5));
  fs->short_write_next(37, std::errc::io_error);  // a failing disk, not a full one
  append_n(5, 100, 1);
  ASSERT_TRUE(wait_durable(10));
  EXPECT_EQ(1U, queue_->metrics().write_errors);
  close();
  open();
  EXPECT_EQ(0U, queue_->startup_report().corrupt_bytes) << "the torn bytes were cut back";
  const auto all = drain(false);
  ASSERT_EQ(10U, all.size());
  EXPECT_EQ(payload_for(100000 + 4, 100), testing::string_of(all[9].data));
}

// A segment whose first fsync after its header fails holds nothing durable: it is removed
// and made again under the same name. Delivery had the first file open (it moved on to the
// new segment as soon as it was listed); it must read the second one. It used to go on
// reading the removed file, find it empty, and skip the rewritten records for good.
TEST_F(QueueTest, AReaderOfASegmentRemovedAndMadeAgainReadsTheNewFile) {
  options_.fsync = FsyncMode::interval;
  options_.fsync_interval = std::chrono::seconds(2);  // the window the reader opens it in
  auto fs = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
  open(fs);
  append_n(700);  // 700 x 111 bytes: the 64 KiB segment rolls over into a second one
  ASSERT_TRUE(run_until(io_, [&] { return queue_->metrics().segments == 2; }));
  const std::uint64_t first_durable = queue_->metrics().durable_seq;
  ASSERT_LT(first_durable, 700U) << "the second segment's records are not synced yet";
  fs->fail_segment_syncs(std::errc::io_error, 1);
  const auto before = drain(false);  // the first segment, then the second's header only
  ASSERT_EQ(first_durable, before.size());
  ASSERT_TRUE(run_until(io_, [&] { return queue_->metrics().fsync_errors >= 1; }));
  ASSERT_TRUE(wait_durable(700));
  const auto after = drain(false);
  ASSERT_EQ(700U - first_durable, after.size()) << "the rewritten records are delivered";
  EXPECT_EQ(first_durable + 1, after.front().seq);
  EXPECT_EQ(700U, after.back().seq);
}

TEST_F(QueueTest, MemoryBufferFullDropsNewRecordsWhileTheDiskIsDown) {
  options_.memory_buffer_bytes = 2ULL * 1024 * 1024;
  auto fs = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
  open(fs);
  fs->fail_creates(std::errc::io_error);
  std::uint64_t accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    accepted += queue_->append(payload_for(i, 1000)).accepted() ? 1 : 0;
  }
  const auto m = queue_->metrics();
  EXPECT_EQ(3000U - accepted, m.dropped(DropReason::memory_full));
  EXPECT_LE(m.memory_bytes, options_.memory_buffer_bytes);
  fs->clear();
  ASSERT_TRUE(wait_durable(accepted));
  EXPECT_EQ(accepted, drain(false).size());
}

TEST_F(QueueTest, CloseWritesAndFsyncsWhatIsStillInMemory) {
  options_.fsync = FsyncMode::interval;
  options_.fsync_interval = std::chrono::minutes(1);
  open();
  append_n(1000, 100);
  close();
  open();
  EXPECT_EQ(1000U, drain(false).size());
}

TEST_F(QueueTest, CloseWithTheDiskStillFailingCountsWhatIsLost) {
  auto fs = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
  open(fs);
  append_n(3);
  ASSERT_TRUE(wait_durable(3));
  fs->fail_appends(std::errc::io_error);
  append_n(7, 100, 1);
  run_until(io_, [&] { return queue_->metrics().write_errors > 0; });
  queue_->close();
  EXPECT_EQ(7U, queue_->metrics().dropped(DropReason::closed));
  close();
  fs->clear();
  open();
  EXPECT_EQ(3U, drain(false).size());
  EXPECT_EQ(0U, queue_->startup_report().corrupt_bytes);
}

TEST_F(QueueTest, SecondProcessOrQueueOnTheSameDirectoryIsRefused) {
  open();
  auto second = Queue::open(io_, options_);
  EXPECT_FALSE(second.queue);
  EXPECT_NE(std::string::npos, second.error.find("in use")) << second.error;
}

TEST_F(QueueTest, UnwritableDirectoryIsAClearError) {
  if (::geteuid() == 0) {
    options_.dir = "/proc/canhose-queue";  // not even root can create it
  } else {
    options_.dir = "/canhose-queue-test-not-permitted";
  }
  auto r = Queue::open(io_, options_);
  EXPECT_FALSE(r.queue);
  EXPECT_NE(std::string::npos, r.error.find("cannot create queue directory")) << r.error;
}

TEST_F(QueueTest, InvalidOptionsAreRefused) {
  options_.max_bytes = options_.segment_bytes;
  auto r = Queue::open(io_, options_);
  EXPECT_FALSE(r.queue);
  EXPECT_NE(std::string::npos, r.error.find("max_bytes")) << r.error;
}

}  // namespace
}  // namespace canhose::queue
