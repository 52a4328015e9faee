#pragma once

#include "config/config.hpp"
#include "config/mapping_reader.hpp"

namespace canhose::config {

// Reads the whole document into `config`. One function per section; each names its
// keys, their defaults (already in `config`) and their checks.
void read_config(MappingReader& root, Config& config);

}  // namespace canhose::config
