#include "alerting/alert_text.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "aws/sns_api.hpp"
#include "record/timestamp_text.hpp"

namespace canhose::alerting {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kSecond = 1000 * kMs;

std::string dump(const nlohmann::json& object) {
  // Rule and vehicle names come from the configuration and the VIN: bytes that are not
  // UTF-8 become U+FFFD instead of making dump() throw.
  std::string line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line.push_back('\n');
  return line;
}

std::string fixed5(double value) {
  std::array<char, 32> text{};
  const int n = std::snprintf(text.data(), text.size(), "%.5f", value);
  return std::string(text.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
}

bool usable(const std::optional<alerts::Position>& position) {
  return position && std::isfinite(position->lat) && std::isfinite(position->lon);
}

}  // namespace

std::string iso8601_ms(std::int64_t unix_ns) {
  // Rounded down, also before 1970.
  std::int64_t ms = unix_ns / kMs;
  if (unix_ns % kMs < 0) {
    --ms;
  }
  record::TimestampText text;
  std::array<char, record::TimestampText::kMaxLength> out{};
  char* end = text.write_ms(
      out.data(), std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)));
  return std::string(out.data(), end);
}

std::string human_span(std::int64_t ns) {
  struct Unit {
    std::int64_t ns;
    const char* name;
  };
  static constexpr std::array<Unit, 5> units = {{{86'400 * kSecond, "d"},
                                                 {3'600 * kSecond, "h"},
                                                 {60 * kSecond, "min"},
                                                 {kSecond, "s"},
                                                 {kMs, "ms"}}};
  if (ns < kMs) {
    return "0s";
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (ns < units[i].ns) {
      continue;
    }
    std::string text = std::to_string(ns / units[i].ns) + units[i].name;
    // A second unit down to seconds; milliseconds only for spans under a second.
    if (units[i].ns > kSecond) {
      const std::int64_t rest = ns % units[i].ns / units[i + 1].ns;
      if (rest > 0) {
        text += " " + std::to_string(rest) + units[i + 1].name;
      }
    }
    return text;
  }
  return "0s";
}

SnsAlertText sns_text(const alerts::Alert& alert, std::string_view vehicle, std::int64_t queued_ns,
                      std::int64_t sent_ns) {
  const std::string severity(alerts::to_string(alert.severity));
  SnsAlertText text;
  text.subject = aws::make_valid_subject("canhose " + severity + ": " + alert.rule + " on " +
                                         std::string(vehicle));

  std::string m;
  m += "canhose alert on " + std::string(vehicle) + ": " + alert.rule + " (" + severity + ")\n";
  if (!alert.message.empty()) {
    m += alert.message + "\n";
  }
  m += "\n";
  m += "Vehicle:     " + std::string(vehicle) + "\n";
  m += "Rule:        " + alert.rule + "\n";
  m += "Severity:    " + severity + "\n";
  m += "Events:      " + std::to_string(alert.count) + (alert.count == 1 ? " event" : " events") +
       (alert.window_ns > 0 ? " within " + human_span(alert.window_ns) : std::string()) + "\n";
  m += "First event: " + iso8601_ms(alert.first_event_ns) + "\n";
  m += "Raised at:   " + iso8601_ms(alert.time_ns) + "\n";
  m += "Position:    " +
       (usable(alert.position) ? fixed5(alert.position->lat) + ", " + fixed5(alert.position->lon)
                               : std::string("position unknown")) +
       "\n";
  if (sent_ns - queued_ns > kDelayNoteAfterNs) {
    m += "\nraised at " + iso8601_ms(alert.time_ns) + ", sent at " + iso8601_ms(sent_ns) +
         " (delayed by " + human_span(sent_ns - queued_ns) +
         ": it waited on the vehicle until SNS could be reached)\n";
  }
  text.message = aws::make_valid_message(m);
  return text;
}

std::string event_record(const alerts::Event& event, std::string_view vehicle) {
  nlohmann::json j = nlohmann::json::object();
  j["type"] = "event";
  j["vehicle"] = std::string(vehicle);
  j["rule"] = event.rule;
  j["time"] = iso8601_ms(event.time_ns);
  j["events_in_window"] = event.events_in_window;
  return dump(j);
}

std::string alert_record(const alerts::Alert& alert, std::string_view vehicle) {
  nlohmann::json j = nlohmann::json::object();
  j["type"] = "alert";
  j["vehicle"] = std::string(vehicle);
  j["rule"] = alert.rule;
  j["severity"] = std::string(alerts::to_string(alert.severity));
  j["time"] = iso8601_ms(alert.time_ns);
  j["first_event"] = iso8601_ms(alert.first_event_ns);
  j["count"] = alert.count;
  if (alert.window_ns % kSecond == 0) {
    j["within_s"] = alert.window_ns / kSecond;
  } else {
    j["within_s"] = static_cast<double>(alert.window_ns) / static_cast<double>(kSecond);
  }
  j["message"] = alert.message;
  if (usable(alert.position)) {
    j["lat"] = alert.position->lat;
    j["lon"] = alert.position->lon;
  }
  return dump(j);
}

}  // namespace canhose::alerting
