// The DBC keys of canhose.yaml, which live in the `sources.can` section.
#include "dbc/dbc_options.hpp"

#include "base/mapping_reader.hpp"

namespace canhose::dbc {

using base::MappingReader;

void read_options(MappingReader& r, DbcOptions& c) {
  r.value("dbc_file", c.file);
  r.value("j1939", c.j1939);
}

}  // namespace canhose::dbc
