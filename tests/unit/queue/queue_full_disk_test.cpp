// A full disk for real: the queue lives on a small tmpfs this test mounts (issue 14, "Full
// disk"). The disk's free space is a bound like queue.max_bytes: when it refuses a write,
// the queue deletes what delivery has acknowledged, then applies queue.when_full, and keeps
// writing and delivering new records. Nothing is lost beyond the drops it counts.

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>

#include "tmpfs_queue_fixture.hpp"

namespace canhose::queue {
namespace {

using testing::OwnedRecord;
using testing::payload_for;
using testing::run_until;

// What a test offered the queue and what delivery got out of it.
struct Ledger {
  std::vector<std::uint64_t> accepted;  // in append order
  std::map<DropReason, std::uint64_t> refused;
  std::vector<std::uint64_t> delivered;  // in read order

  std::uint64_t refused_total() const {
    std::uint64_t n = 0;
    for (const auto& [reason, count] : refused) {
      n += count;
    }
    return n;
  }
  // Accepted records delivery never got.
  std::uint64_t lost() const {
    const std::set<std::uint64_t> got(delivered.begin(), delivered.end());
    std::uint64_t n = 0;
    for (const std::uint64_t seq : accepted) {
      n += got.count(seq) == 0 ? 1 : 0;
    }
    return n;
  }
};

class QueueFullDiskTest : public testing::TmpfsQueueFixture {
 protected:
  QueueFullDiskTest() : TmpfsQueueFixture("1m") {
    // The daemon's defaults where they matter here: one segment is larger than the disk.
    options_.segment_bytes = 16ULL * 1024 * 1024;
    options_.max_bytes = 64ULL * 1024 * 1024;
    options_.memory_buffer_bytes = 8ULL * 1024 * 1024;
    options_.fsync_interval = std::chrono::milliseconds(20);  // when a test asks for interval
  }

  // Offers `n` records of 100 bytes, 300 at a time as a CAN source would; after each lot
  // the worker gets the chance to write it (until it is durable or the disk refuses), and
  // with `deliver` delivery reads and acknowledges everything durable.
  void offer(int n, bool deliver) {
    for (int i = 0; i < n; ++i) {
      const AppendResult r = queue_->append(payload_for(tag_++, 100));
      if (r.accepted()) {
        ledger_.accepted.push_back(r.seq);
      } else {
        ++ledger_.refused[*r.dropped];
      }
      if ((i + 1) % 300 == 0) {
        const std::uint64_t last = ledger_.accepted.empty() ? 0 : ledger_.accepted.back();
        run_until(io_, [&] {
          const QueueMetrics m = queue_->metrics();
          return m.durable_seq >= last || !m.disk_error.empty();
        });
        if (deliver) {
          // Delivery frees the disk; the worker (another thread) then deletes what was
          // delivered and writes what waited in memory. The next lot comes once it has, as
          // in the daemon, where a lot takes longer to arrive than that: without the wait
          // the test raced the worker's thread and saw refusals under load.
          if (deliver_all() > 0) {
            run_until(
                io_,
                [&] {
                  const QueueMetrics m = queue_->metrics();
                  return m.disk_error.empty() && m.memory_bytes == 0;
                },
                std::chrono::seconds(2));
          }
        }
      }
    }
  }
  std::size_t deliver_all() {
    const std::vector<OwnedRecord> got = drain(true, 500);
    for (const OwnedRecord& r : got) {
      ledger_.delivered.push_back(r.seq);
    }
    return got.size();
  }
  // Delivers until the newest accepted record has been delivered (or 20 s pass).
  bool deliver_until_caught_up() {
    return run_until(
        io_,
        [&] {
          deliver_all();
          return !ledger_.delivered.empty() && ledger_.delivered.back() == ledger_.accepted.back();
        },
        std::chrono::seconds(20));
  }
  void expect_delivered_in_order_once() {
    for (std::size_t i = 1; i < ledger_.delivered.size(); ++i) {
      ASSERT_LT(ledger_.delivered[i - 1], ledger_.delivered[i]) << "at " << i;
    }
  }
  void report(const char* name, const QueueMetrics& m) {
    std::printf(
        "[ figures  ] %s: accepted %zu, refused %llu, delivered %zu, lost %llu; drops: "
        "queue_full_oldest %llu, queue_full_newest %llu, memory_full %llu, closed %llu; "
        "write errors %llu\n",
        name, ledger_.accepted.size(), static_cast<unsigned long long>(ledger_.refused_total()),
        ledger_.delivered.size(), static_cast<unsigned long long>(ledger_.lost()),
        static_cast<unsigned long long>(m.dropped(DropReason::queue_full_oldest)),
        static_cast<unsigned long long>(m.dropped(DropReason::queue_full_newest)),
        static_cast<unsigned long long>(m.dropped(DropReason::memory_full)),
        static_cast<unsigned long long>(m.dropped(DropReason::closed)),
        static_cast<unsigned long long>(m.write_errors));
  }

  Ledger ledger_;
  std::uint64_t tag_ = 0;
};

// The run at queue level: delivery is down while three disks' worth of records
// arrive, then it is back while as many again arrive. Before, the first segment filled the
// disk, was delivered but never deleted, and every later record stayed in memory until
// shutdown lost it ("records could not be written before shutdown and are lost").
TEST_F(QueueFullDiskTest, DropOldestDropsTheOldestSegmentsAndKeepsWritingAndDelivering) {
  options_.fsync = FsyncMode::interval;
  open();
  offer(30000, false);  // about 3.3 MB on a 1 MiB disk, nothing delivered
  QueueMetrics m = queue_->metrics();
  ASSERT_GT(m.write_errors, 0U) << "the disk never filled";
  EXPECT_GT(m.dropped(DropReason::queue_full_oldest), 0U)
      << "the disk cannot hold what was offered: the oldest records make room";
  EXPECT_EQ(0U, ledger_.refused_total()) << "drop_oldest keeps taking new records";

  offer(20000, true);  // delivery is back
  const std::size_t before = ledger_.accepted.size();
  offer(10000, true);
  EXPECT_EQ(before + 10000, ledger_.accepted.size()) << "new records are taken";
  EXPECT_TRUE(deliver_until_caught_up())
      << "new records stopped reaching delivery: delivered " << ledger_.delivered.size()
      << ", last " << (ledger_.delivered.empty() ? 0 : ledger_.delivered.back()) << " of "
      << ledger_.accepted.back() << ", " << queue_->metrics().memory_bytes
      << " bytes in memory, disk: " << queue_->metrics().disk_error;
  queue_->close();
  m = queue_->metrics();
  report("drop_oldest", m);
  expect_delivered_in_order_once();
  EXPECT_EQ(0U, m.dropped(DropReason::closed)) << "records lost at shutdown";
  EXPECT_EQ(0U, m.dropped(DropReason::memory_full));
  EXPECT_LE(ledger_.lost(), m.dropped(DropReason::queue_full_oldest))
      << "every record lost is a counted drop";

  close();
  open();
  EXPECT_TRUE(drain(false).empty()) << "everything delivered was acknowledged for good";
  EXPECT_GT(queue_->next_sequence(), ledger_.accepted.back()) << "sequence numbers never repeat";
}

// drop_newest: while the disk is full new records are refused (counted); the ones already
// accepted wait in memory and are written once delivery frees the disk. Every accepted
// record is delivered.
TEST_F(QueueFullDiskTest, DropNewestRefusesNewRecordsUntilDeliveryFreesTheDisk) {
  options_.fsync = FsyncMode::interval;
  options_.when_full = WhenFull::drop_newest;
  open();
  offer(30000, false);
  QueueMetrics m = queue_->metrics();
  ASSERT_GT(m.write_errors, 0U) << "the disk never filled";
  EXPECT_GT(ledger_.refused[DropReason::queue_full_newest], 0U)
      << "a full disk refuses new records under drop_newest";
  EXPECT_EQ(ledger_.refused_total(), ledger_.refused[DropReason::queue_full_newest]);
  EXPECT_LT(m.memory_bytes, 1024U * 1024) << "refused, not piled up in memory";

  offer(20000, true);  // delivery is back: once it has freed the disk...
  const std::size_t before = ledger_.accepted.size();
  offer(10000, true);  // ...new records are taken again
  EXPECT_EQ(before + 10000, ledger_.accepted.size())
      << "refused after delivery freed the disk: " << before + 10000 - ledger_.accepted.size();
  EXPECT_TRUE(deliver_until_caught_up())
      << "new records stopped reaching delivery: delivered " << ledger_.delivered.size() << " of "
      << ledger_.accepted.size() << ", " << queue_->metrics().memory_bytes
      << " bytes in memory, disk: " << queue_->metrics().disk_error;
  queue_->close();
  m = queue_->metrics();
  report("drop_newest", m);
  expect_delivered_in_order_once();
  EXPECT_EQ(ledger_.accepted, ledger_.delivered) << "every accepted record, once, in order";
  EXPECT_EQ(ledger_.refused_total(),
            m.dropped(DropReason::queue_full_newest) + m.dropped(DropReason::memory_full));
  EXPECT_EQ(0U, m.dropped(DropReason::closed)) << "records lost at shutdown";
}

// The segment being written when the disk filled is the only one, and the disk has no
// page left for the new cursor that must come before that segment may be deleted. Once
// delivery has acknowledged it, it goes all the same, and the records waiting in memory
// are written and delivered. (drop_newest: no accepted record may be dropped to make
// room; new ones are refused, counted, while the disk is full.)
TEST_F(QueueFullDiskTest, ADeliveredSegmentIsDeletedWhenTheDiskHasNoRoomEvenForTheCursor) {
  options_.when_full = WhenFull::drop_newest;
  open();
  offer(2000, false);
  ASSERT_TRUE(wait_durable(ledger_.accepted.back()));
  ASSERT_TRUE(run_until(io_, [&] { return queue_->metrics().cursor_writes > 0; }));
  const auto segments = testing::segment_files(options_.dir);
  ASSERT_EQ(1U, segments.size());
  ASSERT_GT(fill_disk("filler"), 0U);

  deliver_all();  // all 2,000, acknowledged
  ASSERT_EQ(2000U, ledger_.delivered.size());
  offer(300, true);  // they need the room the delivered segment holds
  EXPECT_TRUE(deliver_until_caught_up())
      << "delivered " << ledger_.delivered.size() << " of " << ledger_.accepted.size()
      << ", disk: " << queue_->metrics().disk_error;
  const QueueMetrics m = queue_->metrics();
  EXPECT_GT(m.write_errors, 0U) << "the disk was full";
  EXPECT_FALSE(std::filesystem::exists(segments[0])) << "the delivered segment was deleted";
  EXPECT_EQ(ledger_.accepted, ledger_.delivered);
  EXPECT_EQ(ledger_.refused_total(), m.dropped(DropReason::queue_full_newest));
  EXPECT_EQ(ledger_.refused_total(), ledger_.refused[DropReason::queue_full_newest]);

  close();
  open();
  EXPECT_TRUE(drain(false).empty()) << "the cursor that let the segment go is on the disk";
  EXPECT_GT(queue_->next_sequence(), ledger_.accepted.back()) << "sequence numbers never repeat";
}

// Space that comes back from elsewhere (another file deleted): under drop_newest the
// queue refuses what it cannot hold, keeps what it accepted, and writes all of it.
TEST_F(QueueFullDiskTest, SpaceFreedByAnotherFileIsUsedAndNothingAcceptedIsLost) {
  options_.when_full = WhenFull::drop_newest;
  options_.segment_bytes = 64 * 1024;
  options_.memory_buffer_bytes = 2ULL * 1024 * 1024;
  open();
  testing::spit(mount_point_ / "filler", std::string(512 * 1024, 'f'));
  offer(15000, false);  // about 1.6 MB for the half MiB left
  QueueMetrics m = queue_->metrics();
  ASSERT_GT(m.write_errors, 0U) << "the disk never filled";
  EXPECT_GT(ledger_.refused_total(), 0U);
  EXPECT_LE(m.memory_bytes, options_.memory_buffer_bytes);

  std::filesystem::remove(mount_point_ / "filler");
  EXPECT_TRUE(deliver_until_caught_up())
      << "delivered " << ledger_.delivered.size() << " of " << ledger_.accepted.size()
      << ", durable " << queue_->metrics().durable_seq;
  EXPECT_EQ(ledger_.accepted, ledger_.delivered);
  queue_->close();
  m = queue_->metrics();
  EXPECT_EQ(ledger_.refused_total(),
            m.dropped(DropReason::queue_full_newest) + m.dropped(DropReason::memory_full));
  EXPECT_EQ(0U, m.dropped(DropReason::closed));
  close();
  open();
  EXPECT_EQ(0U, queue_->startup_report().corrupt_bytes)
      << "failed writes left no torn frames behind";
  EXPECT_TRUE(drain(false).empty()) << "everything was acknowledged";
}

}  // namespace
}  // namespace canhose::queue
