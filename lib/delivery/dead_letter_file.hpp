#pragma once
// Records Firehose rejected as invalid (a per-record error that retrying cannot fix, or a
// request rejected as invalid down to a single record) are written here instead of being
// discarded: one JSON line each, fsynced before the queue is told the record is done.
//
//   {"time":"2026-11-25T18:00:00.123Z","stream":"fleet","record_ids":[41,42],
//    "error_code":"InvalidArgumentException","error_message":"...","data_base64":"..."}
//
// Files: <dir>/dead-letters.jsonl, rotated to dead-letters.jsonl.1 when it passes half of
// max_bytes, so the two together stay near max_bytes. Writing and fsync run on a worker
// thread; completions come back on the event loop.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "asio/asio.hpp"

namespace canhose::delivery {

struct DeadLetter {
  std::string stream;
  std::vector<std::uint64_t> record_ids;
  std::string error_code;
  std::string error_message;
  std::string data;
};

class DeadLetterFile {
 public:
  DeadLetterFile(asio::io_context& io, std::filesystem::path dir, std::uint64_t max_bytes);
  ~DeadLetterFile();
  DeadLetterFile(const DeadLetterFile&) = delete;
  DeadLetterFile& operator=(const DeadLetterFile&) = delete;

  // Appends and fsyncs; `done` runs on the event loop with the outcome. On error nothing
  // may be assumed written: the caller keeps the record.
  void append(DeadLetter letter, std::function<void(std::error_code)> done);

  const std::filesystem::path& path() const { return path_; }
  std::uint64_t written() const { return written_; }

  // The JSON line for a dead letter (exposed for tests); `now_ms` is Unix time in ms.
  static std::string to_json_line(const DeadLetter& letter, std::int64_t now_ms);

 private:
  std::error_code write_line(const std::string& line);  // worker thread

  asio::io_context& io_;
  std::filesystem::path dir_;
  std::filesystem::path path_;
  std::uint64_t max_bytes_;
  std::uint64_t written_ = 0;  // lines written, loop thread
  asio::thread_pool worker_{1};
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace canhose::delivery
