#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace canhose::https {

// An HTTP request as SigV4 sees it. The signer adds headers to it (X-Amz-Date,
// X-Amz-Security-Token, Authorization); the HTTPS client then sends exactly these
// headers. Header names keep the caller's case; the signer lower-cases for signing.
struct HttpRequest {
  std::string method;  // "POST"
  std::string path;    // raw, as sent: "/" or "/role-aliases/x/credentials"
  std::string query;   // raw, without '?': "" or "a=1&b=2"
  std::vector<std::pair<std::string, std::string>> headers;  // must include Host
  std::string_view payload;  // the body; hashed (SHA-256) by the signer

  void set_header(std::string name, std::string value);    // replaces a same-named one
  const std::string* header(std::string_view name) const;  // case-insensitive lookup
};

}  // namespace canhose::https
