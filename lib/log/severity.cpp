#include "log/severity.hpp"

namespace canhose::log {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::critical:
      return "critical";
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::notice:
      return "notice";
    case Severity::info:
      return "info";
    case Severity::debug:
      return "debug";
  }
  return "unknown";
}

std::optional<Severity> severity_from_string(std::string_view name) {
  for (Severity s : {Severity::critical, Severity::error, Severity::warning, Severity::notice,
                     Severity::info, Severity::debug}) {
    if (to_string(s) == name) {
      return s;
    }
  }
  return std::nullopt;
}

}  // namespace canhose::log
