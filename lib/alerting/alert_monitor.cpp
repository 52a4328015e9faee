#include "alerting/alert_monitor.hpp"

#include <array>
#include <cstdio>
#include <variant>

#include "alerting/alert_outbox.hpp"
#include "alerting/alert_text.hpp"
#include "log/logger.hpp"
#include "queue/queue.hpp"

namespace canhose::alerting {
namespace {

constexpr std::string_view kLog = "alerts";

double unix_seconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

std::string coordinate(double degrees) {
  char text[32];
  std::snprintf(text, sizeof text, "%.5f", degrees);
  return text;
}

}  // namespace

AlertMonitor::AlertMonitor(const alerts::EngineOptions& options, std::string vehicle,
                           Targets targets)
    : engine_(options), vehicle_(std::move(vehicle)), targets_(targets) {}

void AlertMonitor::update(std::string_view field, double value, std::int64_t time_ns) {
  if (const auto id = engine_.input(field)) {
    engine_.update(*id, value, time_ns);
  }
}

void AlertMonitor::update(std::string_view field, std::string_view value, std::int64_t time_ns) {
  if (const auto id = engine_.input(field)) {
    engine_.update(*id, value, time_ns);
  }
}

void AlertMonitor::clear(std::string_view field, std::int64_t time_ns) {
  if (const auto id = engine_.input(field)) {
    engine_.clear(*id, time_ns);
  }
}

void AlertMonitor::publish() {
  for (const auto& output : engine_.take_outputs()) {
    if (const auto* event = std::get_if<alerts::Event>(&output)) {
      on_event(*event);
    } else {
      on_alert(std::get<alerts::Alert>(output));
    }
  }
}

void AlertMonitor::on_event(const alerts::Event& event) {
  const std::string count = std::to_string(event.events_in_window);
  const std::string time = iso8601_ms(event.time_ns);
  const std::array<log::LogField, 3> fields{log::LogField{"RULE", event.rule},
                                            log::LogField{"COUNT", count},
                                            log::LogField{"EVENT_TIME", time}};
  log::logger().write(log::Severity::notice, kLog,
                      "event " + event.rule + " at " + time + " (" + count + " within the window)",
                      fields);
  to_stream(event_record(event, vehicle_));
}

void AlertMonitor::on_alert(const alerts::Alert& alert) {
  const std::string count = std::to_string(alert.count);
  const std::string time = iso8601_ms(alert.time_ns);
  const std::string within = human_span(alert.window_ns);
  const std::string lat = alert.position ? coordinate(alert.position->lat) : "";
  const std::string lon = alert.position ? coordinate(alert.position->lon) : "";
  std::vector<log::LogField> fields{{"RULE", alert.rule},
                                    {"SEVERITY", alerts::to_string(alert.severity)},
                                    {"COUNT", count},
                                    {"WITHIN", within},
                                    {"EVENT_TIME", time}};
  if (alert.position) {
    fields.push_back({"LAT", lat});
    fields.push_back({"LON", lon});
  }
  log::logger().write(
      log::Severity::warning, kLog,
      "alert " + alert.rule + " (" + std::string(alerts::to_string(alert.severity)) +
          "): " + alert.message + " [" + count +
          (alert.window_ns > 0 ? " events within " + within : " event") + ", last at " + time + "]",
      fields);
  if (targets_.outbox != nullptr) {
    targets_.outbox->push(alert, vehicle_);
  }
  to_stream(alert_record(alert, vehicle_));
}

void AlertMonitor::to_stream(const std::string& line) {
  if (targets_.stream == nullptr) {
    return;
  }
  std::string record = line;
  if (record.empty() || record.back() != '\n') {
    record.push_back('\n');
  }
  if (!targets_.stream->append(record).accepted()) {
    ++stream_refused_;
  }
}

void AlertMonitor::collect_metrics(std::vector<metrics::MetricFamily>& out) const {
  using metrics::MetricFamily;
  using metrics::MetricType;
  MetricFamily rules{"canhose_alerts_rules", "Alert rules evaluated.", MetricType::gauge, {}};
  rules.samples.push_back({{}, static_cast<double>(engine_.rule_count())});
  MetricFamily events{"canhose_alerts_events_total",
                      "Rule events: the condition became true (after its `for`).",
                      MetricType::counter,
                      {}};
  MetricFamily raised{"canhose_alerts_raised_total",
                      "Alerts raised: more events within the window than the rule allows.",
                      MetricType::counter,
                      {}};
  MetricFamily suppressed{"canhose_alerts_suppressed_total",
                          "Alerts not raised because the rule was within its cooldown.",
                          MetricType::counter,
                          {}};
  MetricFamily in_window{"canhose_alerts_events_in_window",
                         "The rule's events within its window, as of the latest data time.",
                         MetricType::gauge,
                         {}};
  MetricFamily last_alert{"canhose_alerts_last_alert_time_seconds",
                          "Data time (Unix seconds) of the rule's last alert.",
                          MetricType::gauge,
                          {}};
  for (const alerts::AlertEngine::RuleStatus& s : engine_.status()) {
    const std::vector<std::pair<std::string, std::string>> label{{"rule", s.name}};
    events.samples.push_back({label, static_cast<double>(s.events_total)});
    raised.samples.push_back({label, static_cast<double>(s.alerts_total)});
    suppressed.samples.push_back({label, static_cast<double>(s.suppressed_total)});
    in_window.samples.push_back({label, static_cast<double>(s.events_in_window)});
    if (s.last_alert_ns) {
      last_alert.samples.push_back({label, unix_seconds(*s.last_alert_ns)});
    }
  }
  MetricFamily refused{"canhose_alerts_stream_refused_total",
                       "Event and alert records the alerts stream's queue refused.",
                       MetricType::counter,
                       {}};
  refused.samples.push_back({{}, static_cast<double>(stream_refused_)});
  out.push_back(std::move(rules));
  out.push_back(std::move(events));
  out.push_back(std::move(raised));
  out.push_back(std::move(suppressed));
  out.push_back(std::move(in_window));
  out.push_back(std::move(last_alert));
  out.push_back(std::move(refused));
  if (targets_.stream != nullptr) {
    MetricFamily stream{"canhose_alerts_stream_info",
                        "The Firehose stream events and alerts are written to (alerts.stream).",
                        MetricType::gauge,
                        {}};
    stream.samples.push_back({{{"stream", targets_.stream_name}}, 1});
    out.push_back(std::move(stream));
  }
}

}  // namespace canhose::alerting
