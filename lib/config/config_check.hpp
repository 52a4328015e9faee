#pragma once

#include <cstdio>
#include <filesystem>

namespace canhose::config {

// `--check-config FILE`: prints "ok" on `out`, or every mistake on `err`, one per line.
// Returns the exit code: 0 when the file is valid, 1 otherwise.
int check_config_file(const std::filesystem::path& path, std::FILE* out, std::FILE* err);

}  // namespace canhose::config
