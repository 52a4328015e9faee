// AlertMonitor over the real engine, a real outbox and a real queue for alerts.stream, both
// in a fresh directory with fsync: what a rule raises reaches each target once, in order.
#include "alerting/alert_monitor.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <variant>

#include "alerting/alert_outbox.hpp"
#include "queue/queue.hpp"
#include "unit/queue/queue_fixture.hpp"

namespace canhose::alerting {
namespace {

using namespace std::chrono_literals;
using queue::testing::run_until;

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kStart = 1'765'000'000 * kSecond;

alerts::EngineOptions overspeed_rule() {
  alerts::EngineOptions options;
  alerts::RuleOptions rule;
  rule.name = "overspeed";
  rule.when = "speed > 100";
  rule.more_than = 1;
  rule.within = std::chrono::minutes(5);
  rule.message = "speed {speed} km/h";
  options.rules.push_back(rule);
  return options;
}

class AlertMonitorTest : public queue::testing::QueueFixture {
 protected:
  // Two excursions over 100 km/h, a second apart: two events, the second an alert.
  void drive(AlertMonitor& monitor) {
    const double speeds[] = {90, 110, 90, 120, 95};
    std::int64_t t = kStart;
    for (const double v : speeds) {
      monitor.update("speed", v, t);
      monitor.publish();
      t += kSecond;
    }
  }

  std::vector<nlohmann::json> stream_records() {
    std::vector<nlohmann::json> out;
    for (const auto& r : drain(false)) {
      out.push_back(nlohmann::json::parse(queue::testing::string_of(r.data)));
    }
    return out;
  }
};

TEST_F(AlertMonitorTest, EventsAndAlertsGoToTheStreamAndAlertsToTheOutbox) {
  open();
  AlertOutbox::OpenResult opened = AlertOutbox::open(io_, dir_.path() / "outbox");
  ASSERT_TRUE(opened.outbox) << opened.error;
  AlertMonitor monitor(overspeed_rule(), "van-17", {opened.outbox.get(), queue_.get(), "alerts"});
  drive(monitor);

  ASSERT_TRUE(wait_durable(3));
  const std::vector<nlohmann::json> records = stream_records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]["type"], "event");
  EXPECT_EQ(records[1]["type"], "event");
  EXPECT_EQ(records[1]["events_in_window"], 2);
  EXPECT_EQ(records[2]["type"], "alert");
  EXPECT_EQ(records[2]["rule"], "overspeed");
  EXPECT_EQ(records[2]["vehicle"], "van-17");
  EXPECT_EQ(records[2]["count"], 2);
  EXPECT_EQ(records[2]["message"], "speed 120 km/h");

  ASSERT_TRUE(run_until(io_, [&] { return opened.outbox->head() != nullptr; }));
  const OutboxEntry* head = opened.outbox->head();
  EXPECT_EQ(head->alert.rule, "overspeed");
  EXPECT_EQ(head->alert.time_ns, kStart + 3 * kSecond);
  EXPECT_EQ(head->vehicle, "van-17");
  EXPECT_EQ(opened.outbox->depth(), 1u);
}

TEST_F(AlertMonitorTest, CountsPerRuleAreInTheMetrics) {
  AlertMonitor monitor(overspeed_rule(), "van-17", {});
  drive(monitor);
  std::vector<metrics::MetricFamily> families;
  monitor.collect_metrics(families);
  const auto value = [&](const std::string& name) -> std::optional<double> {
    for (const auto& f : families) {
      if (f.name == name && !f.samples.empty()) {
        return f.samples.front().value;
      }
    }
    return std::nullopt;
  };
  EXPECT_EQ(value("canhose_alerts_rules"), 1);
  EXPECT_EQ(value("canhose_alerts_events_total"), 2);
  EXPECT_EQ(value("canhose_alerts_raised_total"), 1);
  EXPECT_EQ(value("canhose_alerts_events_in_window"), 2);
  EXPECT_EQ(value("canhose_alerts_last_alert_time_seconds"),
            static_cast<double>(kStart + 3 * kSecond) / 1e9);
}

TEST_F(AlertMonitorTest, AFieldNoRuleReadsIsIgnored) {
  AlertMonitor monitor(overspeed_rule(), "van-17", {});
  EXPECT_FALSE(monitor.input("rpm"));
  monitor.update("rpm", 9000.0, kStart);
  monitor.update("vin", std::string_view("WDB123"), kStart);
  monitor.publish();
  EXPECT_TRUE(monitor.engine().status().front().events_total == 0);
}

}  // namespace
}  // namespace canhose::alerting
