#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>

#include "base/config_error.hpp"
#include "config/config.hpp"

namespace canhose::config {

inline constexpr const char* kDefaultConfigPath = "/etc/canhose/canhose.yaml";

struct LoadResult {
  Config config;              // meaningful only when ok()
  base::ConfigErrors errors;  // every mistake found, not just the first
  bool ok() const { return errors.empty(); }
};

// Reads and checks a configuration file, then fills defaults that come from the
// machine (device.id: the host name). Never throws for bad input.
LoadResult load_config_file(const std::filesystem::path& path);
// Same, for text already in memory; `file_label` names it in messages.
LoadResult parse_config_text(std::string_view text, const std::string& file_label);

// Every key path the schema knows ("queue.max_bytes", "sources.can.interfaces[].name").
std::set<std::string> known_config_keys();

}  // namespace canhose::config
