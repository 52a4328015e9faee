// SnsAlertPublisher end to end: a real outbox (queue in a temporary directory), a real
// SnsClient over TLS on 127.0.0.1 to the emulator's SNS (a separate Python process that
// verifies every signature with botocore and records what was published), built the way
// canhosed builds it (make_aws_client / make_sns_client).

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>

#include "alerting/alert_outbox.hpp"
#include "alerting/alert_text.hpp"
#include "alerting/sns_alert_publisher.hpp"
#include "asio/asio.hpp"
#include "aws/aws_client.hpp"
#include "aws/sns_client.hpp"
#include "metrics/metric_family.hpp"
#include "support/firehose_emulator_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"
#include "unit/alerting/sample_alert.hpp"

namespace canhose::alerting {
namespace {

using namespace std::chrono_literals;

using testing::kSecond;
constexpr std::int64_t kT0 = 1'796'691'723'456'000'000;
const std::string kTopic = test::sns_topic_arn("fleet-alerts");
const std::string kFifoTopic = test::sns_topic_arn("fleet-alerts.fifo");
const std::string kOtherSecret = "an-other-secret-the-client-does-not-have-000";

alerts::Alert alert(std::string rule, std::int64_t time_ns) {
  return testing::sample_alert(std::move(rule), time_ns);
}

const metrics::Sample* find_sample(const std::vector<metrics::MetricFamily>& families,
                                   const std::string& name, const std::string& label = "",
                                   const std::string& value = "") {
  for (const auto& family : families) {
    if (family.name != name) {
      continue;
    }
    for (const auto& sample : family.samples) {
      if (label.empty()) {
        return &sample;
      }
      for (const auto& [k, v] : sample.labels) {
        if (k == label && v == value) {
          return &sample;
        }
      }
    }
  }
  return nullptr;
}

class SnsAlertPublisherTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  asio::io_context io;
  std::unique_ptr<aws::AwsClient> aws;
  std::unique_ptr<aws::SnsClient> sns;
  std::unique_ptr<AlertOutbox> outbox;
  std::unique_ptr<SnsAlertPublisher> publisher;

  void TearDown() override {
    publisher.reset();
    sns.reset();
    aws.reset();
    if (outbox) {
      outbox->close();
    }
  }

  test::FirehoseEmulatorOptions emulator_options(std::uint16_t port = 0,
                                                 bool with_topics = true) const {
    test::FirehoseEmulatorOptions o;
    o.use_pki(pki);
    o.listen_port = port;
    if (with_topics) {
      o.sns_topics = {"fleet-alerts", "fleet-alerts.fifo"};
    }
    return o;
  }

  void connect(const std::string& endpoint, const std::string& topic) {
    aws::AwsClientOptions o;
    o.https.tls.ca_file = pki.ca_cert.string();
    o.https.proxy = "none";
    o.credentials.source = aws::CredentialsSource::static_keys;
    o.credentials.access_key_id = test::kEmulatorAccessKeyId;
    o.credentials.secret_access_key = base::Secret(test::kEmulatorSecretAccessKey);
    o.region = "us-east-1";
    aws = aws::make_aws_client(io.get_executor(), o);
    sns = aws::make_sns_client(io.get_executor(), *aws, topic, endpoint);
    auto opened = AlertOutbox::open(io, dir.path() / "alerts" / "outbox");
    ASSERT_TRUE(opened.outbox) << opened.error;
    outbox = std::move(opened.outbox);
    SnsAlertPublisherOptions options;
    options.retry_initial = 10ms;
    options.retry_max = 100ms;
    publisher = std::make_unique<SnsAlertPublisher>(io, *outbox, *sns, options, 7);
  }

  // Runs the loop until `done` holds (30 s at most, a failure then).
  void run_until(const std::function<bool()>& done) {
    io.restart();
    // The queue's worker thread posts to the loop: without work of its own the loop
    // would stop while the worker writes, and miss it.
    auto work = asio::make_work_guard(io);
    const auto limit = std::chrono::steady_clock::now() + 30s;
    while (!done() && std::chrono::steady_clock::now() < limit) {
      io.run_one_for(50ms);
    }
    ASSERT_TRUE(done()) << "not reached in time";
  }

  std::vector<metrics::MetricFamily> scrape() const {
    std::vector<metrics::MetricFamily> out;
    publisher->collect_metrics(out);
    return out;
  }
};

TEST_F(SnsAlertPublisherTest, AlertsGoOutInOrderWithTheirFifoIdsAndText) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  connect(emulator.endpoint(), kFifoTopic);
  const alerts::Alert first = alert("harsh_braking", kT0);
  const alerts::Alert second = alert("bus_off", kT0 + kSecond);
  ASSERT_TRUE(outbox->push(first, "truck 17/ä"));
  ASSERT_TRUE(outbox->push(second, "truck 17/ä"));
  publisher->start();
  run_until([&] { return publisher->counters().published == 2; });
  EXPECT_EQ(outbox->depth(), 0u);

  const nlohmann::json messages = emulator.sns_messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].at("topic_arn"), kFifoTopic);
  EXPECT_EQ(messages[0].at("message_deduplication_id"), outbox_entry_id("truck 17/ä", first));
  EXPECT_EQ(messages[1].at("message_deduplication_id"), outbox_entry_id("truck 17/ä", second));
  EXPECT_EQ(messages[0].at("message_group_id"), aws::make_valid_fifo_id("truck 17/ä"));
  EXPECT_EQ(messages[0].at("message_group_id").get<std::string>().find(' '), std::string::npos);
  EXPECT_EQ(messages[0].at("subject"), "canhose critical: harsh_braking on truck 17/?");
  // Its data time is long ago, but it was queued a moment before it went: no delay line.
  const std::string body = messages[1].at("message");
  EXPECT_EQ(body.rfind("canhose alert on truck 17/ä: bus_off (critical)\n4 harsh brakings\n", 0),
            0u)
      << body;
  EXPECT_NE(body.find("Events:      4 events within 5min"), std::string::npos);
  EXPECT_EQ(body.find("(delayed by "), std::string::npos) << body;

  const auto families = scrape();
  ASSERT_NE(find_sample(families, "canhose_alerts_published_total"), nullptr);
  EXPECT_EQ(find_sample(families, "canhose_alerts_published_total")->value, 2);
  EXPECT_EQ(find_sample(families, "canhose_alerts_outbox_entries")->value, 0);
  EXPECT_NE(find_sample(families, "canhose_alerts_last_published_time_seconds"), nullptr);
  EXPECT_EQ(find_sample(families, "canhose_alerts_last_error_info"), nullptr);
  EXPECT_EQ(
      find_sample(families, "canhose_alerts_publish_errors_total", "kind", "throttled")->value, 0);
}

TEST_F(SnsAlertPublisherTest, AnIdlePublisherSendsNothingUntilAnAlertIsPushed) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  connect(emulator.endpoint(), kTopic);
  publisher->start();
  io.restart();
  io.run_for(300ms);
  EXPECT_EQ(emulator.stats().at("sns_requests"), 0);
  ASSERT_TRUE(outbox->push(alert("speeding", kT0), "truck-17"));
  run_until([&] { return publisher->counters().published == 1; });
  const nlohmann::json messages = emulator.sns_messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].at("message_group_id").is_null()) << "no FIFO ids on a standard topic";
  EXPECT_EQ(emulator.stats().at("sns_requests"), 1);
}

TEST_F(SnsAlertPublisherTest, ThrottlingAnd500AreRetriedUntilOneSuccess) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  connect(emulator.endpoint(), kFifoTopic);
  emulator.set_faults({{"sns_throttle_next", 1}, {"sns_error500_next", 1}});
  const alerts::Alert a = alert("harsh_braking", kT0);
  ASSERT_TRUE(outbox->push(a, "truck-17"));
  publisher->start();
  run_until([&] { return publisher->counters().published == 1; });
  const auto& errors = publisher->counters().errors;
  EXPECT_EQ(errors[static_cast<std::size_t>(aws::SnsErrorKind::throttled)], 1u);
  EXPECT_EQ(errors[static_cast<std::size_t>(aws::SnsErrorKind::server)], 1u);
  EXPECT_EQ(publisher->counters().retries, 2u);
  EXPECT_EQ(emulator.stats().at("sns_requests"), 3);
  const nlohmann::json messages = emulator.sns_messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].at("message_deduplication_id"), outbox_entry_id("truck-17", a));
  // The success cleared the error.
  EXPECT_TRUE(publisher->last_error().empty());
  EXPECT_EQ(find_sample(scrape(), "canhose_alerts_last_error_info"), nullptr);
  EXPECT_EQ(find_sample(scrape(), "canhose_alerts_publish_errors_total", "kind", "server")->value,
            1);
}

TEST_F(SnsAlertPublisherTest, AnAlertSentAgainAfterALostAcknowledgementIsDeduplicated) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  connect(emulator.endpoint(), kFifoTopic);
  const alerts::Alert a = alert("harsh_braking", kT0);
  ASSERT_TRUE(outbox->push(a, "truck-17"));
  publisher->start();
  run_until([&] { return publisher->counters().published == 1; });
  // As if canhosed was killed before the acknowledgement reached the disk: the same alert
  // is in the outbox again and goes out again, with the same deduplication id.
  ASSERT_TRUE(outbox->push(a, "truck-17"));
  run_until([&] { return publisher->counters().published == 2; });
  EXPECT_EQ(emulator.sns_messages().size(), 1u);
  EXPECT_EQ(emulator.stats().at("sns_duplicates"), 1);
}

TEST_F(SnsAlertPublisherTest, AMissingTopicKeepsTheOutboxSaysWhyAndHealsOnceItExists) {
  std::uint16_t port = 0;
  {
    test::FirehoseEmulatorProcess without_topic(emulator_options(0, false),
                                                dir.path() / "emulator1");
    port = without_topic.port();
    connect(without_topic.endpoint(), kTopic);
    ASSERT_TRUE(outbox->push(alert("harsh_braking", kT0), "truck-17"));
    publisher->start();
    const auto not_found = static_cast<std::size_t>(aws::SnsErrorKind::not_found);
    run_until([&] { return publisher->counters().errors[not_found] >= 2; });
    EXPECT_EQ(outbox->depth(), 1u) << "the alert stays in the outbox";
    EXPECT_EQ(publisher->counters().published, 0u);
    EXPECT_FALSE(publisher->last_error().empty());
    EXPECT_NE(publisher->last_error_detail().find("NotFound (HTTP 404)"), std::string::npos)
        << publisher->last_error_detail();
    EXPECT_NE(publisher->status().find("1 waiting"), std::string::npos) << publisher->status();
    const auto families = scrape();
    const metrics::Sample* info =
        find_sample(families, "canhose_alerts_last_error_info", "error", publisher->last_error());
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->value, 1);
    EXPECT_NE(find_sample(families, "canhose_alerts_last_error_time_seconds"), nullptr);
    EXPECT_GE(
        find_sample(families, "canhose_alerts_publish_errors_total", "kind", "not-found")->value,
        2);
    EXPECT_EQ(find_sample(families, "canhose_alerts_outbox_entries")->value, 1);
  }
  // The topic is created (the same endpoint now knows it): sent without a restart.
  test::FirehoseEmulatorProcess with_topic(emulator_options(port), dir.path() / "emulator2");
  run_until([&] { return publisher->counters().published == 1; });
  EXPECT_EQ(outbox->depth(), 0u);
  EXPECT_TRUE(publisher->last_error().empty());
  EXPECT_EQ(with_topic.sns_messages().size(), 1u);
}

TEST_F(SnsAlertPublisherTest, RefusedCredentialsKeepTheOutboxWithoutTheSecretAndHealLater) {
  std::uint16_t port = 0;
  {
    test::FirehoseEmulatorOptions o = emulator_options();
    o.credentials = {std::string(test::kEmulatorAccessKeyId) + ":" + kOtherSecret};
    test::FirehoseEmulatorProcess refusing(o, dir.path() / "emulator1");
    port = refusing.port();
    connect(refusing.endpoint(), kTopic);
    ASSERT_TRUE(outbox->push(alert("harsh_braking", kT0), "truck-17"));
    publisher->start();
    const auto auth = static_cast<std::size_t>(aws::SnsErrorKind::auth);
    run_until([&] { return publisher->counters().errors[auth] >= 2; });
    EXPECT_EQ(outbox->depth(), 1u);
    EXPECT_NE(publisher->last_error().find("credentials"), std::string::npos)
        << publisher->last_error();
    for (const std::string& text : {publisher->last_error(), publisher->last_error_detail()}) {
      EXPECT_EQ(text.find(test::kEmulatorSecretAccessKey), std::string::npos) << text;
      EXPECT_EQ(text.find(kOtherSecret), std::string::npos) << text;
    }
  }
  // The key is fixed on the service's side (the emulator now knows the client's secret).
  test::FirehoseEmulatorProcess accepting(emulator_options(port), dir.path() / "emulator2");
  run_until([&] { return publisher->counters().published == 1; });
  EXPECT_EQ(accepting.sns_messages().size(), 1u);
  EXPECT_TRUE(publisher->last_error().empty());
}

TEST_F(SnsAlertPublisherTest, StoppingForgetsThePublishAndKeepsTheAlert) {
  test::FirehoseEmulatorOptions o = emulator_options();
  o.delay_ms = 500;
  test::FirehoseEmulatorProcess emulator(o, dir.path() / "emulator");
  connect(emulator.endpoint(), kTopic);
  ASSERT_TRUE(outbox->push(alert("harsh_braking", kT0), "truck-17"));
  publisher->start();
  run_until([&] { return publisher->publishing(); });
  bool stopped = false;
  publisher->async_stop(std::chrono::steady_clock::now() + 5s, [&] { stopped = true; });
  run_until([&] { return stopped; });
  EXPECT_FALSE(publisher->publishing());
  // The answer arrives later and is ignored: the alert stays for the next start.
  io.restart();
  io.run_for(1500ms);
  EXPECT_EQ(publisher->counters().published, 0u);
  EXPECT_EQ(outbox->depth(), 1u);
}

}  // namespace
}  // namespace canhose::alerting
