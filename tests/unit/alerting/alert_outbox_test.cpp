// The alert outbox on a real queue in a temporary directory: order, persistence across
// reopening, acknowledgement, drop_oldest when full, damaged entries skipped.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "alerting/alert_outbox.hpp"
#include "queue/queue.hpp"
#include "support/temp_dir.hpp"
#include "unit/alerting/sample_alert.hpp"

namespace canhose::alerting {
namespace {

using namespace std::chrono_literals;

using testing::kSecond;
constexpr std::int64_t kT0 = 1'796'691'723'456'000'000;

alerts::Alert alert(std::string rule, std::int64_t time_ns, std::string message = "4 brakings") {
  return testing::sample_alert(std::move(rule), time_ns, std::move(message),
                               alerts::Severity::warning);
}

class AlertOutboxTest : public ::testing::Test {
 protected:
  test::TempDir temp;
  asio::io_context io;
  std::filesystem::path dir = temp.path() / "alerts" / "outbox";

  std::unique_ptr<AlertOutbox> open(std::uint64_t max_bytes = kOutboxDefaultBytes) {
    AlertOutbox::OpenResult r = AlertOutbox::open(io, dir, max_bytes);
    EXPECT_TRUE(r.outbox) << r.error;
    return std::move(r.outbox);
  }

  // Runs the loop until every entry pushed so far is on disk.
  void wait_stored(AlertOutbox& outbox) {
    std::optional<std::error_code> done;
    outbox.async_wait_stored([&](std::error_code ec) { done = ec; });
    io.restart();
    // The queue's worker thread posts to the loop: without work of its own the loop
    // would stop while the worker writes, and miss it.
    auto work = asio::make_work_guard(io);
    const auto limit = std::chrono::steady_clock::now() + 30s;
    while (!done && std::chrono::steady_clock::now() < limit) {
      io.run_one_for(100ms);
    }
    ASSERT_TRUE(done.has_value());
    EXPECT_FALSE(*done) << done->message();
  }

  // The head, once it is on disk.
  const OutboxEntry* wait_head(AlertOutbox& outbox) {
    wait_stored(outbox);
    return outbox.head();
  }
};

TEST_F(AlertOutboxTest, TheIdIsTheSha256OfVehicleRuleAndTime) {
  const alerts::Alert a = alert("harsh_braking", kT0);
  const std::string id = outbox_entry_id("truck-17", a);
  EXPECT_EQ(id.size(), 64u);
  EXPECT_EQ(id, outbox_entry_id("truck-17", alert("harsh_braking", kT0, "other text")));
  EXPECT_NE(id, outbox_entry_id("truck-18", a));
  EXPECT_NE(id, outbox_entry_id("truck-17", alert("harsh_braking", kT0 + 1)));
  // echo -n 'truck-17|harsh_braking|1796691723456000000' | sha256sum
  EXPECT_EQ(outbox_entry_id("truck-17", a),
            "a568b93ff2238c27defa31144bdf651c257452baa688631ebd7a2ac5cbb07038");
}

TEST_F(AlertOutboxTest, AnEntryDecodesToWhatWasPushed) {
  alerts::Alert a = alert("bus_off", kT0);
  a.severity = alerts::Severity::critical;
  std::string error;
  const auto entry = decode_outbox_entry(encode_outbox_entry(a, "truck-17", kT0 + 7), &error);
  ASSERT_TRUE(entry) << error;
  EXPECT_EQ(entry->vehicle, "truck-17");
  EXPECT_EQ(entry->id, outbox_entry_id("truck-17", a));
  EXPECT_EQ(entry->alert.rule, "bus_off");
  EXPECT_EQ(entry->alert.severity, alerts::Severity::critical);
  EXPECT_EQ(entry->alert.time_ns, kT0);
  EXPECT_EQ(entry->queued_ns, kT0 + 7);
  EXPECT_EQ(entry->alert.first_event_ns, a.first_event_ns);
  EXPECT_EQ(entry->alert.count, 4u);
  EXPECT_EQ(entry->alert.window_ns, 300 * kSecond);
  EXPECT_EQ(entry->alert.message, "4 brakings");
  ASSERT_TRUE(entry->alert.position);
  EXPECT_DOUBLE_EQ(entry->alert.position->lat, 52.52);
  a.position.reset();
  EXPECT_FALSE(decode_outbox_entry(encode_outbox_entry(a, "v", kT0), nullptr)->alert.position);
  EXPECT_FALSE(decode_outbox_entry("{\"id\":1}", &error));
  EXPECT_FALSE(error.empty());
}

TEST_F(AlertOutboxTest, EntriesComeOutInOrderAndStayUntilAcknowledged) {
  auto outbox = open();
  EXPECT_EQ(outbox->head(), nullptr);
  ASSERT_TRUE(outbox->push(alert("a", kT0), "truck-17"));
  ASSERT_TRUE(outbox->push(alert("b", kT0 + kSecond), "truck-17"));
  EXPECT_EQ(outbox->depth(), 2u);
  const OutboxEntry* head = wait_head(*outbox);
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->alert.rule, "a");
  EXPECT_EQ(outbox->head()->alert.rule, "a") << "the head stays until acknowledged";
  outbox->acknowledge_head();
  EXPECT_EQ(outbox->depth(), 1u);
  ASSERT_NE(outbox->head(), nullptr);
  EXPECT_EQ(outbox->head()->alert.rule, "b");
  outbox->acknowledge_head();
  EXPECT_EQ(outbox->head(), nullptr);
  EXPECT_EQ(outbox->depth(), 0u);
  EXPECT_EQ(outbox->dropped(), 0u);
}

TEST_F(AlertOutboxTest, ReopeningResumesWithTheUnacknowledgedEntriesInOrder) {
  {
    auto outbox = open();
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(outbox->push(alert("rule" + std::to_string(i), kT0 + i * kSecond), "truck-17"));
    }
    ASSERT_NE(wait_head(*outbox), nullptr);
    outbox->acknowledge_head();  // rule0 was sent
    outbox->close();
  }
  auto outbox = open();
  EXPECT_EQ(outbox->depth(), 4u);
  for (int i = 1; i < 5; ++i) {
    const OutboxEntry* head = wait_head(*outbox);
    ASSERT_NE(head, nullptr) << i;
    EXPECT_EQ(head->alert.rule, "rule" + std::to_string(i));
    EXPECT_EQ(head->id, outbox_entry_id("truck-17", alert(head->alert.rule, kT0 + i * kSecond)));
    if (i == 2) {
      break;  // rule2 read, not acknowledged: it comes back after the next reopen
    }
    outbox->acknowledge_head();
  }
  outbox.reset();
  outbox = open();
  EXPECT_EQ(outbox->depth(), 3u);
  ASSERT_NE(wait_head(*outbox), nullptr);
  EXPECT_EQ(outbox->head()->alert.rule, "rule2");
}

TEST_F(AlertOutboxTest, AnAlertIsOnDiskOnceStoredWithoutAClose) {
  // A second outbox object cannot share the directory (the queue locks it), so read the
  // segment bytes: the stored entry's JSON is in a file of the outbox folder.
  auto outbox = open();
  ASSERT_TRUE(outbox->push(alert("stored_before_kill", kT0), "truck-17"));
  wait_stored(*outbox);
  bool found = false;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    if (test::read_file(file.path()).find("stored_before_kill") != std::string::npos) {
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(AlertOutboxTest, AFullOutboxDropsTheOldestAndCountsThem) {
  auto outbox = open(1);  // raised to the smallest legal size
  EXPECT_EQ(outbox->max_bytes(), kOutboxMinBytes);
  const std::string big(100 * 1024, 'm');
  constexpr int kPushed = 60;  // about 6 MB into 4 MiB
  for (int i = 0; i < kPushed; ++i) {
    ASSERT_TRUE(outbox->push(alert("r" + std::to_string(i), kT0 + i * kSecond, big), "v"));
    wait_stored(*outbox);
  }
  const std::uint64_t dropped = outbox->dropped();
  EXPECT_GT(dropped, 0u);
  EXPECT_LT(dropped, static_cast<std::uint64_t>(kPushed));
  EXPECT_EQ(outbox->depth() + dropped, static_cast<std::uint64_t>(kPushed));
  outbox->close();

  outbox = open(1);
  const std::uint64_t kept = outbox->depth();
  EXPECT_EQ(kept, kPushed - dropped) << "the drops were persisted with the cursor";
  // The newest are kept, in order.
  for (std::uint64_t i = kPushed - kept; i < kPushed; ++i) {
    const OutboxEntry* head = wait_head(*outbox);
    ASSERT_NE(head, nullptr) << i;
    EXPECT_EQ(head->alert.rule, "r" + std::to_string(i));
    outbox->acknowledge_head();
  }
  EXPECT_EQ(outbox->head(), nullptr);
}

TEST_F(AlertOutboxTest, ADamagedEntryIsSkippedAndCounted) {
  {
    queue::QueueOptions o;
    o.dir = dir;
    o.fsync = queue::FsyncMode::always;
    o.max_bytes = kOutboxMinBytes;
    o.memory_buffer_bytes = kOutboxMinBytes / 2;
    o.segment_bytes = 64 * 1024;
    auto q = queue::Queue::open(io, o);
    ASSERT_TRUE(q.queue) << q.error;
    q.queue->append(encode_outbox_entry(alert("before", kT0), "v", kT0));
    q.queue->append(std::string_view("{\"id\": \"not an alert\""));
    q.queue->append(encode_outbox_entry(alert("after", kT0 + 1), "v", kT0 + 1));
    q.queue->close();
  }
  auto outbox = open();
  ASSERT_NE(wait_head(*outbox), nullptr);
  EXPECT_EQ(outbox->head()->alert.rule, "before");
  outbox->acknowledge_head();
  ASSERT_NE(outbox->head(), nullptr);
  EXPECT_EQ(outbox->head()->alert.rule, "after");
  EXPECT_EQ(outbox->dropped(), 1u);
}

TEST_F(AlertOutboxTest, WaitingForAnEntryCompletesWhenOneIsStored) {
  auto outbox = open();
  std::optional<std::error_code> ready;
  outbox->async_wait_ready([&](std::error_code ec) { ready = ec; });
  io.restart();
  io.poll();
  EXPECT_FALSE(ready.has_value());
  ASSERT_TRUE(outbox->push(alert("a", kT0), "v"));
  io.restart();
  auto work = asio::make_work_guard(io);
  const auto limit = std::chrono::steady_clock::now() + 30s;
  while (!ready && std::chrono::steady_clock::now() < limit) {
    io.run_one_for(100ms);
  }
  ASSERT_TRUE(ready.has_value());
  EXPECT_FALSE(*ready);
  ASSERT_NE(outbox->head(), nullptr);
  // With a head already read, the wait completes at once (on the loop).
  ready.reset();
  outbox->async_wait_ready([&](std::error_code ec) { ready = ec; });
  EXPECT_FALSE(ready.has_value()) << "never inside the call";
  io.restart();
  io.poll();
  ASSERT_TRUE(ready.has_value());
  EXPECT_FALSE(*ready);
  outbox->close();
  EXPECT_FALSE(outbox->push(alert("late", kT0), "v"));
}

}  // namespace
}  // namespace canhose::alerting
