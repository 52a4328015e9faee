#pragma once

#include "base/mapping_reader.hpp"
#include "config/config.hpp"

namespace canhose::config {

// Reads the whole document into `config`. One function per section; each names its
// keys, their defaults (already in `config`) and their checks.
void read_config(base::MappingReader& root, Config& config);

}  // namespace canhose::config
