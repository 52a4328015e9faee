#include "config/config_schema.hpp"

#include <algorithm>

#include "aws/firehose_api.hpp"
#include "aws/http_transport.hpp"
#include "metrics/metrics_server.hpp"

namespace canhose::config {
namespace {

std::optional<std::string> check_vin(const std::string& vin) {
  if (vin.empty()) {
    return std::nullopt;
  }
  // ISO 3779: 17 characters, digits and capital letters except I, O and Q.
  const bool valid_chars = std::all_of(vin.begin(), vin.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q');
  });
  if (vin.size() != 17 || !valid_chars) {
    return "expected a 17-character VIN (digits and capital letters except I, O, Q) or nothing";
  }
  return std::nullopt;
}

std::optional<std::string> check_absolute_path(const std::string& path) {
  if (path.empty() || path.front() != '/') {
    return std::string("expected an absolute path such as /var/lib/canhose");
  }
  return std::nullopt;
}

void read_device(MappingReader& r, DeviceConfig& c) {
  r.value("id", c.id);
  r.value("vin", c.vin, check_vin);
}

void read_service(MappingReader& r, ServiceConfig& c) {
  std::string state_dir = c.state_dir.string();
  r.value("state_dir", state_dir, check_absolute_path);
  c.state_dir = state_dir;
  r.value("shutdown_grace", c.shutdown_grace, between<Duration>(0s, 1h));
  r.value("status_interval", c.status_interval, between<Duration>(1s, 1h));
}

void read_log(MappingReader& r, LogConfig& c) {
  r.choice("level", c.level,
           {{"debug", log::Severity::debug},
            {"info", log::Severity::info},
            {"notice", log::Severity::notice},
            {"warning", log::Severity::warning},
            {"error", log::Severity::error}});
  r.value("rate_limit_burst", c.rate_limit_burst, between<std::uint32_t>(1, 100000));
  r.value("rate_limit_interval", c.rate_limit_interval, between<Duration>(1s, 24h));
}

std::optional<std::string> check_listen_address(const std::string& text) {
  std::string error;
  if (text.empty() || metrics::parse_listen_address(text, error)) {
    return std::nullopt;
  }
  return error;
}

void read_metrics(MappingReader& r, MetricsConfig& c) {
  r.value("listen", c.listen, check_listen_address);
}

void read_queue(MappingReader& r, queue::QueueOptions& c) {
  r.choice("fsync", c.fsync,
           {{"always", queue::FsyncMode::always},
            {"interval", queue::FsyncMode::interval},
            {"never", queue::FsyncMode::never}});
  r.value("fsync_interval", c.fsync_interval, between<Duration>(1ms, 1min));
  ByteSize max_bytes{c.max_bytes};
  r.value("max_bytes", max_bytes, between(ByteSize{1 << 20}, ByteSize{1ULL << 40}));
  c.max_bytes = max_bytes.bytes;
  r.value("max_age", c.max_age, at_least<Duration>(2s));
  r.choice("when_full", c.when_full,
           {{"drop_oldest", queue::WhenFull::drop_oldest}, {"drop_newest", queue::WhenFull::drop_newest}});
  ByteSize segment_bytes{c.segment_bytes};
  r.value("segment_bytes", segment_bytes, between(ByteSize{64 << 10}, ByteSize{1 << 30}));
  c.segment_bytes = segment_bytes.bytes;
  r.value("segment_max_age", c.segment_max_age, between<Duration>(1s, 24h));
  ByteSize memory{c.memory_buffer_bytes};
  r.value("memory_buffer", memory, between(ByteSize{2 << 20}, ByteSize{1 << 30}));
  c.memory_buffer_bytes = memory.bytes;
  r.value("cursor_write_interval", c.cursor_write_interval, between<Duration>(1ms, 1h));
  r.value("cursor_write_records", c.cursor_write_records, between<std::uint64_t>(1, 100'000'000));
  // Relations between the keys (segments vs max_bytes, ...): one message naming them.
  if (const std::string problem = queue::validate(c); !problem.empty()) {
    r.error("max_bytes", problem);
  }
}

void read_delivery(MappingReader& r, delivery::DeliveryOptions& c) {
  r.value("stream", c.stream, [](const std::string& name) -> std::optional<std::string> {
    if (name.empty()) {
      return std::nullopt;
    }
    std::string problem = aws::validate_stream_name(name);
    return problem.empty() ? std::nullopt : std::optional<std::string>(problem);
  });
  r.value("region", c.region, [](const std::string& region) -> std::optional<std::string> {
    const bool ok = std::all_of(region.begin(), region.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
    });
    if (!ok) {
      return std::string("expected an AWS region such as eu-west-1");
    }
    return std::nullopt;
  });
  r.value("endpoint", c.endpoint, [](const std::string& url) -> std::optional<std::string> {
    if (url.empty()) {
      return std::nullopt;
    }
    const aws::EndpointParseResult parsed = aws::parse_endpoint(url);
    return parsed.error.empty() ? std::nullopt : std::optional<std::string>(parsed.error);
  });
  if (!c.stream.empty() && c.region.empty()) {
    r.error("region", "delivery.region is required when delivery.stream is set (e.g. eu-west-1)");
  }
  r.value("pack", c.pack);
  ByteSize pack_bytes{c.pack_bytes};
  r.value("pack_bytes", pack_bytes, between(ByteSize{1024}, ByteSize{1'024'000}));
  c.pack_bytes = pack_bytes.bytes;
  r.value("flush_interval", c.flush_interval, between<Duration>(10ms, 15min));
  r.value("concurrency", c.concurrency, between<std::uint32_t>(1, 16));
  r.section("retry", [&](MappingReader& retry) {
    retry.value("base", c.retry_base, between<Duration>(10ms, 1min));
    retry.value("max", c.retry_max, between<Duration>(100ms, 1h));
    retry.value("permanent_error", c.permanent_error_retry, between<Duration>(1s, 24h));
    if (c.retry_max < c.retry_base) {
      retry.error("max", "must be at least retry.base (" + format_duration(c.retry_base) + ")");
    }
  });
  ByteSize dead_letter{c.dead_letter_max_bytes};
  r.value("dead_letter_max_bytes", dead_letter, between(ByteSize{64 << 10}, ByteSize{1ULL << 40}));
  c.dead_letter_max_bytes = dead_letter.bytes;
  r.value("summary_interval", c.summary_interval, between<Duration>(10s, 24h));
}

void read_credentials(MappingReader& r, aws::CredentialsOptions& c) {
  r.choice("source", c.source,
           {{"chain", aws::CredentialsSource::chain},
            {"static", aws::CredentialsSource::static_keys},
            {"environment", aws::CredentialsSource::environment},
            {"profile", aws::CredentialsSource::profile},
            {"iot", aws::CredentialsSource::iot}});
  r.value("access_key_id", c.access_key_id);
  r.value("secret_access_key", c.secret_access_key);
  r.value("session_token", c.session_token);
  r.value("profile", c.profile);
  std::string shared_file = c.shared_file.string();
  r.value("shared_file", shared_file);
  c.shared_file = shared_file;
  r.value("refresh_before", c.refresh_before, between<Duration>(0s, 1h));
  if (c.access_key_id.empty() != c.secret_access_key.empty()) {
    r.error(c.access_key_id.empty() ? "access_key_id" : "secret_access_key",
            "access_key_id and secret_access_key go together: set both or neither");
  }
  if (c.source == aws::CredentialsSource::static_keys && c.access_key_id.empty()) {
    r.error("source", "source: static needs access_key_id and secret_access_key");
  }
}

}  // namespace

void read_config(MappingReader& root, Config& config) {
  root.section("device", [&](MappingReader& r) { read_device(r, config.device); });
  root.section("service", [&](MappingReader& r) { read_service(r, config.service); });
  root.section("log", [&](MappingReader& r) { read_log(r, config.log); });
  root.section("metrics", [&](MappingReader& r) { read_metrics(r, config.metrics); });
  root.section("queue", [&](MappingReader& r) { read_queue(r, config.queue); });
  root.section("delivery", [&](MappingReader& r) { read_delivery(r, config.delivery); });
  root.section("credentials", [&](MappingReader& r) { read_credentials(r, config.credentials); });
  // Paths that live in the state directory.
  config.queue.dir = config.service.state_dir / "queue";
  config.delivery.dead_letter_dir = config.service.state_dir / "dead-letter";
}

}  // namespace canhose::config
