#include "config/config_schema.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "config/stream_pipelines.hpp"
#include "metrics/metrics_server.hpp"

namespace canhose::config {

using base::at_least;
using base::between;
using base::ByteSize;
using base::Duration;
using base::format_duration;
using base::MappingReader;

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

}  // namespace

void read_config(MappingReader& root, Config& config) {
  root.section("device", [&](MappingReader& r) { read_device(r, config.device); });
  root.section("service", [&](MappingReader& r) { read_service(r, config.service); });
  root.section("log", [&](MappingReader& r) { read_log(r, config.log); });
  root.section("metrics", [&](MappingReader& r) { read_metrics(r, config.metrics); });
  root.section("queue", [&](MappingReader& r) { queue::read_options(r, config.queue); });
  root.section("delivery", [&](MappingReader& r) {
    delivery::read_options(r, config.delivery);
    https::read_options(r, config.https);  // delivery.ca_file, proxy, timeouts, ...
  });
  root.section("credentials", [&](MappingReader& r) {
    aws::read_options(r, config.credentials);
    r.section("iot", [&](MappingReader& iot) { aws::read_options(iot, config.iot); });
  });
  root.section("sources", [&](MappingReader& r) {
    r.section("can", [&](MappingReader& can) {
      can::read_options(can, config.sources.can);
      dbc::read_options(can, config.sources.dbc);  // dbc_file and j1939 live in sources.can
    });
    r.section("replay",
              [&](MappingReader& replay) { can::read_options(replay, config.sources.replay); });
    r.section("gps", [&](MappingReader& gps) { gps::read_options(gps, config.sources.gps); });
    r.section("obd", [&](MappingReader& obd) { obd::read_options(obd, config.sources.obd); });
  });
  root.section("record", [&](MappingReader& r) {
    record::read_options(r, config.record);
    r.section("raw_frames",
              [&](MappingReader& raw) { record::read_options(raw, config.raw_frames); });
  });
  root.section("ingest", [&](MappingReader& r) {
    ingest::read_options(r, config.ingest);
    complete_ingest_streams(r, config);
  });
  root.section("alerts", [&](MappingReader& r) {
    alerting::read_options(r, config.alerts);
    check_alerts_stream(r, config);
  });
  config.record.vin = config.device.vin;
  config.sources.obd.vin = config.device.vin;  // a configured VIN: the vehicle is not asked
  config.record.device_id = config.device.id;
  // Paths that live in the state directory.
  config.queue.dir = config.service.state_dir / "queue";
  config.delivery.dead_letter_dir = config.service.state_dir / "dead-letter";
}

}  // namespace canhose::config
