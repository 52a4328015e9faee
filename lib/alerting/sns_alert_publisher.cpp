#include "alerting/sns_alert_publisher.hpp"

#include "alerting/alert_text.hpp"
#include "alerting/alerting_metrics.hpp"
#include "log/logger.hpp"

namespace canhose::alerting {
namespace {

constexpr std::string_view kLog = "alerts";

std::int64_t unix_ns(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

SnsAlertPublisher::SnsAlertPublisher(asio::io_context& io, AlertOutbox& outbox, aws::SnsClient& sns,
                                     SnsAlertPublisherOptions options, std::uint64_t random_seed)
    : io_(io),
      outbox_(outbox),
      sns_(sns),
      options_(options),
      backoff_(options_.retry_initial, options_.retry_max, random_seed),
      timer_(io) {}

SnsAlertPublisher::~SnsAlertPublisher() = default;

void SnsAlertPublisher::start() {
  started_ = true;
  log::info(kLog, "sending alerts to SNS topic ", sns_.topic().arn, " from the outbox ",
            outbox_.dir().string(), " (", outbox_.depth(), " waiting)");
  pump();
}

void SnsAlertPublisher::async_stop(std::chrono::steady_clock::time_point /*deadline*/,
                                   std::function<void()> done) {
  stopped_ = true;
  // Forget the Publish in flight and every wait: the entry stays in the outbox.
  alive_ = std::make_shared<int>(0);
  in_flight_ = false;
  waiting_ready_ = false;
  waiting_retry_ = false;
  timer_.cancel();
  asio::post(io_, std::move(done));
}

void SnsAlertPublisher::pump() {
  if (!started_ || stopped_ || in_flight_ || waiting_retry_) {
    return;
  }
  const OutboxEntry* entry = outbox_.head();
  if (entry == nullptr) {
    wait_ready();
    return;
  }
  publish(*entry);
}

void SnsAlertPublisher::wait_ready() {
  if (waiting_ready_) {
    return;
  }
  waiting_ready_ = true;
  std::weak_ptr<int> alive = alive_;
  outbox_.async_wait_ready([this, alive](std::error_code ec) {
    if (alive.expired()) {
      return;
    }
    waiting_ready_ = false;
    if (!ec) {
      pump();
    }
  });
}

void SnsAlertPublisher::publish(const OutboxEntry& entry) {
  const SnsAlertText text = sns_text(entry.alert, entry.vehicle, entry.queued_ns,
                                     unix_ns(std::chrono::system_clock::now()));
  aws::SnsPublishRequest request;
  request.subject = text.subject;
  request.message = text.message;
  request.message_group_id =
      aws::make_valid_fifo_id(entry.vehicle.empty() ? "canhose" : entry.vehicle);
  request.message_deduplication_id = entry.id;
  if (entry.id == sent_id_) {
    ++counters_.retries;
  }
  sent_id_ = entry.id;
  in_flight_ = true;
  std::weak_ptr<int> alive = alive_;
  sns_.publish(request, [this, alive](aws::SnsOutcome<aws::SnsPublishResult> outcome) {
    if (alive.expired()) {
      return;
    }
    in_flight_ = false;
    on_outcome(std::move(outcome));
  });
}

void SnsAlertPublisher::on_outcome(aws::SnsOutcome<aws::SnsPublishResult> outcome) {
  if (!outcome.ok()) {
    on_error(outcome.error);
    return;
  }
  ++counters_.published;
  if (const OutboxEntry* entry = outbox_.head()) {
    log::info(kLog, "alert ", entry->alert.rule, " of ", entry->vehicle, " sent to SNS (message ",
              outcome.value.message_id, ")");
  }
  outbox_.acknowledge_head();
  backoff_.reset();
  last_published_ = std::chrono::system_clock::now();
  if (!last_error_.empty()) {
    log::notice(kLog, "SNS topic ", sns_.topic().arn, " accepts alerts again (", outbox_.depth(),
                " waiting)");
  }
  last_error_.clear();
  last_error_detail_.clear();
  last_error_at_.reset();
  last_logged_error_.clear();
  pump();
}

void SnsAlertPublisher::on_error(const aws::SnsError& error) {
  const auto kind = static_cast<std::size_t>(error.kind);
  if (kind < counters_.errors.size()) {
    ++counters_.errors[kind];
  }
  const https::Endpoint& endpoint = sns_.endpoint();
  last_error_ = aws::sns_error_advice(error, sns_.topic().arn,
                                      endpoint.scheme + "://" + endpoint.host_header());
  last_error_detail_ = error.describe();
  last_error_at_ = std::chrono::system_clock::now();
  const bool retryable = error.retryable();
  const base::Duration delay = retryable ? backoff_.next() : options_.retry_max;
  const std::string key = std::string(aws::to_string(error.kind)) + "/" + error.code;
  if (key != last_logged_error_) {
    last_logged_error_ = key;
    log::warning(kLog, "SNS Publish to ", sns_.topic().arn, " failed: ", last_error_detail_, ". ",
                 last_error_, " The alert stays in the outbox (", outbox_.depth(),
                 " waiting) and is sent again ",
                 retryable ? "after a backoff" : "every " + base::format_duration(delay),
                 "; further failures like this one are not logged.");
  }
  retry_after(delay);
}

void SnsAlertPublisher::retry_after(base::Duration delay) {
  waiting_retry_ = true;
  timer_.expires_after(delay);
  std::weak_ptr<int> alive = alive_;
  timer_.async_wait([this, alive](std::error_code ec) {
    if (alive.expired() || ec) {
      return;
    }
    waiting_retry_ = false;
    pump();
  });
}

std::string SnsAlertPublisher::status() const {
  const std::uint64_t waiting = outbox_.depth();
  if (waiting == 0 && last_error_.empty()) {
    return {};
  }
  std::string text = "alerts " + std::to_string(waiting) + " waiting";
  if (!last_error_.empty()) {
    text += ", last error: " + last_error_;
  }
  return text;
}

void SnsAlertPublisher::collect_metrics(std::vector<metrics::MetricFamily>& out) const {
  collect_alerting_metrics({counters_, outbox_.depth(), outbox_.dropped(), last_error_,
                            last_error_detail_, last_error_at_, last_published_},
                           out);
}

}  // namespace canhose::alerting
