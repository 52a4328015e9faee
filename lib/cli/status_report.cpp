#include "cli/status_report.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace canhose::cli {
namespace {

std::string format_fixed(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

std::string count(double v) {
  return format_fixed(v, 0);
}

// Counters and gauges that count things are whole numbers in the JSON output.
nlohmann::json whole(double v) {
  return static_cast<std::int64_t>(std::llround(v));
}

const char* bus_state_name(double state) {
  switch (static_cast<int>(state)) {
    case 0:
      return "error-active";
    case 1:
      return "error-warning";
    case 2:
      return "error-passive";
    case 3:
      return "bus-off";
    case 4:
      return "stopped";
    case 5:
      return "sleeping";
    default:
      return "unknown";
  }
}

}  // namespace

std::string format_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  return (unit == 0 ? count(bytes) : format_fixed(bytes, 1)) + " " + kUnits[unit];
}

std::string format_age(double seconds) {
  if (seconds < 0) {
    seconds = 0;
  }
  const auto s = static_cast<long long>(seconds);
  if (s < 60) {
    return seconds < 10 && seconds != std::floor(seconds) ? format_fixed(seconds, 1) + " s"
                                                          : std::to_string(s) + " s";
  }
  if (s < 3600) {
    return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
  }
  if (s < 86400) {
    return std::to_string(s / 3600) + " h " + std::to_string(s % 3600 / 60) + " min";
  }
  return std::to_string(s / 86400) + " d " + std::to_string(s % 86400 / 3600) + " h";
}

std::string format_utc(double unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

StatusReport::StatusReport(const PrometheusText& latest, const PrometheusText* earlier,
                           std::chrono::duration<double> interval,
                           std::chrono::system_clock::time_point now) {
  const double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
  const std::string version = latest.label("canhose_build_info", "version").value_or("unknown");
  const std::string device = latest.label("canhose_build_info", "device").value_or("");
  std::string head = "canhosed " + version;
  if (!device.empty()) {
    head += " on device " + device;
  }
  if (const auto started = latest.value("canhose_start_time_seconds")) {
    uptime_s_ = std::max(0.0, now_s - *started);
    head += ", up " + format_age(*uptime_s_) + " (since " + format_utc(*started) + ")";
    json_["uptime_seconds"] = *uptime_s_;
  }
  json_["version"] = version;
  json_["device"] = device;
  add("", head);

  const std::vector<std::string> streams = latest.label_values("canhose_queue_records", "stream");
  const std::string alerts_stream =
      latest.label("canhose_alerts_stream_info", "stream").value_or("");
  if (streams.size() <= 1) {
    json_["delivery"] = delivery(latest, now, {}, "");
    json_["queue"] = queue(latest, now, {}, "");
  } else {
    json_["streams"] = nlohmann::json::array();
    for (std::size_t i = 0; i < streams.size(); ++i) {
      const std::string& name = streams[i];
      const PrometheusText::Labels where{{"stream", name}};
      add("Stream", (name.empty() ? std::string("(none)") : name) + (i == 0 ? " (vehicle records)"
                                                                     : name == alerts_stream
                                                                         ? " (alert events)"
                                                                         : " (local producers)"));
      nlohmann::json one = {{"name", name},
                            {"delivery", delivery(latest, now, where, "stream " + name + ": ")},
                            {"queue", queue(latest, now, where, "stream " + name + ": ")}};
      if (i == 0) {
        json_["delivery"] = one["delivery"];
        json_["queue"] = one["queue"];
      }
      json_["streams"].push_back(std::move(one));
    }
  }
  ingest(latest);
  gps(latest);
  can(latest, earlier, interval.count());
  obd(latest);
  alerts(latest, now_s);
  json_["healthy"] = healthy();
  json_["problems"] = problems_;
}

nlohmann::json StatusReport::delivery(const PrometheusText& m,
                                      std::chrono::system_clock::time_point now,
                                      const PrometheusText::Labels& where,
                                      const std::string& scope) {
  const double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
  nlohmann::json j = nlohmann::json::object();
  if (!m.value("canhose_delivery_records_total", where)) {
    j["state"] = "not_configured";
    add("Delivery", "OFF: delivery.stream is empty, records stay in the queue");
    problems_.push_back(scope +
                        "delivery is not configured: set delivery.stream and restart the service");
    return j;
  }
  const double delivered = m.value("canhose_delivery_records_total", where).value_or(0);
  const double pending = m.value("canhose_delivery_retries_pending", where).value_or(0);
  const double backoff = m.value("canhose_delivery_backoff_seconds", where).value_or(0);
  const double in_flight = m.value("canhose_delivery_in_flight_requests", where).value_or(0);
  j["records_delivered"] = whole(delivered);
  j["in_flight_requests"] = whole(in_flight);
  j["retries_pending"] = whole(pending);
  std::string state;
  if (m.value("canhose_delivery_paused", where).value_or(0) > 0) {
    const std::string reason =
        m.label("canhose_delivery_paused_info", "reason", where).value_or("");
    j["state"] = "paused";
    j["paused_reason"] = reason;
    state = "PAUSED by a permanent error: " + (reason.empty() ? "(reason not reported)" : reason) +
            "; records keep queueing on disk, retried periodically";
    problems_.push_back(scope + "delivery is paused: " + reason);
  } else if (pending > 0) {
    j["state"] = "backing_off";
    state = "BACKING OFF: " + count(pending) + " batch(es) waiting to be resent (next wait up to " +
            format_age(backoff) + ")";
    problems_.push_back(scope + "delivery is backing off after failed requests (see last error)");
  } else {
    j["state"] = "delivering";
    state = "delivering";
  }
  add("Delivery", state + "; " + count(delivered) + " records delivered, " + count(in_flight) +
                      " request(s) in flight");

  if (const auto t = m.value("canhose_delivery_last_success_time_seconds", where)) {
    j["last_success_time"] = *t;
    j["last_success_age_seconds"] = now_s - *t;
    add("Last success", format_utc(*t) + " (" + format_age(now_s - *t) + " ago)");
  } else {
    add("Last success", "none since start");
  }
  if (const auto t = m.value("canhose_delivery_last_error_time_seconds", where)) {
    const std::string error =
        m.label("canhose_delivery_last_error_info", "error", where).value_or("");
    j["last_error"] = error;
    j["last_error_time"] = *t;
    add("Last error", format_utc(*t) + " (" + format_age(now_s - *t) + " ago): " + error);
  } else {
    add("Last error", "none since start");
  }
  return j;
}

nlohmann::json StatusReport::queue(const PrometheusText& m,
                                   std::chrono::system_clock::time_point now,
                                   const PrometheusText::Labels& where, const std::string& scope) {
  const double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
  nlohmann::json j = nlohmann::json::object();
  const double records = m.value("canhose_queue_records", where).value_or(0);
  const double bytes = m.value("canhose_queue_bytes", where).value_or(0);
  const double age = m.value("canhose_queue_oldest_unacked_age_seconds", where).value_or(0);
  double dropped = 0;
  for (const auto& s : m.samples("canhose_queue_drops_total")) {
    dropped += PrometheusText::matches(s, where) ? s.value : 0;
  }
  j["records"] = whole(records);
  j["bytes"] = whole(bytes);
  j["oldest_undelivered_age_seconds"] = age;
  j["dropped_records"] = whole(dropped);
  std::string text = count(records) + " records waiting (queue files " + format_bytes(bytes) + ")";
  text += records > 0 ? "; oldest undelivered " + format_age(age) : std::string();
  text += "; " + count(dropped) + " dropped since start";
  if (dropped > 0) {
    problems_.push_back(scope + "the queue dropped " + count(dropped) +
                        " records (canhose_queue_drops_total has the reasons)");
  }
  add("Queue", text);
  j["disk_error"] = nullptr;
  if (m.value("canhose_queue_disk_failing", where).value_or(0) > 0) {
    const std::string error =
        m.label("canhose_queue_disk_error_info", "error", where).value_or("(not reported)");
    const double since = m.value("canhose_queue_disk_failing_since_seconds", where).value_or(0);
    const double memory = m.value("canhose_queue_memory_bytes", where).value_or(0);
    j["disk_error"] = error;
    j["disk_failing_since"] = since;
    std::string disk = "FAILING: " + error;
    if (since > 0) {
      disk += " (since " + format_utc(since) + ", " + format_age(now_s - since) + ")";
    }
    disk += "; " + format_bytes(memory) + " of records wait in memory";
    add("Queue disk", disk);
    problems_.push_back(scope + "the queue cannot write to disk: " + error +
                        " (a full disk? see Troubleshooting in the README)");
  }
  return j;
}

void StatusReport::ingest(const PrometheusText& m) {
  if (!m.has("canhose_ingest_records_total")) {
    add("Ingest", "not enabled");
    json_["ingest"] = nullptr;
    return;
  }
  double accepted = 0;
  double refused = 0;
  for (const auto& s : m.samples("canhose_ingest_records_total")) {
    const auto result = s.labels.find("result");
    if (result != s.labels.end()) {
      (result->second == "refused" ? refused : accepted) += s.value;
    }
  }
  const double connections = m.value("canhose_ingest_connections").value_or(0);
  json_["ingest"] = {{"records_accepted", whole(accepted)},
                     {"records_refused", whole(refused)},
                     {"connections", whole(connections)}};
  std::string text = count(accepted) + " records accepted from local producers, " +
                     count(connections) + " connection(s) open";
  if (refused > 0) {
    // Producers retry a refused record (ServiceUnavailableException): not lost, but the
    // queue was full at the time.
    text += "; " + count(refused) + " refused while the queue was full (producers retry)";
  }
  add("Ingest", text);
}

void StatusReport::gps(const PrometheusText& m) {
  if (!m.has("canhose_gps_connected")) {
    add("GPS", "not enabled");
    json_["gps"] = nullptr;
    return;
  }
  const bool connected = m.value("canhose_gps_connected").value_or(0) > 0;
  const int mode = static_cast<int>(m.value("canhose_gps_fix_mode").value_or(0));
  json_["gps"] = {{"connected", connected}, {"fix_mode", mode}};
  std::string text = connected ? "gpsd connected, " : "gpsd NOT connected, ";
  text += mode == 3 ? "3D fix" : mode == 2 ? "2D fix" : "no fix";
  if (!connected) {
    problems_.push_back("gpsd is not connected: is gpsd running (systemctl status gpsd)?");
  }
  add("GPS", text);
}

void StatusReport::can(const PrometheusText& m, const PrometheusText* earlier, double interval_s) {
  const bool measured = earlier != nullptr && interval_s > 0;
  const std::string how =
      measured ? "measured over " + format_fixed(interval_s, 1) + " s" : "average since start";
  const auto rate = [&](double latest, std::optional<double> before) -> std::optional<double> {
    if (measured) {
      return before ? std::optional<double>((latest - *before) / interval_s) : std::nullopt;
    }
    if (uptime_s_ && *uptime_s_ > 0) {
      return latest / *uptime_s_;
    }
    return std::nullopt;
  };
  const auto rate_text = [](std::optional<double> r) {
    return r ? format_fixed(*r, 1) + " frames/s" : std::string("? frames/s");
  };
  nlohmann::json interfaces = nlohmann::json::array();
  for (const auto& s : m.samples("canhose_can_frames_total")) {
    const std::string name = s.labels.count("interface") ? s.labels.at("interface") : "?";
    const PrometheusText::Labels l{{"interface", name}};
    const auto r =
        rate(s.value, earlier ? earlier->value("canhose_can_frames_total", l) : std::nullopt);
    const bool up = m.value("canhose_can_interface_up", l).value_or(0) > 0;
    const double state = m.value("canhose_can_bus_state", l).value_or(-1);
    const double errors = m.value("canhose_can_error_frames_total", l).value_or(0);
    const double drops = m.value("canhose_can_kernel_drops_total", l).value_or(0);
    const double opens = m.value("canhose_can_opens_total", l).value_or(0);
    interfaces.push_back({{"interface", name},
                          {"up", up},
                          {"bus_state", bus_state_name(state)},
                          {"frames", whole(s.value)},
                          {"frames_per_second", r ? nlohmann::json(*r) : nlohmann::json()},
                          {"error_frames", whole(errors)},
                          {"kernel_drops", whole(drops)},
                          {"reopens", whole(opens > 0 ? opens - 1 : 0)}});
    add("CAN " + name, std::string(up ? "up" : "DOWN") + ", bus " + bus_state_name(state) + ": " +
                           rate_text(r) + " (" + how + "), " + count(s.value) + " frames, " +
                           count(errors) + " error frames, " + count(drops) + " kernel drops");
    if (!up) {
      problems_.push_back("CAN interface " + name + " is down (ip -details link show " + name +
                          ")");
    } else if (state == 3) {
      problems_.push_back("CAN interface " + name + " is bus-off (wiring, bitrate, termination)");
    }
  }
  json_["can"] = interfaces;
  if (m.has("canhose_replay_frames_total")) {
    const double frames = m.value("canhose_replay_frames_total").value_or(0);
    const auto r =
        rate(frames, earlier ? earlier->value("canhose_replay_frames_total") : std::nullopt);
    const bool finished = m.value("canhose_replay_finished").value_or(0) > 0;
    json_["replay"] = {{"frames", whole(frames)},
                       {"frames_per_second", r ? nlohmann::json(*r) : nlohmann::json()},
                       {"finished", finished}};
    add("CAN replay", rate_text(r) + " (" + how + "), " + count(frames) + " frames" +
                          (finished ? ", finished" : ""));
  } else if (interfaces.empty()) {
    add("CAN", "not enabled");
  }
}

void StatusReport::obd(const PrometheusText& m) {
  if (!m.has("canhose_obd_requests_total")) {
    add("OBD-II", "not enabled");
    json_["obd"] = nullptr;
    return;
  }
  const bool link = m.value("canhose_obd_link_open").value_or(0) > 0;
  const bool discovered = m.value("canhose_obd_discovery_done").value_or(0) > 0;
  const bool vin = m.value("canhose_obd_vin_read").value_or(0) > 0;
  const double polled = m.value("canhose_obd_polled_pids").value_or(0);
  const double unsupported = m.value("canhose_obd_unsupported_pids").value_or(0);
  const double requests = m.value("canhose_obd_requests_total").value_or(0);
  const double positive =
      m.value("canhose_obd_answers_total", {{"result", "positive"}}).value_or(0);
  const double negative =
      m.value("canhose_obd_answers_total", {{"result", "negative"}}).value_or(0);
  const double timeouts = m.value("canhose_obd_timeouts_total").value_or(0);
  json_["obd"] = {{"link_open", link},
                  {"discovery_done", discovered},
                  {"vin_read", vin},
                  {"polled_pids", whole(polled)},
                  {"unsupported_pids", whole(unsupported)},
                  {"requests", whole(requests)},
                  {"positive_answers", whole(positive)},
                  {"negative_answers", whole(negative)},
                  {"timeouts", whole(timeouts)}};
  std::string text = link ? "link open" : "link CLOSED";
  text += discovered ? ", polling " + count(polled) + " PIDs (" + count(unsupported) +
                           " configured PIDs unsupported)"
                     : ", discovering supported PIDs";
  text += vin ? ", VIN read" : ", VIN not read";
  text += "; " + count(requests) + " requests, " + count(positive) + " answers, " +
          count(negative) + " negative (NRC), " + count(timeouts) + " timeouts";
  if (!link) {
    problems_.push_back("the OBD-II CAN socket is not open (sources.obd.interface)");
  }
  add("OBD-II", text);
}

std::string StatusReport::text() const {
  std::size_t width = 0;
  for (const Line& l : lines_) {
    width = std::max(width, l.subject.size());
  }
  std::string out;
  for (const Line& l : lines_) {
    if (l.subject.empty()) {
      out += l.text + "\n";
      continue;
    }
    out += l.subject + ":" + std::string(width - l.subject.size() + 2, ' ') + l.text + "\n";
  }
  if (problems_.empty()) {
    out += "Health: OK\n";
  } else {
    out += "Health: DEGRADED\n";
    for (const auto& p : problems_) {
      out += "  - " + p + "\n";
    }
  }
  return out;
}

}  // namespace canhose::cli
