#pragma once
// SnsAlertPublisher sends the alert outbox to SNS, oldest first, one Publish at a time:
//
//   outbox.head() -> sns_text() -> SnsClient::publish -> success: outbox.acknowledge_head()
//        ^                                                   |
//        +---- retry the same entry after a wait <-- error --+
//
// - Each Publish carries the subject and message of sns_text() (sent at the current time,
//   so an alert that waited out an outage says so), MessageGroupId = the vehicle id made
//   valid for SNS (aws::make_valid_fifo_id) and MessageDeduplicationId = the entry's id
//   (SHA-256 of vehicle|rule|time): a resend after a lost answer, a restart or a SIGKILL
//   reaches the FIFO topic's subscribers once. Standard topics get neither id.
// - A retryable error (aws::SnsError::retryable(): throttling, 5xx, the network, expired
//   credentials) resends the same entry after a full-jitter backoff (retry_initial doubling
//   up to retry_max). Any other error (no such topic, the key or the IAM policy refuses
//   sns:Publish, an invalid parameter, KMS) keeps the entry at the head of the outbox and
//   resends it every retry_max, so fixing the topic or the policy resumes sending without
//   a restart. Every error goes to the log once per distinct error (kind and code), not
//   per retry, and to the metrics below; errors from SnsClient are already redacted.
// - Idle: it waits on the outbox (AlertOutbox::async_wait_ready), no polling.
// - async_stop() cancels the retry timer and forgets the Publish in flight (its answer is
//   ignored); the entry stays in the outbox and goes again at the next start (the same
//   deduplication id), so stopping never waits for the network.
//
// Metrics (collect_metrics(); read by `canhose status`):
//   canhose_alerts_published_total                  alerts SNS accepted
//   canhose_alerts_publish_errors_total{kind=...}   failed Publish calls by
//                                                   aws::to_string(SnsErrorKind): throttled,
//                                                   server, transport, malformed-response,
//                                                   clock-skew, expired-credentials,
//                                                   credentials, auth, forbidden, not-found,
//                                                   invalid-parameter, kms, client (every
//                                                   kind always present)
//   canhose_alerts_outbox_entries                   alerts waiting in the outbox (gauge)
//   canhose_alerts_outbox_dropped_total             alerts lost: dropped when the outbox was
//                                                   full, refused, or damaged on disk
//   canhose_alerts_last_error_info{error=...,detail=...} 1
//                                                   while the last Publish failed: `error` is
//                                                   aws::sns_error_advice() (what to do, in
//                                                   words), `detail` SnsError::describe()
//                                                   (code, HTTP status, message, request id)
//   canhose_alerts_last_error_time_seconds          and the Unix time of that failure
//   canhose_alerts_last_published_time_seconds      Unix time of the last accepted Publish
// The two last_error families are present only while publishing fails: a later success
// clears them (history stays in publish_errors_total and the log).
//
// Threads and lifetime: every member runs on the event loop of `io`. `outbox` and `sns`
// must outlive the publisher; destroy it (or let async_stop() finish) before them.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "alerting/alert_outbox.hpp"
#include "asio/asio.hpp"
#include "aws/sns_client.hpp"
#include "base/backoff.hpp"
#include "base/units.hpp"
#include "lifecycle/component.hpp"
#include "metrics/metric_family.hpp"

namespace canhose::alerting {

struct SnsAlertPublisherOptions {
  // The pace of retries; the daemon passes delivery.retry_base and delivery.retry_max.
  base::Duration retry_initial = std::chrono::milliseconds(100);
  base::Duration retry_max = std::chrono::seconds(60);
};

// One counter per aws::SnsErrorKind (index: the enum's value; `none` stays 0).
inline constexpr std::size_t kSnsErrorKinds =
    static_cast<std::size_t>(aws::SnsErrorKind::client) + 1;

struct SnsAlertPublisherCounters {
  std::uint64_t published = 0;
  std::array<std::uint64_t, kSnsErrorKinds> errors{};
  std::uint64_t retries = 0;  // Publish calls of an entry after its first
};

class SnsAlertPublisher final : public lifecycle::Component {
 public:
  SnsAlertPublisher(asio::io_context& io, AlertOutbox& outbox, aws::SnsClient& sns,
                    SnsAlertPublisherOptions options,
                    std::uint64_t random_seed = std::random_device{}());
  ~SnsAlertPublisher() override;
  SnsAlertPublisher(const SnsAlertPublisher&) = delete;
  SnsAlertPublisher& operator=(const SnsAlertPublisher&) = delete;

  std::string_view name() const override { return "alerts"; }
  void start() override;
  void async_stop(std::chrono::steady_clock::time_point deadline,
                  std::function<void()> done) override;
  // "alerts 2 waiting, last error: ..." (empty while nothing waits and nothing fails).
  std::string status() const override;

  const SnsAlertPublisherCounters& counters() const { return counters_; }
  bool publishing() const { return in_flight_; }
  // While the last Publish failed: sns_error_advice() and describe() of its error.
  const std::string& last_error() const { return last_error_; }
  const std::string& last_error_detail() const { return last_error_detail_; }
  std::optional<std::chrono::system_clock::time_point> last_error_time() const {
    return last_error_at_;
  }
  std::optional<std::chrono::system_clock::time_point> last_published() const {
    return last_published_;
  }
  void collect_metrics(std::vector<metrics::MetricFamily>& out) const;

 private:
  void pump();
  void wait_ready();
  void publish(const OutboxEntry& entry);
  void on_outcome(aws::SnsOutcome<aws::SnsPublishResult> outcome);
  void on_error(const aws::SnsError& error);
  void retry_after(base::Duration delay);

  asio::io_context& io_;
  AlertOutbox& outbox_;
  aws::SnsClient& sns_;
  SnsAlertPublisherOptions options_;
  base::Backoff backoff_;
  asio::steady_timer timer_;

  bool started_ = false;
  bool stopped_ = false;
  bool in_flight_ = false;
  bool waiting_ready_ = false;
  bool waiting_retry_ = false;
  std::string sent_id_;  // the id of the entry last sent: counts retries

  SnsAlertPublisherCounters counters_;
  std::string last_error_;
  std::string last_error_detail_;
  std::string last_logged_error_;  // kind and code of the error last logged
  std::optional<std::chrono::system_clock::time_point> last_error_at_;
  std::optional<std::chrono::system_clock::time_point> last_published_;
  // Callbacks hold a weak_ptr to it: after stop or destruction they do nothing.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace canhose::alerting
