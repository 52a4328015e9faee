#pragma once

#include <filesystem>

#include "config/config.hpp"

namespace canhose::service {

// Builds the running daemon from a checked configuration — the event loop, the metrics
// registry and each enabled component, in start order — runs it, and returns the exit
// code. The one place that knows which parts exist; each part stays ignorant of the
// others.
int run_service(const std::filesystem::path& config_path, config::Config config);

}  // namespace canhose::service
