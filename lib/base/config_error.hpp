#pragma once

#include <string>
#include <vector>

namespace canhose::base {

// One mistake in a configuration file, located precisely enough to fix it without
// guessing: "/etc/canhose/canhose.yaml:12:5: queue.max_bytes: expected a size such as
// 64KiB or 512MiB, found "lots"". Line and column are 1-based; 0 means "the whole file".
struct ConfigError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string key_path;  // "queue.max_bytes", "sources.can.interfaces[1].name"; empty for the file
  std::string message;

  std::string to_string() const;
};

using ConfigErrors = std::vector<ConfigError>;

// All errors, one per line, in file order.
std::string format_errors(const ConfigErrors& errors);

}  // namespace canhose::base
