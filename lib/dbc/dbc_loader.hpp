#pragma once
// Loads the DBC file a configuration names (sources.can.dbc_file) into a decoder, for
// canhosed and for `canhose alerts test`, which must decode frames the same way.

#include <optional>
#include <string>
#include <vector>

#include "dbc/dbc_decoder.hpp"
#include "dbc/dbc_options.hpp"

namespace canhose::dbc {

struct LoadedDecoder {
  std::optional<DbcDecoder> decoder;  // empty when no DBC file is configured
  std::vector<std::string> warnings;  // "file:line: ..." the parser tolerated
  std::size_t messages = 0;
};

// Throws std::runtime_error listing every error (file:line) of a DBC file that has any.
LoadedDecoder load_decoder(const DbcOptions& options);

}  // namespace canhose::dbc
