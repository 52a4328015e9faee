#pragma once
// Reads a candump log file incrementally: a fixed 64 KiB buffer, one line at a time, so a
// log of any size costs the same memory. Malformed lines are counted, reported with their
// line number (log::warning, rate-limited, and last_error()), and skipped: never fatal.
//
// Interface names are interned: frames point to names owned by this reader (at most
// kMaxInterfaceNames distinct names; further names are delivered as "other"). They stay
// valid for the reader's lifetime, across rewind().

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "can/can_frame.hpp"
#include "can/candump_line.hpp"

namespace canhose::can {

struct CandumpReadStats {
  std::uint64_t lines = 0;      // lines read, including blank and malformed ones
  std::uint64_t frames = 0;     // frames returned
  std::uint64_t malformed = 0;  // lines skipped as malformed (blank lines are not counted)
};

class CandumpFileReader {
 public:
  static constexpr std::size_t kBufferSize = 64 * 1024;
  static constexpr std::size_t kMaxLineLength = 1024;  // longer lines are malformed
  static constexpr std::size_t kMaxInterfaceNames = 32;

  enum class Status { frame, end_of_file, io_error };

  CandumpFileReader() = default;
  ~CandumpFileReader();
  CandumpFileReader(const CandumpFileReader&) = delete;
  CandumpFileReader& operator=(const CandumpFileReader&) = delete;

  // Opens `path`; returns an error code (and sets last_error()) when it cannot.
  std::error_code open(const std::string& path);
  // Back to the first line (for looping replay). Statistics keep counting.
  std::error_code rewind();

  // The next valid frame. Malformed lines are skipped and counted.
  Status next(CanFrame& frame);

  const CandumpReadStats& stats() const { return stats_; }
  std::uint64_t line_number() const { return line_number_; }
  // The last malformed-line or I/O message: "file:12: expected '#' ...".
  const std::string& last_error() const { return last_error_; }
  const std::string& path() const { return path_; }

 private:
  // Sets `line` to the next line without newline; false at end of file or on error.
  bool next_line(std::string_view& line, Status& status);
  std::string_view intern(std::string_view name);
  void report(const std::string& message);

  int fd_ = -1;
  std::string path_;
  std::unique_ptr<char[]> buffer_;
  std::size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
  std::size_t end_ = 0;
  bool eof_ = false;
  bool skipping_long_line_ = false;
  std::uint64_t line_number_ = 0;
  CandumpReadStats stats_;
  std::string last_error_;
  std::string scratch_error_;
  std::vector<std::unique_ptr<std::string>> names_;
  std::string_view last_name_;  // one of names_
  CandumpLine parsed_;          // reused: no per-line construction
};

}  // namespace canhose::can
