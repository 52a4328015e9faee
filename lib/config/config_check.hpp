#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace canhose::config {

// The warnings about folders of `config`'s state directory (itself, the queue, the dead
// letters) that exist and are open to others; the daemon logs them at start.
std::vector<std::string> state_directory_warnings(const Config& config);

// `--check-config FILE`: prints "ok" on `out`, or every mistake on `err`, one per line.
// A valid file may also get warnings on `err` ("warning: ..."), the ones the daemon gives
// at start: a file holding AWS keys that others can read, a state directory open to
// others. Returns the exit code: 0 when the file is valid, 1 otherwise.
int check_config_file(const std::filesystem::path& path, std::FILE* out, std::FILE* err);

}  // namespace canhose::config
