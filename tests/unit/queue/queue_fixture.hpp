#pragma once
// A Queue in a fresh directory on the real disk, with the io_context that runs it.

#include <gtest/gtest.h>

#include <memory>

#include "queue/queue.hpp"
#include "queue_test_support.hpp"
#include "support/temp_dir.hpp"

namespace canhose::queue::testing {

class QueueFixture : public ::testing::Test {
 protected:
  QueueFixture() {
    options_.dir = dir_.path() / "q";
    options_.fsync = FsyncMode::always;
    options_.segment_bytes = 64 * 1024;
    options_.max_bytes = 64ULL * 1024 * 1024;
    options_.memory_buffer_bytes = 4ULL * 1024 * 1024;
    options_.cursor_write_interval = std::chrono::milliseconds(10);
    options_.retry_initial = std::chrono::milliseconds(5);
    options_.retry_max = std::chrono::milliseconds(20);
  }

  // Opens (or reopens) the queue; fails the test with the open error.
  Queue& open(std::shared_ptr<FileSystem> fs = nullptr) {
    queue_.reset();
    auto r = Queue::open(io_, options_, std::move(fs));
    EXPECT_TRUE(r.queue) << r.error;
    if (!r.queue) {
      throw std::runtime_error(r.error);
    }
    queue_ = std::move(r.queue);
    return *queue_;
  }
  void close() {
    if (queue_) {
      queue_->close();
      io_.restart();
      io_.poll();
      queue_.reset();
    }
  }

  std::vector<std::uint64_t> append_n(int n, std::size_t size = 100, int tag = 0) {
    std::vector<std::uint64_t> seqs;
    for (int i = 0; i < n; ++i) {
      const auto r =
          queue_->append(payload_for(static_cast<std::uint64_t>(tag * 100000 + i), size));
      EXPECT_TRUE(r.accepted());
      seqs.push_back(r.seq);
    }
    return seqs;
  }

  bool wait_durable(std::uint64_t seq, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    return run_until(
        io_, [&] { return queue_->metrics().durable_seq >= seq; }, limit);
  }

  // Reads everything readable now; acknowledges each record if `ack`.
  std::vector<OwnedRecord> drain(bool ack, std::size_t batch_records = 100) {
    std::vector<OwnedRecord> all;
    while (true) {
      ReadBatch b = queue_->read(batch_records, 1 << 20);
      EXPECT_FALSE(b.error) << b.error.message();
      if (b.records.empty()) {
        break;
      }
      for (auto& r : b.records) {
        if (ack) {
          queue_->acknowledge(r.seq);
        }
        all.push_back({r.seq, {r.data.begin(), r.data.end()}});
      }
    }
    return all;
  }

  test::TempDir dir_;
  asio::io_context io_;
  QueueOptions options_;
  std::unique_ptr<Queue> queue_;
};

}  // namespace canhose::queue::testing
