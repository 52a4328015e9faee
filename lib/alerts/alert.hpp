#pragma once
// What the alert engine reports to the rest of canhose:
//   - an Event: a rule's condition went from not-true to true (its rising edge, after the
//     rule's `for` duration);
//   - an Alert: a rule's events in its window passed its count (`more_than` within
//     `within`), outside the rule's cooldown. The alert goes to SNS and into alerts.stream.
// Times are the data's own (CAN frame and GPS fix times, Unix nanoseconds), so a replay
// at any speed reports the same events and alerts with the same times.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace canhose::alerts {

enum class Severity : std::uint8_t { info, warning, critical };

std::string_view to_string(Severity severity);
std::optional<Severity> severity_from_string(std::string_view text);

struct Position {
  double lat = 0;
  double lon = 0;
};

struct Event {
  std::string rule;
  std::int64_t time_ns = 0;            // data time of the value that made it true
  std::uint32_t events_in_window = 0;  // events of the rule within its window, this one included
};

struct Alert {
  std::string rule;
  Severity severity = Severity::warning;
  std::int64_t time_ns = 0;          // data time of the event that raised it
  std::int64_t first_event_ns = 0;   // the earliest event counted in the window
  std::uint32_t count = 0;           // events in the window, the raising one included
  std::int64_t window_ns = 0;        // the rule's `within`
  std::string message;               // the rule's template, rendered at time_ns
  std::optional<Position> position;  // lat/lon at time_ns, when known and fresh
};

}  // namespace canhose::alerts
