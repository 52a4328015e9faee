// ENOSPC for real: the queue lives on a small tmpfs this test mounts. When the disk fills,
// the queue keeps accepted records in its bounded memory buffer, keeps retrying, counts
// what it has to refuse, and writes everything it accepted once space comes back.

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>

#include "queue_fixture.hpp"

namespace canhose::queue {
namespace {

using testing::payload_for;
using testing::run_until;

class QueueEnospcTest : public testing::QueueFixture {
 protected:
  void SetUp() override {
    mount_point_ = dir_.path() / "tmpfs";
    std::filesystem::create_directories(mount_point_);
    if (::mount("canhose-test", mount_point_.c_str(), "tmpfs", 0, "size=3m") != 0) {
      const int err = errno;
      GTEST_SKIP() << "cannot mount a tmpfs for the ENOSPC test (" << std::strerror(err)
                   << "); run the tests as root to include it";
    }
    mounted_ = true;
    options_.dir = mount_point_ / "q";
  }
  void TearDown() override {
    close();
    if (mounted_) {
      ::umount2(mount_point_.c_str(), MNT_DETACH);
    }
  }

  std::filesystem::path mount_point_;
  bool mounted_ = false;
};

TEST_F(QueueEnospcTest, FullDiskKeepsRecordsInMemoryRetriesAndWritesThemWhenSpaceReturns) {
  // A filler file the test deletes later: the space that "comes back".
  testing::spit(mount_point_ / "filler", std::string(1024 * 1024, 'f'));
  options_.memory_buffer_bytes = 2ULL * 1024 * 1024;
  open();
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;
  std::uint64_t last_seq = 0;
  // About 2 MiB fit on the disk; offer 5 MiB.
  for (int i = 0; i < 5000; ++i) {
    const auto r = queue_->append(payload_for(static_cast<std::uint64_t>(i), 1000));
    if (r.accepted()) {
      ++accepted;
      last_seq = r.seq;
    } else {
      EXPECT_EQ(DropReason::memory_full, r.dropped);
      ++refused;
    }
    if (i % 200 == 0) {
      run_until(
          io_, [] { return false; }, std::chrono::milliseconds(5));
    }
  }
  ASSERT_TRUE(run_until(io_, [&] { return queue_->metrics().write_errors >= 2; }))
      << "the disk never filled";
  auto m = queue_->metrics();
  EXPECT_LT(m.durable_seq, last_seq) << "not everything can be on the full disk";
  EXPECT_GT(refused, 0U);
  EXPECT_EQ(refused, m.dropped(DropReason::memory_full));
  EXPECT_LE(m.memory_bytes, options_.memory_buffer_bytes);

  // Space comes back (the filler goes, delivery acknowledges what is on disk so its
  // segments are deleted): every accepted record reaches the disk, in order, once.
  std::filesystem::remove(mount_point_ / "filler");
  std::vector<std::uint64_t> seen;
  ASSERT_TRUE(run_until(
      io_,
      [&] {
        for (const auto& r : drain(true, 500)) {
          seen.push_back(r.seq);
        }
        return seen.size() == accepted;
      },
      std::chrono::seconds(20)))
      << "delivered " << seen.size() << " of " << accepted << ", durable "
      << queue_->metrics().durable_seq;
  for (std::size_t i = 1; i < seen.size(); ++i) {
    ASSERT_LT(seen[i - 1], seen[i]);
  }
  EXPECT_EQ(last_seq, seen.back());
  close();
  open();
  EXPECT_EQ(0U, queue_->startup_report().corrupt_bytes)
      << "failed writes left no torn frames behind";
  EXPECT_TRUE(drain(false, 500).empty()) << "everything was acknowledged";
}

}  // namespace
}  // namespace canhose::queue
