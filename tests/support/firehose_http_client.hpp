#pragma once
// A blocking HTTP/1.1 keep-alive client for the ingest endpoint's tests and benchmark:
// Firehose API calls (POST / with X-Amz-Target) or any raw bytes, over TCP on loopback,
// TLS (verified against a test CA) or a Unix socket. Each read gives up after 30 s (the
// socket's receive timeout) so a broken server fails a test instead of hanging it. Not for
// product code: it blocks.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace canhose::test {

struct FirehoseHttpReply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  bool keep_alive = false;
  // The error code of an error answer (the part of __type after '#'), "" for a success.
  std::string error_code() const;
};

class FirehoseHttpClient {
 public:
  static FirehoseHttpClient tcp(std::uint16_t port, std::string host = "127.0.0.1");
  static FirehoseHttpClient tls(std::uint16_t port, const std::filesystem::path& ca_file);
  static FirehoseHttpClient unix_socket(const std::filesystem::path& path);
  FirehoseHttpClient(FirehoseHttpClient&&) noexcept;
  FirehoseHttpClient& operator=(FirehoseHttpClient&&) noexcept;
  ~FirehoseHttpClient();

  // POST / with X-Amz-Target: Firehose_20150804.<operation>; throws std::runtime_error when
  // the connection fails or closes before a whole response.
  FirehoseHttpReply call(std::string_view operation, std::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& extra = {});
  // Writes `bytes` as they are (ignoring a reset: the server may refuse while they are
  // still being written), then reads one response; nullopt when the server closes first.
  std::optional<FirehoseHttpReply> raw(std::string_view bytes);
  // Writes bytes without reading anything (a slow client's part of a request).
  void write(std::string_view bytes);
  // Whether the server closes the connection (end of file or reset) before sending
  // anything; false if it sends a byte, or after 30 s.
  bool closed_by_server();

  struct Impl;

 private:
  explicit FirehoseHttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A PutRecordBatch body for `records` (base64 with botocore's layout).
std::string put_record_batch_body(std::string_view stream, const std::vector<std::string>& records);

}  // namespace canhose::test
