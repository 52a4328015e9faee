// Delivery with the shipped settings (DeliveryOptions{}) at the rate of a vehicle that
// writes one 100-byte record a second: packed records are sent ending at their last whole
// 5 KB billing step, the lines past it follow within flush_interval, a backlog goes out in
// full requests at once, and stopping sends everything. Time: where a test would wait
// for the two-minute flush_interval it is scaled down (as BM_Billing does); what is
// checked is which lines each request carries, never how long something took.

#include <gtest/gtest.h>

#include "delivery_test_fixture.hpp"

namespace canhose::delivery {
namespace {

using namespace std::chrono_literals;
using test_support::all_ok;
using test_support::Call;
using test_support::FirehoseDeliveryTest;

// Record i of a box: 100 bytes, newline-terminated.
std::string line(int i) {
  std::string s = "record " + std::to_string(i);
  s.resize(99, '.');
  return s + '\n';
}

std::string lines(int first, int last) {
  std::string s;
  for (int i = first; i <= last; ++i) {
    s += line(i);
  }
  return s;
}

std::size_t billed(const std::string& record) {
  return (record.size() + billing_step_bytes - 1) / billing_step_bytes * billing_step_bytes;
}

class DeliveryBillingTest : public FirehoseDeliveryTest {
 protected:
  void SetUp() override {
    FirehoseDeliveryTest::SetUp();
    DeliveryOptions shipped;
    shipped.stream = options_.stream;
    shipped.dead_letter_dir = options_.dead_letter_dir;
    options_ = shipped;
  }
  // Records first..first+n-1, durable before the test goes on (so that delivery's first
  // read sees them all).
  void append_records(int n, int first = 1) {
    for (int i = first; i < first + n; ++i) {
      ASSERT_TRUE(queue_->append(line(i)).accepted());
    }
    ASSERT_TRUE(run_until([&] {
      const queue::QueueMetrics m = queue_->metrics();
      return m.durable_seq + 1 >= m.next_seq;
    }));
  }
  void start_shipped() {
    delivery_ = std::make_unique<FirehoseDelivery>(io_, *queue_, options_, firehose_.sender(), 1);
    delivery_->start();
  }
};

TEST_F(DeliveryBillingTest, TheShippedSettingsPackAndSendWithinTwoMinutes) {
  EXPECT_TRUE(options_.pack);
  EXPECT_EQ(options_.pack_bytes, 1'024'000u);  // 200 billing steps
  EXPECT_EQ(options_.flush_interval, std::chrono::minutes(2));
}

TEST_F(DeliveryBillingTest, ASlowBoxSendsNothingBeforeTheFlushInterval) {
  append_records(52);  // 52 s at 1 record/s: one step filled, the interval not over
  start_shipped();
  io_.restart();
  io_.run_for(100ms);
  EXPECT_TRUE(firehose_.calls.empty());
}

TEST_F(DeliveryBillingTest, ARecordEndsAtItsLastWholeStepAndTheRestFollowsWithinTheInterval) {
  options_.flush_interval /= 1000;  // the shipped two minutes, scaled to 120 ms
  append_records(60);               // a minute at 1 record/s: 6,000 bytes
  start_shipped();
  Call first = next_call();
  ASSERT_EQ(first.records.size(), 1u);
  EXPECT_EQ(first.records[0], lines(1, 51));  // 5,100 bytes: one step, 20 bytes unused
  EXPECT_EQ(billed(first.records[0]), 5120u);
  first.done(all_ok(1));
  // Nothing else comes: when their own interval is over, the last 9 lines go as they are.
  Call second = next_call();
  ASSERT_EQ(second.records.size(), 1u);
  EXPECT_EQ(second.records[0], lines(52, 60));
  second.done(all_ok(1));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 60; }));
  EXPECT_EQ(queued(), 0u);
}

TEST_F(DeliveryBillingTest, TheLinesPastAStepKeepTheirReadTimeAndLeadTheNextRequest) {
  options_.flush_interval /= 1000;
  append_records(60);
  start_shipped();
  Call first = next_call();
  EXPECT_EQ(first.records.at(0), lines(1, 51));
  append_records(60, 61);  // the next minute, while the first request is in flight
  first.done(all_ok(1));
  // Lines 52-60 were read with lines 1-51, an interval ago: they go with the reply, cut
  // at a step again (6,900 bytes waiting: 51 lines fill one step).
  Call second = next_call();
  ASSERT_EQ(second.records.size(), 1u);
  EXPECT_EQ(second.records[0], lines(52, 102));
  second.done(all_ok(1));
  Call third = next_call();
  EXPECT_EQ(third.records.at(0), lines(103, 120));
  third.done(all_ok(1));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 120; }));
}

TEST_F(DeliveryBillingTest, ABacklogGoesOutInFullRequestsAtOnceAndStoppingSendsTheRest) {
  append_records(40'000);  // 4,000,000 bytes: more than one request holds
  start_shipped();
  Call first = next_call();  // full: sent at once, not after the interval
  std::string sent;
  for (const std::string& r : first.records) {
    EXPECT_LT(billed(r) - r.size(), 100u) << "a record of " << r.size() << " bytes";
    sent += r;
  }
  EXPECT_GE(first.records.size(), 3u);
  bool stopped = false;
  delivery_->async_stop(std::chrono::steady_clock::now() + 10s, [&] { stopped = true; });
  first.done(all_ok(first.records.size()));
  Call rest = next_call();  // at once: the lines past the last step and the rest
  for (const std::string& r : rest.records) {
    sent += r;
  }
  rest.done(all_ok(rest.records.size()));
  ASSERT_TRUE(run_until([&] { return stopped; }));
  EXPECT_EQ(sent, lines(1, 40'000));
  EXPECT_EQ(delivery_->counters().records_delivered, 40'000u);
  EXPECT_EQ(queued(), 0u);
}

TEST_F(DeliveryBillingTest, StoppingSendsALessThanOneStepRecordAtOnce) {
  append_records(30);
  start_shipped();
  bool stopped = false;
  delivery_->async_stop(std::chrono::steady_clock::now() + 10s, [&] { stopped = true; });
  Call c = next_call();
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.records[0], lines(1, 30));
  c.done(all_ok(1));
  ASSERT_TRUE(run_until([&] { return stopped; }));
  EXPECT_EQ(queued(), 0u);
}

TEST_F(DeliveryBillingTest, UnpackedRecordsAreSentWhenTheIntervalIsOverEachBilledAlone) {
  options_.pack = false;
  options_.flush_interval /= 1000;
  append_records(60);
  start_shipped();
  Call c = next_call();
  ASSERT_EQ(c.records.size(), 60u);
  EXPECT_EQ(c.records[59], line(60));
  c.done(all_ok(60));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 60; }));
}

}  // namespace
}  // namespace canhose::delivery
