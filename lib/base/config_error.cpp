#include "base/config_error.hpp"

#include <algorithm>
#include <tuple>

namespace canhose::base {

std::string ConfigError::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ':' + std::to_string(line) + ':' + std::to_string(column);
  }
  out += ": ";
  if (!key_path.empty()) {
    out += key_path + ": ";
  }
  out += message;
  return out;
}

std::string format_errors(const ConfigErrors& errors) {
  ConfigErrors sorted = errors;
  std::stable_sort(sorted.begin(), sorted.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  std::string out;
  for (const ConfigError& e : sorted) {
    out += e.to_string();
    out += '\n';
  }
  return out;
}

}  // namespace canhose::base
