// The Alerts block of `canhose status`: per rule the events within its window and its last
// alert; the SNS outbox's depth, the last alert sent, and the last SNS error in words.
#include <cmath>
#include <string>

#include "cli/status_report.hpp"

namespace canhose::cli {

void StatusReport::alerts(const PrometheusText& m, double now_s) {
  if (!m.has("canhose_alerts_rules")) {
    add("Alerts", "not configured (alerts.rules)");
    json_["alerts"] = nullptr;
    return;
  }
  nlohmann::json j = nlohmann::json::object();
  nlohmann::json rules = nlohmann::json::array();
  const auto whole = [](double v) { return static_cast<std::int64_t>(std::llround(v)); };
  std::string text = std::to_string(whole(m.value("canhose_alerts_rules").value_or(0))) + " rules";
  for (const PrometheusText::Sample& s : m.samples("canhose_alerts_events_in_window")) {
    const PrometheusText::Labels where{{"rule", s.labels.at("rule")}};
    const std::string& rule = s.labels.at("rule");
    nlohmann::json r = {
        {"rule", rule},
        {"events_in_window", whole(s.value)},
        {"events", whole(m.value("canhose_alerts_events_total", where).value_or(0))},
        {"alerts", whole(m.value("canhose_alerts_raised_total", where).value_or(0))}};
    std::string line = rule + ": " + std::to_string(whole(s.value)) + " events in the window";
    if (const auto last = m.value("canhose_alerts_last_alert_time_seconds", where)) {
      r["last_alert_time"] = *last;
      line += ", last alert " + format_utc(*last) + " (" + format_age(now_s - *last) + " ago)";
    } else {
      line += ", no alert yet";
    }
    rules.push_back(std::move(r));
    add("  Rule", line);
  }
  j["rules"] = std::move(rules);
  if (m.has("canhose_alerts_outbox_entries")) {
    const double outbox = m.value("canhose_alerts_outbox_entries").value_or(0);
    const double published = m.value("canhose_alerts_published_total").value_or(0);
    const double dropped = m.value("canhose_alerts_outbox_dropped_total").value_or(0);
    j["outbox_entries"] = whole(outbox);
    j["published"] = whole(published);
    j["outbox_dropped"] = whole(dropped);
    text += "; SNS: " + std::to_string(whole(published)) + " sent, " +
            std::to_string(whole(outbox)) + " waiting in the outbox";
    if (dropped > 0) {
      text += ", " + std::to_string(whole(dropped)) + " dropped (outbox full)";
    }
    const auto sent_at = m.value("canhose_alerts_last_published_time_seconds");
    if (sent_at) {
      j["last_published_time"] = *sent_at;
      text += ", last sent " + format_age(now_s - *sent_at) + " ago";
    }
    const auto error_at = m.value("canhose_alerts_last_error_time_seconds");
    if (error_at && (!sent_at || *error_at >= *sent_at)) {
      const std::string error = m.label("canhose_alerts_last_error_info", "error").value_or("");
      j["last_error"] = error;
      j["last_error_time"] = *error_at;
      if (outbox > 0) {
        problems_.push_back("alerts are not reaching SNS (" + std::to_string(whole(outbox)) +
                            " kept in the outbox): " + error);
      }
      text += "; last SNS error " + format_age(now_s - *error_at) + " ago: " + error;
    }
  } else {
    text += "; alerts.topic_arn not set: alerts go to the journal (and alerts.stream, if set)";
  }
  json_["alerts"] = std::move(j);
  // The summary goes before the per-rule lines added above.
  Line summary{"Alerts", text};
  auto first_rule = lines_.end();
  for (auto it = lines_.begin(); it != lines_.end(); ++it) {
    if (it->subject == "  Rule") {
      first_rule = it;
      break;
    }
  }
  lines_.insert(first_rule, std::move(summary));
}

}  // namespace canhose::cli
