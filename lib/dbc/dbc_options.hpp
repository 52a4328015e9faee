#pragma once
// Options of DBC decoding (YAML: sources.can.dbc_file, sources.can.j1939).

#include <string>

#include "dbc/dbc_decoder.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::dbc {

struct DbcOptions {
  // sources.can.dbc_file: the DBC to decode frames with; empty = no DBC decoding. A file
  // with errors refuses start-up (load_dbc_file lists them with line numbers).
  std::string file;
  // sources.can.j1939: match extended DBC messages by J1939 PGN, ignoring priority and
  // source address (see dbc_decoder.hpp).
  bool j1939 = false;

  DbcDecoderOptions decoder_options() const { return DbcDecoderOptions{j1939}; }
};

// Reads `sources.can.dbc_file` and `sources.can.j1939` into `options`; each mistake is
// reported on the reader with its key.
void read_options(base::MappingReader& reader, DbcOptions& options);

}  // namespace canhose::dbc
