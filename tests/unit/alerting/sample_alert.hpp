#pragma once
// An alert as the engine raises it, for the alerting tests: four events within five
// minutes, the first 100 s before `time_ns`, at a position in Berlin.

#include <cstdint>
#include <string>

#include "alerts/alert.hpp"

namespace canhose::alerting::testing {

inline constexpr std::int64_t kSecond = 1'000'000'000;

inline alerts::Alert sample_alert(std::string rule, std::int64_t time_ns,
                                  std::string message = "4 harsh brakings",
                                  alerts::Severity severity = alerts::Severity::critical) {
  alerts::Alert a;
  a.rule = std::move(rule);
  a.severity = severity;
  a.time_ns = time_ns;
  a.first_event_ns = time_ns - 100 * kSecond;
  a.count = 4;
  a.window_ns = 300 * kSecond;
  a.message = std::move(message);
  a.position = alerts::Position{52.52, 13.405};
  return a;
}

}  // namespace canhose::alerting::testing
