#pragma once
// A tiny blocking HTTP/1.1 client for test code that talks to a server the test started on
// 127.0.0.1 or ::1 (the Firehose emulator's control endpoint). One request per connection
// ("Connection: close"), whole response read into memory. Plain TCP, or TLS through OpenSSL
// when `tls` is set: verified against `ca_file` when one is given, unverified otherwise
// (the test trusts the process it started). Not for product code: it blocks.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace canhose::test {

struct LoopbackHttpResponse {
  int status = 0;
  std::string body;
};

struct LoopbackHttpTarget {
  std::string host = "127.0.0.1";  // a literal loopback address
  std::uint16_t port = 0;
  bool tls = false;
  std::optional<std::filesystem::path> ca_file;
};

// Sends `method path` with `body` (Content-Type application/json when not empty). Throws
// std::runtime_error naming the phase (connect, TLS, send, receive, parse) on failure, or
// if the whole exchange takes longer than `limit`.
LoopbackHttpResponse loopback_http_request(
    const LoopbackHttpTarget& target, const std::string& method, const std::string& path,
    const std::string& body = {},
    std::chrono::milliseconds limit = std::chrono::milliseconds(30000));

}  // namespace canhose::test
