// The ISO 8601 / RFC 3339 parser (lib/aws/iso8601_time.cpp) on arbitrary bytes: the
// expiration of IoT and container credentials comes from a server through it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/iso8601_time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string why;
  (void)canhose::aws::parse_iso8601_time(text, &why);
  return 0;
}
