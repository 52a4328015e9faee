// The HTTP Date header parser (lib/aws/http_date.cpp) on arbitrary bytes: any response's
// Date header reaches it, and the signing clock is corrected from it.
//
// Invariant checked beyond "no crash": an accepted date formats back to a date that
// parses to the same instant.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "aws/http_date.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string why;
  const auto parsed = canhose::aws::parse_http_date(text, &why);
  if (!parsed) {
    return 0;
  }
  const auto again = canhose::aws::parse_http_date(canhose::aws::format_http_date(*parsed));
  if (!again || *again != *parsed) {
    std::abort();  // the formatter and the parser disagree
  }
  return 0;
}
