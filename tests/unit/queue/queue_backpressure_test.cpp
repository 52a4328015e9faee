// What the queue offers a producer that can wait (async_wait_memory_below), and what it
// says in the log when one cannot and records are dropped: the rate-limited drop
// warnings end with how many more records they stood for.

#include <gtest/gtest.h>

#include "log/logger.hpp"
#include "log/stderr_sink.hpp"
#include "queue/posix_file_system.hpp"
#include "queue_fixture.hpp"
#include "support/fault_injecting_file_system.hpp"

namespace canhose::queue {
namespace {

using namespace std::chrono_literals;
using testing::payload_for;

class QueueBackpressureTest : public testing::QueueFixture {
 protected:
  // The disk refuses every segment: nothing leaves memory until clear().
  void open_with_disk_down() {
    options_.memory_buffer_bytes = 2ULL * 1024 * 1024;
    fs_ = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
    open(fs_);
    fs_->fail_creates(std::errc::io_error);
  }
  std::shared_ptr<FaultInjectingFileSystem> fs_;
};

TEST_F(QueueBackpressureTest, AMemoryWaitEndsWhenTheRecordsAreOnDisk) {
  open_with_disk_down();
  const auto seqs = append_n(100, 1000);
  EXPECT_EQ(queue_->memory_bytes(), 100'000u);
  std::optional<std::error_code> result;
  queue_->async_wait_memory_below(50'000, [&](std::error_code ec) { result = ec; });
  io_.restart();
  io_.run_for(50ms);
  EXPECT_FALSE(result) << "the records are still in memory";
  fs_->clear();
  ASSERT_TRUE(testing::run_until(
      io_, [&] { return result.has_value(); }, 10s));
  EXPECT_FALSE(*result);
  EXPECT_LE(queue_->memory_bytes(), 50'000u);
  EXPECT_GE(queue_->metrics().durable_seq, seqs.front());
}

TEST_F(QueueBackpressureTest, AMemoryWaitWithRoomAlreadyEndsAtOnceAndCloseCancelsTheRest) {
  open_with_disk_down();
  append_n(10, 1000);
  std::optional<std::error_code> roomy;
  std::optional<std::error_code> waiting;
  queue_->async_wait_memory_below(10'000, [&](std::error_code ec) { roomy = ec; });
  queue_->async_wait_memory_below(0, [&](std::error_code ec) { waiting = ec; });
  io_.restart();
  io_.poll();
  ASSERT_TRUE(roomy.has_value());
  EXPECT_FALSE(*roomy);
  EXPECT_FALSE(waiting.has_value());
  queue_->close();
  io_.restart();
  io_.poll();
  ASSERT_TRUE(waiting.has_value());
  EXPECT_EQ(*waiting, std::errc::operation_canceled);
}

class CapturingSink : public log::LogSink {
 public:
  void write(const log::LogRecord& r) override {
    lines.emplace_back(r.severity, std::string(r.component) + ": " + std::string(r.message));
  }
  std::vector<std::pair<log::Severity, std::string>> lines;
};

TEST_F(QueueBackpressureTest, DropWarningsEndWithTheNumberOfRecordsTheyStoodFor) {
  log::logger().flush_all_suppressed();  // counts other tests left behind
  auto sink = std::make_shared<CapturingSink>();
  log::logger().set_sink(sink);
  log::logger().set_rate_limit(3, 1h);
  open_with_disk_down();
  std::uint64_t refused = 0;
  for (int i = 0; i < 3000; ++i) {
    refused += queue_->append(payload_for(static_cast<std::uint64_t>(i), 1000)).accepted() ? 0 : 1;
  }
  ASSERT_GT(refused, 3u);
  EXPECT_EQ(refused, queue_->metrics().dropped(DropReason::memory_full));
  log::logger().flush_all_suppressed();  // what the daemon does when it stops
  log::logger().set_sink(std::make_shared<log::StderrSink>());
  log::logger().set_rate_limit(10, 30s);
  std::vector<std::string> drops;
  for (const auto& [severity, text] : sink->lines) {
    if (text.starts_with("queue: record dropped")) {
      EXPECT_EQ(severity, log::Severity::warning) << text;
      drops.push_back(text);
    }
  }
  ASSERT_EQ(drops.size(), 4u);
  EXPECT_EQ(drops[0], "queue: record dropped: memory_full");
  EXPECT_EQ(drops[3], "queue: record dropped: memory_full; repeated " +
                          std::to_string(refused - 3) + " more times");
}

}  // namespace
}  // namespace canhose::queue
