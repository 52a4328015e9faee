#include "can/candump_file_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "can/candump_line.hpp"
#include "log/logger.hpp"

namespace canhose::can {

CandumpFileReader::~CandumpFileReader() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

std::error_code CandumpFileReader::open(const std::string& path) {
  if (fd_ >= 0) {
    ::close(fd_);
  }
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    const std::error_code ec(errno, std::generic_category());
    last_error_ = "cannot open candump log " + path + ": " + ec.message();
    return ec;
  }
  if (!buffer_) {
    buffer_ = std::make_unique<char[]>(kBufferSize);
  }
  begin_ = end_ = 0;
  eof_ = false;
  skipping_long_line_ = false;
  line_number_ = 0;
  return {};
}

std::error_code CandumpFileReader::rewind() {
  if (fd_ < 0) {
    return std::make_error_code(std::errc::bad_file_descriptor);
  }
  if (::lseek(fd_, 0, SEEK_SET) < 0) {
    const std::error_code ec(errno, std::generic_category());
    last_error_ = "cannot rewind candump log " + path_ + ": " + ec.message();
    return ec;
  }
  begin_ = end_ = 0;
  eof_ = false;
  skipping_long_line_ = false;
  line_number_ = 0;
  return {};
}

void CandumpFileReader::report(const std::string& message) {
  last_error_ = path_ + ":" + std::to_string(line_number_) + ": " + message;
  log::warning("replay", "skipping malformed candump line ", last_error_);
}

bool CandumpFileReader::next_line(std::string_view& line, Status& status) {
  for (;;) {
    const char* start = buffer_.get() + begin_;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    if (nl != nullptr) {
      const std::size_t n = static_cast<std::size_t>(nl - start);
      begin_ += n + 1;
      ++line_number_;
      ++stats_.lines;
      if (skipping_long_line_) {
        skipping_long_line_ = false;
        ++stats_.malformed;
        report("line longer than " + std::to_string(kMaxLineLength) + " bytes");
        continue;
      }
      line = std::string_view(start, n);
      return true;
    }
    if (eof_) {
      if (begin_ < end_ && !skipping_long_line_) {
        // A last line without newline.
        line = std::string_view(start, end_ - begin_);
        begin_ = end_;
        ++line_number_;
        ++stats_.lines;
        return true;
      }
      begin_ = end_;
      status = Status::end_of_file;
      return false;
    }
    // Move the partial line to the front and read more.
    if (end_ - begin_ > kMaxLineLength) {
      skipping_long_line_ = true;
      begin_ = end_ = 0;
    } else {
      std::memmove(buffer_.get(), start, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    const ssize_t got = ::read(fd_, buffer_.get() + end_, kBufferSize - end_);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      const std::error_code ec(errno, std::generic_category());
      last_error_ = "cannot read candump log " + path_ + ": " + ec.message();
      log::error("replay", last_error_);
      status = Status::io_error;
      return false;
    }
    if (got == 0) {
      eof_ = true;
    }
    end_ += static_cast<std::size_t>(got);
  }
}

CandumpFileReader::Status CandumpFileReader::next(CanFrame& frame) {
  if (fd_ < 0) {
    return Status::io_error;
  }
  Status status = Status::end_of_file;
  std::string_view line;
  while (next_line(line, status)) {
    if (!parse_candump_line(line, parsed_, scratch_error_)) {
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
        continue;  // blank lines are not frames, nor errors
      }
      ++stats_.malformed;
      report(scratch_error_);
      continue;
    }
    frame = parsed_.frame;
    frame.interface = intern(parsed_.interface);
    ++stats_.frames;
    return Status::frame;
  }
  return status;
}

namespace {

// Interface names are a few bytes: an inline loop beats a call to memcmp.
bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view CandumpFileReader::intern(std::string_view name) {
  // Logs hold one or a few interfaces: the last one first, then a short linear scan.
  if (same_name(last_name_, name)) {
    return last_name_;
  }
  for (const auto& n : names_) {
    if (same_name(*n, name)) {
      last_name_ = *n;
      return last_name_;
    }
  }
  if (names_.size() < kMaxInterfaceNames) {
    names_.push_back(std::make_unique<std::string>(name));
    last_name_ = *names_.back();
    return last_name_;
  }
  static const std::string other = "other";
  return other;
}

}  // namespace canhose::can
