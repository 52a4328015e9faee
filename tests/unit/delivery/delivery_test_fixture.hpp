#pragma once
// The delivery tests' fixture: the real write-ahead queue on real files, a FirehoseDelivery
// sending to a scripted Firehose whose calls the test answers one by one. Time: intervals
// are set short in options_ and run_until() only guards against a hang; no test asserts
// how long something took.

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aws/crypto.hpp"
#include "delivery/firehose_delivery.hpp"
#include "support/temp_dir.hpp"

namespace canhose::delivery::test_support {

using namespace std::chrono_literals;

// A PutRecordBatch call waiting for the test's answer.
struct Call {
  std::vector<std::string> records;  // decoded Data of each Firehose record
  std::function<void(FirehoseDelivery::Outcome)> done;
};

class ScriptedFirehose {
 public:
  FirehoseDelivery::SendBatch sender() {
    return [this](std::string body, std::size_t count,
                  std::function<void(FirehoseDelivery::Outcome)> done) {
      const auto j = nlohmann::json::parse(body);
      Call call;
      for (const auto& r : j["Records"]) {
        call.records.push_back(*aws::crypto::base64_decode(r["Data"].get<std::string>()));
      }
      EXPECT_EQ(call.records.size(), count);
      call.done = std::move(done);
      calls.push_back(std::move(call));
    };
  }
  std::deque<Call> calls;
};

inline FirehoseDelivery::Outcome all_ok(std::size_t n) {
  FirehoseDelivery::Outcome o;
  o.value.records.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    o.value.records[i].record_id = "id" + std::to_string(i);
  }
  return o;
}

inline FirehoseDelivery::Outcome failed(aws::FirehoseErrorKind kind, std::string code,
                                        unsigned status) {
  FirehoseDelivery::Outcome o;
  o.error.kind = kind;
  o.error.code = std::move(code);
  o.error.http_status = status;
  o.error.message = "scripted";
  return o;
}

class FirehoseDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    queue::QueueOptions q;
    q.dir = dir_.path() / "queue";
    q.fsync = queue::FsyncMode::never;
    auto opened = queue::Queue::open(io_, q);
    ASSERT_TRUE(opened.queue) << opened.error;
    queue_ = std::move(opened.queue);
    options_.stream = "fleet";
    options_.flush_interval = 20ms;
    options_.retry_base = 1ms;
    options_.retry_max = 5ms;
    options_.permanent_error_retry = 30ms;
    options_.dead_letter_dir = dir_.path() / "dead-letter";
  }
  void TearDown() override {
    delivery_.reset();
    queue_->close();
  }

  void start(bool pack = false) {
    options_.pack = pack;
    delivery_ = std::make_unique<FirehoseDelivery>(io_, *queue_, options_, firehose_.sender(), 1);
    delivery_->start();
  }
  void append_lines(int n, int first = 1) {
    for (int i = first; i < first + n; ++i) {
      ASSERT_TRUE(queue_->append("line " + std::to_string(i) + "\n").accepted());
    }
  }
  // Runs the loop until `done` holds or 10 s pass (a hang guard, not a timing check).
  bool run_until(const std::function<bool()>& done) {
    const auto limit = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < limit) {
      io_.restart();
      io_.run_for(5ms);
    }
    return done();
  }
  Call next_call() {
    EXPECT_TRUE(run_until([&] { return !firehose_.calls.empty(); }))
        << "no PutRecordBatch was sent";
    Call c = std::move(firehose_.calls.front());
    firehose_.calls.pop_front();
    return c;
  }
  std::uint64_t queued() const { return queue_->metrics().records_queued; }

  test::TempDir dir_;
  asio::io_context io_;
  std::unique_ptr<queue::Queue> queue_;
  DeliveryOptions options_;
  ScriptedFirehose firehose_;
  std::unique_ptr<FirehoseDelivery> delivery_;
};

}  // namespace canhose::delivery::test_support
