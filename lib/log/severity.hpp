#pragma once

#include <optional>
#include <string_view>

namespace canhose::log {

// syslog/journald priorities, so the value is the journal's PRIORITY field as is.
enum class Severity : int {
  critical = 2,
  error = 3,
  warning = 4,
  notice = 5,
  info = 6,
  debug = 7,
};

std::string_view to_string(Severity s);
std::optional<Severity> severity_from_string(std::string_view name);

}  // namespace canhose::log
