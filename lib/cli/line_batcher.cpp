#include "cli/line_batcher.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace canhose::cli {
namespace {

constexpr std::size_t kReadBytes = 64 * 1024;

}  // namespace

LineBatcher::LineBatcher(int fd, LineBatchLimits limits)
    : fd_(fd), limits_(limits), buffer_(kReadBytes) {}

bool LineBatcher::next(LineBatch& batch) {
  batch.clear();
  std::size_t body_bytes = limits_.body_overhead_bytes;
  while (!error_) {
    if (!line_held_) {
      const Read read = read_line(!batch.records.empty());
      if (read == Read::paused) {
        break;
      }
      if (read != Read::line) {
        break;  // the end of the input, or error_
      }
      ++lines_;
      if (line_.empty()) {
        ++empty_lines_;
        continue;
      }
    }
    const std::size_t record_bytes = line_.size() + 1;
    const std::size_t encoded = aws::PutRecordBatchBody::encoded_record_size(record_bytes);
    if (batch.records.size() >= limits_.max_records ||
        body_bytes + encoded > limits_.max_body_bytes) {
      if (batch.records.empty()) {
        error_ = LineInputError{lines_, "line " + std::to_string(lines_) + " (" +
                                            std::to_string(record_bytes) +
                                            " bytes with its newline) does not fit in one "
                                            "request of at most " +
                                            std::to_string(limits_.max_body_bytes) + " bytes"};
        break;
      }
      line_held_ = true;  // the first record of the next batch
      break;
    }
    line_held_ = false;
    body_bytes += encoded;
    batch.records.push_back({batch.data.size(), record_bytes, lines_});
    batch.data += line_;
    batch.data += '\n';
    line_.clear();
  }
  return !batch.records.empty();
}

LineBatcher::Read LineBatcher::read_line(bool may_pause) {
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    const std::size_t take = newline != nullptr ? newline - start : end_ - begin_;
    // The record is the line and its newline: refuse before holding more than that.
    if (line_.size() + take + 1 > limits_.max_record_bytes) {
      const std::uint64_t line = lines_ + 1;
      error_ = LineInputError{line, "line " + std::to_string(line) + " is longer than " +
                                        std::to_string(limits_.max_record_bytes - 1) +
                                        " bytes: a record (the line and its newline) is at most " +
                                        std::to_string(limits_.max_record_bytes) + " bytes"};
      return Read::failed;
    }
    line_.append(start, take);
    begin_ += take;
    if (newline != nullptr) {
      ++begin_;
      return Read::line;
    }
    bool paused = false;
    if (!fill(may_pause, paused)) {
      if (error_) {
        return Read::failed;
      }
      // A last line without a newline is a line too (it gets one).
      return line_.empty() ? Read::end : Read::line;
    }
    if (paused) {
      return Read::paused;  // line_ keeps what arrived of the next line
    }
  }
}

bool LineBatcher::fill(bool may_pause, bool& paused) {
  begin_ = end_ = 0;
  if (eof_) {
    return false;
  }
  if (may_pause) {
    pollfd p{fd_, POLLIN, 0};
    int ready = 0;
    do {
      ready = ::poll(&p, 1, static_cast<int>(limits_.linger.count()));
    } while (ready < 0 && errno == EINTR);
    if (ready == 0) {
      paused = true;
      return true;
    }
  }
  ssize_t n = 0;
  do {
    n = ::read(fd_, buffer_.data(), buffer_.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    const std::uint64_t line = lines_ + 1;
    error_ = LineInputError{
        line, "reading line " + std::to_string(line) + " failed: " + std::strerror(errno)};
    return false;
  }
  if (n == 0) {
    eof_ = true;
    return false;
  }
  end_ = static_cast<std::size_t>(n);
  return true;
}

}  // namespace canhose::cli
