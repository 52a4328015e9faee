#include "alerts/alert.hpp"

namespace canhose::alerts {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info:
      return "info";
    case Severity::warning:
      return "warning";
    case Severity::critical:
      return "critical";
  }
  return "warning";
}

std::optional<Severity> severity_from_string(std::string_view text) {
  for (const Severity s : {Severity::info, Severity::warning, Severity::critical}) {
    if (text == to_string(s)) {
      return s;
    }
  }
  return std::nullopt;
}

}  // namespace canhose::alerts
