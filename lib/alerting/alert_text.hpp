#pragma once
// What people and S3 read about an alert:
//   - sns_text(): the subject and message of the SNS Publish a person receives (mail, SMS,
//     chat), naming the vehicle, rule, severity, count and window, the event times, the
//     position and the rule's rendered message, and saying so when the alert waited in the
//     outbox (an outage) before it was sent;
//   - event_record() / alert_record(): one JSON line each for alerts.stream, delivered to
//     S3 beside the telemetry for later analysis (the same objects `canhose alerts test
//     --json` prints).
// Times are ISO 8601 UTC with milliseconds ("2026-12-08T01:02:03.456Z"). Pure functions:
// no I/O, no clock (the sending time is an argument), callable from any thread.

#include <cstdint>
#include <string>
#include <string_view>

#include "alerts/alert.hpp"

namespace canhose::alerting {

// An alert sent later than this after its own time gets the "raised at ..., sent at ..."
// line in its SNS message.
inline constexpr std::int64_t kDelayNoteAfterNs = 60'000'000'000;

struct SnsAlertText {
  // "canhose critical: bus_off on truck-17": printable ASCII only (other characters of
  // the rule or vehicle become '?'), no control characters, at most
  // aws::sns_max_subject_chars (cut to end in "...").
  std::string subject;
  // Plain UTF-8 text, at most aws::sns_max_message_bytes (cut on a character boundary).
  std::string message;
};

// The SNS subject and message for `alert` raised on `vehicle`, put into the outbox at
// `queued_ns` and sent at `sent_ns` (both wall-clock Unix nanoseconds): its delay is
// sent_ns - queued_ns. Not sent_ns - alert.time_ns: that is data time, which a replay with
// the log's timestamps, or a vehicle clock not yet set, puts anywhere.
SnsAlertText sns_text(const alerts::Alert& alert, std::string_view vehicle, std::int64_t queued_ns,
                      std::int64_t sent_ns);

// {"type":"event","vehicle":..,"rule":..,"time":"2026-12-08T01:02:03.456Z",
//  "events_in_window":2} and a newline.
std::string event_record(const alerts::Event& event, std::string_view vehicle);

// {"type":"alert","vehicle":..,"rule":..,"severity":"critical","time":..,"first_event":..,
//  "count":4,"within_s":300,"message":..,"lat":52.52,"lon":13.405} and a newline; lat and
// lon are left out when the position is unknown. within_s may have a fraction.
std::string alert_record(const alerts::Alert& alert, std::string_view vehicle);

// Unix nanoseconds as "2026-12-08T01:02:03.456Z" (rounded down to the millisecond).
std::string iso8601_ms(std::int64_t unix_ns);

// A span of time for people: "5min", "1min 30s", "2h 3min", "3d 4h", "45s", "250ms".
// At most two units, the larger first; the rest is rounded down. Negative spans are 0s.
std::string human_span(std::int64_t ns);

}  // namespace canhose::alerting
