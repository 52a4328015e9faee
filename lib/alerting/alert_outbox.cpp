#include "alerting/alert_outbox.hpp"

#include <chrono>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "aws/crypto.hpp"
#include "log/logger.hpp"

namespace canhose::alerting {
namespace {

constexpr std::string_view kLog = "alerts";

std::string_view view(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The longest prefix of `text` of at most `max` bytes that does not split a UTF-8
// sequence (continuation bytes are 10xxxxxx).
std::string_view utf8_prefix(std::string_view text, std::size_t max) {
  if (text.size() <= max) {
    return text;
  }
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

}  // namespace

std::string outbox_entry_id(std::string_view vehicle, const alerts::Alert& alert) {
  std::string key;
  key.reserve(vehicle.size() + alert.rule.size() + 24);
  key.append(vehicle).append("|").append(alert.rule).append("|");
  key.append(std::to_string(alert.time_ns));
  return aws::crypto::sha256_hex(key);
}

std::string encode_outbox_entry(const alerts::Alert& alert, std::string_view vehicle,
                                std::int64_t queued_ns) {
  nlohmann::json a = nlohmann::json::object();
  a["rule"] = alert.rule;
  a["severity"] = std::string(alerts::to_string(alert.severity));
  a["time_ns"] = alert.time_ns;
  a["first_event_ns"] = alert.first_event_ns;
  a["count"] = alert.count;
  a["window_ns"] = alert.window_ns;
  a["message"] = std::string(utf8_prefix(alert.message, kOutboxMaxMessageBytes));
  if (alert.position && std::isfinite(alert.position->lat) && std::isfinite(alert.position->lon)) {
    a["lat"] = alert.position->lat;
    a["lon"] = alert.position->lon;
  }
  nlohmann::json entry = nlohmann::json::object();
  entry["id"] = outbox_entry_id(vehicle, alert);
  entry["vehicle"] = std::string(vehicle);
  entry["alert"] = std::move(a);
  entry["queued_ns"] = queued_ns;
  return entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<OutboxEntry> decode_outbox_entry(std::string_view data, std::string* error) {
  const auto fail = [error](std::string why) -> std::optional<OutboxEntry> {
    if (error != nullptr) {
      *error = std::move(why);
    }
    return std::nullopt;
  };
  const nlohmann::json j = nlohmann::json::parse(data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail("not a JSON object");
  }
  try {
    OutboxEntry e;
    e.id = j.at("id").get<std::string>();
    e.vehicle = j.at("vehicle").get<std::string>();
    const nlohmann::json& a = j.at("alert");
    e.alert.rule = a.at("rule").get<std::string>();
    const auto severity = alerts::severity_from_string(a.at("severity").get<std::string>());
    if (!severity) {
      return fail("unknown severity " + a.at("severity").dump());
    }
    e.alert.severity = *severity;
    e.alert.time_ns = a.at("time_ns").get<std::int64_t>();
    e.alert.first_event_ns = a.at("first_event_ns").get<std::int64_t>();
    e.alert.count = a.at("count").get<std::uint32_t>();
    e.alert.window_ns = a.at("window_ns").get<std::int64_t>();
    e.alert.message = a.at("message").get<std::string>();
    // Entries written before queued_ns existed: the data time is the best guess left.
    e.queued_ns = j.contains("queued_ns") ? j.at("queued_ns").get<std::int64_t>() : e.alert.time_ns;
    if (a.contains("lat") || a.contains("lon")) {
      e.alert.position = alerts::Position{a.at("lat").get<double>(), a.at("lon").get<double>()};
    }
    if (e.id.size() != 64 || !std::all_of(e.id.begin(), e.id.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        })) {
      return fail("id is not 64 hex digits");
    }
    return e;
  } catch (const nlohmann::json::exception& ex) {
    return fail(ex.what());
  }
}

AlertOutbox::OpenResult AlertOutbox::open(asio::io_context& io, const std::filesystem::path& dir,
                                          std::uint64_t max_bytes) {
  queue::QueueOptions o;
  o.dir = dir;
  o.fsync = queue::FsyncMode::always;
  o.max_bytes = std::max(max_bytes, kOutboxMinBytes);
  o.when_full = queue::WhenFull::drop_oldest;
  // Small segments: drop_oldest deletes one segment, so a full outbox loses few alerts.
  o.segment_bytes = 64 * 1024;
  o.memory_buffer_bytes = o.max_bytes / 2;
  // Alerts are rare: save the cursor after every acknowledgement.
  o.cursor_write_records = 1;
  o.cursor_write_interval = std::chrono::milliseconds(100);
  queue::Queue::OpenResult opened = queue::Queue::open(io, o);
  if (!opened.queue) {
    return {nullptr, "alert outbox " + dir.string() + ": " + opened.error};
  }
  std::unique_ptr<AlertOutbox> outbox(new AlertOutbox(io, std::move(opened.queue)));
  const std::uint64_t waiting = outbox->depth();
  if (waiting > 0) {
    log::notice(kLog, waiting, " alerts wait in the outbox ", dir.string(), " to be sent");
  }
  return {std::move(outbox), {}};
}

AlertOutbox::AlertOutbox(asio::io_context& io, std::unique_ptr<queue::Queue> queue)
    : io_(io), queue_(std::move(queue)) {}

AlertOutbox::~AlertOutbox() {
  close();
}

bool AlertOutbox::push(const alerts::Alert& alert, std::string_view vehicle) {
  if (closed_) {
    ++refused_;
    log::warning(kLog, "alert ", alert.rule, " at ", alert.time_ns,
                 " not stored: the outbox is closed");
    return false;
  }
  const queue::AppendResult result =
      queue_->append(encode_outbox_entry(alert, vehicle,
                                         std::chrono::duration_cast<std::chrono::nanoseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count()));
  if (!result.accepted()) {
    ++refused_;
    log::warning(kLog, "alert ", alert.rule, " not stored in the outbox (",
                 result.dropped ? queue::to_string(*result.dropped) : "refused", ")");
    return false;
  }
  ++pushed_;
  check_drops();
  return true;
}

const OutboxEntry* AlertOutbox::head() {
  if (closed_) {
    return nullptr;
  }
  check_drops();
  while (!head_) {
    queue::ReadBatch batch = queue_->read(1, 1);
    if (batch.records.empty()) {
      return nullptr;
    }
    const queue::QueueRecord& record = batch.records.front();
    std::string error;
    std::optional<OutboxEntry> entry = decode_outbox_entry(view(record.data), &error);
    if (!entry) {
      ++damaged_;
      log::error(kLog, "outbox entry ", record.seq, " in ", dir().string(),
                 " cannot be read and is skipped: ", error);
      queue_->acknowledge(record.seq);
      continue;
    }
    entry->seq = record.seq;
    head_ = std::move(entry);
  }
  return &*head_;
}

void AlertOutbox::acknowledge_head() {
  if (!head_ || closed_) {
    return;
  }
  queue_->acknowledge(head_->seq);
  head_.reset();
  if (drop_burst_) {
    // The burst is over: SNS takes alerts again. Its drops after the first warning.
    drop_burst_ = false;
    const std::uint64_t drops = queue_drops();
    log::notice(kLog, "alert outbox: ", drops - drops_logged_,
                " more of the oldest alerts were dropped while it was full (", drops,
                " since start)");
    drops_logged_ = drops;
  }
}

void AlertOutbox::async_wait_ready(std::function<void(std::error_code)> handler) {
  if (closed_) {
    asio::post(io_, [handler = std::move(handler)] {
      handler(std::make_error_code(std::errc::operation_canceled));
    });
    return;
  }
  if (head() != nullptr) {
    // Already read from the queue, so the queue would not report it again: at once, but
    // never inside the call.
    asio::post(io_, [handler = std::move(handler)] { handler({}); });
    return;
  }
  queue_->async_wait_readable(std::move(handler));
}

void AlertOutbox::async_wait_stored(std::function<void(std::error_code)> handler) {
  const std::uint64_t next = queue_->next_sequence();
  queue_->async_wait_durable(next > 0 ? next - 1 : 0, std::move(handler));
}

std::uint64_t AlertOutbox::depth() const {
  return queue_->metrics().records_queued;
}

std::uint64_t AlertOutbox::queue_drops() const {
  const queue::QueueMetrics m = queue_->metrics();
  std::uint64_t total = 0;
  for (const std::uint64_t n : m.drops) {
    total += n;
  }
  return total;
}

std::uint64_t AlertOutbox::dropped() const {
  return queue_drops() + refused_ + damaged_;
}

void AlertOutbox::check_drops() {
  const std::uint64_t drops = queue_drops();
  if (!drop_burst_ && drops > drops_logged_) {
    drop_burst_ = true;
    log::warning(kLog, "alert outbox ", dir().string(), " is full (", max_bytes(),
                 " bytes): dropping the oldest unsent alerts (", drops - drops_logged_, " so far)");
    drops_logged_ = drops;
  }
}

void AlertOutbox::close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  head_.reset();
  queue_->close();
}

}  // namespace canhose::alerting
