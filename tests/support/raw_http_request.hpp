#pragma once
// Parses the raw HTTP requests of the SigV4 test suites (tests/data/sigv4*/): a request
// line "METHOD URI HTTP/1.1" whose URI may hold spaces and raw UTF-8, header lines
// "Name:value", continuation lines (starting with whitespace) folded into the previous
// header's value with their line break kept, then an empty line and the body.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace canhose::test {

struct RawHttpRequest {
  std::string method;
  std::string path;   // before '?'
  std::string query;  // after '?', without it
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Throws std::runtime_error on a request it cannot read (a broken test file).
RawHttpRequest parse_raw_http_request(std::string_view text);

}  // namespace canhose::test
