#include "config/config_schema.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "aws/firehose_api.hpp"
#include "aws/http_transport.hpp"
#include "aws/proxy_settings.hpp"
#include "metrics/metrics_server.hpp"
#include "obd/pid_table.hpp"

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
           {{"drop_oldest", queue::WhenFull::drop_oldest},
            {"drop_newest", queue::WhenFull::drop_newest}});
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

void read_https(MappingReader& r, aws::HttpsTransportOptions& c) {
  r.value("ca_file", c.tls.ca_file);
  r.value("proxy", c.proxy);
  r.value("no_proxy", c.no_proxy);
  if (!c.proxy.empty()) {
    // The parser the HTTPS client uses at start-up: check-config refuses exactly what the
    // daemon would refuse. (An empty proxy means HTTPS_PROXY from the daemon's own
    // environment, which a check run elsewhere cannot see.)
    std::string error;
    if (!aws::ProxySettings::from_options(c.proxy, c.no_proxy, error)) {
      r.error(error.starts_with("NO_PROXY") ? "no_proxy" : "proxy", error);
    }
  }
  r.section("timeouts", [&](MappingReader& t) {
    t.value("resolve", c.timeouts.resolve, between<Duration>(100ms, 5min));
    t.value("connect", c.timeouts.connect, between<Duration>(100ms, 5min));
    t.value("handshake", c.timeouts.handshake, between<Duration>(100ms, 5min));
    t.value("request", c.timeouts.request, between<Duration>(1s, 10min));
  });
  std::uint32_t pool = static_cast<std::uint32_t>(c.pool_size);
  r.value("pool_size", pool, between<std::uint32_t>(0, 16));
  c.pool_size = pool;
  r.value("idle_timeout", c.idle_timeout, between<Duration>(1s, 10min));
}

void read_iot(MappingReader& r, aws::IotCredentialsOptions& c) {
  r.value("endpoint", c.endpoint);
  r.value("role_alias", c.role_alias);
  r.value("thing_name", c.thing_name);
  r.value("cert_file", c.cert_file);
  r.value("key_file", c.key_file);
  r.value("ca_file", c.ca_file);
}

std::vector<can::CanIdFilter> read_filters(MappingReader& r, std::string_view key) {
  std::vector<std::string> texts;
  r.value(key, texts);
  std::vector<can::CanIdFilter> filters;
  for (const std::string& text : texts) {
    const can::CanIdFilterParse parsed = can::parse_can_id_filter(text);
    if (!parsed.filter) {
      r.error(key, "\"" + text + "\": " + parsed.error);
      continue;
    }
    filters.push_back(*parsed.filter);
  }
  return filters;
}

void read_can(MappingReader& r, can::CanSourceOptions& c, dbc::DbcOptions& dbc) {
  r.value("enabled", c.enabled);
  r.list<can::CanInterfaceOptions>(
      "interfaces", c.interfaces, [](MappingReader& i, can::CanInterfaceOptions& o) {
        i.value("name", o.name);
        i.value("fd", o.fd);
        o.filters = read_filters(i, "filters");
        i.value("error_frames", o.error_frames);
        i.value("receive_buffer", o.receive_buffer, between(ByteSize{0}, ByteSize{64 << 20}));
        i.value("manage_interface", o.manage_interface);
        i.value("bitrate", o.bitrate, between<std::uint32_t>(0, 1'000'000));
        i.value("restart_ms", o.restart_ms, between<Duration>(0s, 1min));
        i.value("bus_off_restart_delay", o.bus_off_restart_delay, between<Duration>(0s, 1min));
        if (o.name.empty()) {
          i.error("name", "every interface needs a name such as can0");
        }
      });
  std::uint32_t batch = static_cast<std::uint32_t>(c.read_batch);
  r.value("read_batch", batch, between<std::uint32_t>(1, 1024));
  c.read_batch = batch;
  r.value("retry_initial", c.retry_initial, between<Duration>(10ms, 1h));
  r.value("retry_max", c.retry_max, between<Duration>(10ms, 1h));
  r.value("dbc_file", dbc.file);
  r.value("j1939", dbc.j1939);
  if (c.enabled) {
    if (c.interfaces.empty()) {
      r.error("interfaces", "sources.can is enabled but lists no interfaces");
    }
    // Unnamed interfaces were reported above, by position.
    const bool all_named =
        std::all_of(c.interfaces.begin(), c.interfaces.end(),
                    [](const can::CanInterfaceOptions& i) { return !i.name.empty(); });
    for (const std::string& problem : all_named ? can::validate(c) : std::vector<std::string>{}) {
      r.error("interfaces", problem);
    }
  }
}

void read_replay(MappingReader& r, can::ReplayOptions& c) {
  r.value("enabled", c.enabled);
  r.value("file", c.file);
  std::string speed = "1";
  r.value("speed", speed, [](const std::string& text) -> std::optional<std::string> {
    if (can::parse_replay_speed(text)) {
      return std::nullopt;
    }
    return std::string(
        "expected max, 0, or a speed factor from 0.001 to 1000 (2 = twice real time)");
  });
  if (auto parsed = can::parse_replay_speed(speed)) {
    c.speed = *parsed;
  }
  r.value("loop", c.loop);
  r.value("interface_name", c.interface_name);
  r.value("original_timestamps", c.original_timestamps);
  c.filters = read_filters(r, "filters");
  std::uint32_t batch = static_cast<std::uint32_t>(c.batch);
  r.value("batch", batch, between<std::uint32_t>(1, 4096));
  c.batch = batch;
  if (c.enabled && c.file.empty()) {
    r.error("file", "sources.replay is enabled but names no file (a candump -l log)");
  }
}

void read_gps(MappingReader& r, gps::GpsdOptions& c) {
  r.value("enabled", c.enabled);
  r.value("host", c.host);
  std::uint32_t port = c.port;
  r.value("port", port, between<std::uint32_t>(1, 65535));
  c.port = static_cast<std::uint16_t>(port);
  r.value("device", c.device);
  r.value("max_fix_age", c.max_fix_age, between<Duration>(100ms, 1h));
  r.value("reconnect_min", c.reconnect_min, between<Duration>(10ms, 1h));
  r.value("reconnect_max", c.reconnect_max, between<Duration>(10ms, 1h));
}

void read_obd(MappingReader& r, obd::ObdOptions& c) {
  r.value("enabled", c.enabled);
  r.value("interface", c.interface);
  r.list<obd::PidPoll>("pids", c.pids, [](MappingReader& p, obd::PidPoll& poll) {
    std::string pid;
    p.value("pid", pid, [](const std::string& text) -> std::optional<std::string> {
      if (obd::find_pid(text) != nullptr) {
        return std::nullopt;
      }
      unsigned long number = 0;
      std::size_t used = 0;
      try {
        number = std::stoul(text, &used, 0);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == text.size() && number <= 0xFF &&
          obd::find_pid(static_cast<std::uint8_t>(number)) != nullptr) {
        return std::nullopt;
      }
      return std::string(
          "expected a mode 01 PID canhose decodes, by name (speed, rpm, coolant_temp, maf, "
          "fuel_rate, ...) or number (0x0D); see docs/obd.md");
    });
    if (const obd::PidDefinition* by_name = obd::find_pid(pid)) {
      poll.pid = by_name->pid;
    } else if (!pid.empty()) {
      try {
        poll.pid = static_cast<std::uint8_t>(std::stoul(pid, nullptr, 0));
      } catch (const std::exception&) {
        poll.pid = 0;
      }
    } else {
      p.error("pid", "every entry needs a pid");
    }
    p.value("period", poll.period, between<Duration>(10ms, 1h));
  });
  r.value("response_timeout", c.response_timeout, between<Duration>(1ms, 10s));
  r.value("pending_timeout", c.pending_timeout, between<Duration>(1ms, 1min));
  r.value("vin_read", c.vin_read);
  r.choice("fuel_type", c.fuel_type,
           {{"gasoline", obd::FuelType::gasoline}, {"diesel", obd::FuelType::diesel}});
  r.value("co2", c.co2);
  if (c.enabled) {
    if (const std::string problem = obd::check_options(c); !problem.empty()) {
      r.error("pids", problem);
    }
  }
}

void read_record(MappingReader& r, record::RecordBuilderOptions& c, record::RawFrameOptions& raw) {
  r.choice("format", c.format,
           {{"space", record::RecordFormat::space},
            {"csv", record::RecordFormat::csv},
            {"jsonl", record::RecordFormat::jsonl}});
  r.value("fields", c.fields);
  r.value("period", c.period, between<Duration>(10ms, 1h));
  r.value("csv_header", c.csv_header);
  r.value("missing_token", c.missing_token,
          [](const std::string& token) -> std::optional<std::string> {
            if (record::is_valid_missing_token(token)) {
              return std::nullopt;
            }
            return std::string("expected a token pandas reads as missing, such as NaN, NA or null");
          });
  r.value("field_max_age", c.field_max_age, between<Duration>(0s, 24h));
  if (c.fields.empty()) {
    r.error("fields", "a record needs at least one field");
  }
  r.section("raw_frames", [&](MappingReader& f) {
    f.value("enabled", raw.enabled);
    std::vector<std::string> ids;
    f.value("ids", ids);
    raw.ids.clear();
    raw.all_ids = false;
    const auto is_all = [](const std::string& text) {
      return text.size() == 3 && std::tolower(static_cast<unsigned char>(text[0])) == 'a' &&
             std::tolower(static_cast<unsigned char>(text[1])) == 'l' &&
             std::tolower(static_cast<unsigned char>(text[2])) == 'l';
    };
    // A CAN identifier written in decimal or hex; a config error otherwise.
    const auto can_id = [&](const std::string& text,
                            std::string_view key) -> std::optional<std::uint32_t> {
      unsigned long id = 0;
      std::size_t used = 0;
      try {
        id = std::stoul(text, &used, 0);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || id > 0x1FFFFFFF) {
        f.error(key, "\"" + text + "\" is not a CAN id (0x000 to 0x1FFFFFFF)");
        return std::nullopt;
      }
      return static_cast<std::uint32_t>(id);
    };
    if (ids.size() == 1 && is_all(ids[0])) {
      raw.all_ids = true;
      ids.clear();
    }
    for (const std::string& text : ids) {
      if (is_all(text)) {
        f.error("ids", "\"all\" stands alone: write `ids: all`, or list only ids");
        continue;
      }
      if (const auto id = can_id(text, "ids")) {
        raw.ids.push_back(*id);
      }
    }
    // Identifiers up to 0x7FF that are sent as 29-bit frames.
    std::vector<std::string> extended;
    f.value("extended_ids", extended);
    raw.extended_ids.clear();
    for (const std::string& text : extended) {
      if (const auto id = can_id(text, "extended_ids")) {
        raw.extended_ids.push_back(*id);
      }
    }
    // Enabled with nothing selected used to record nothing and say nothing.
    if (raw.enabled && !raw.all_ids && ids.empty() && raw.extended_ids.empty()) {
      f.error(f.has("ids") ? "ids" : "enabled",
              "raw frames are enabled but no ids are selected: write `ids: all` to record "
              "every frame, or list the ids, e.g. ids: [\"0x7E8\", \"0x18FEF100\"]");
    }
  });
}

}  // namespace

void read_config(MappingReader& root, Config& config) {
  root.section("device", [&](MappingReader& r) { read_device(r, config.device); });
  root.section("service", [&](MappingReader& r) { read_service(r, config.service); });
  root.section("log", [&](MappingReader& r) { read_log(r, config.log); });
  root.section("metrics", [&](MappingReader& r) { read_metrics(r, config.metrics); });
  root.section("queue", [&](MappingReader& r) { read_queue(r, config.queue); });
  root.section("delivery", [&](MappingReader& r) {
    read_delivery(r, config.delivery);
    read_https(r, config.https);
  });
  root.section("credentials", [&](MappingReader& r) {
    read_credentials(r, config.credentials);
    r.section("iot", [&](MappingReader& iot) { read_iot(iot, config.iot); });
  });
  root.section("sources", [&](MappingReader& r) {
    r.section("can",
              [&](MappingReader& can) { read_can(can, config.sources.can, config.sources.dbc); });
    r.section("replay", [&](MappingReader& replay) { read_replay(replay, config.sources.replay); });
    r.section("gps", [&](MappingReader& gps) { read_gps(gps, config.sources.gps); });
    r.section("obd", [&](MappingReader& obd) { read_obd(obd, config.sources.obd); });
  });
  root.section("record",
               [&](MappingReader& r) { read_record(r, config.record, config.raw_frames); });
  config.record.vin = config.device.vin;
  config.sources.obd.vin = config.device.vin;  // a configured VIN: the vehicle is not asked
  config.record.device_id = config.device.id;
  // Paths that live in the state directory.
  config.queue.dir = config.service.state_dir / "queue";
  config.delivery.dead_letter_dir = config.service.state_dir / "dead-letter";
}

}  // namespace canhose::config
