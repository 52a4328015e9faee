// The configuration's size and duration parsers (lib/base/units.cpp) on arbitrary text:
// every "64MiB", "250ms" or "1h30m" in the YAML file goes through them. (The YAML loader
// itself links the whole schema and its parts; it is exercised by tests/unit/config.)
//
// Invariant checked beyond "no crash": a parsed value formats back to text that parses
// to the same value.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/units.hpp"

namespace base = canhose::base;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto d = base::parse_duration(text)) {
    const auto again = base::parse_duration(base::format_duration(*d));
    if (!again || *again != *d) {
      std::abort();
    }
  }
  if (const auto s = base::parse_byte_size(text)) {
    const auto again = base::parse_byte_size(base::format_byte_size(*s));
    if (!again || *again != *s) {
      std::abort();
    }
  }
  return 0;
}
