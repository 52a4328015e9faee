#pragma once
// LineBatcher: `canhose put`'s input, read from a file descriptor (a file, a pipe, a
// terminal) and cut into PutRecordBatch-sized batches of records, one record per line.
//
// - A record is the line WITH its newline, so the S3 objects Firehose writes stay
//   line-delimited (as the course's producers send `line + "\n"`); a last line without a
//   newline gets one. Bytes are sent as read ("\r\n" stays "\r\n"); nothing is decoded.
// - Empty lines ("\n" alone) are skipped and counted, as Fluent Bit's tail input does: a
//   record of one newline carries nothing.
// - A batch holds at most `max_records` records, and its PutRecordBatch body (base64 and
//   JSON included) at most `max_body_bytes`, so a batch that fits here fits any Firehose.
// - A record over `max_record_bytes` (1,024,000: Firehose's limit, newline included) is an
//   error naming its line; the records before it are handed out first.
// - Bounded memory whatever the input: one batch, one read buffer and one line (at most
//   max_record_bytes) at a time; a longer line is refused without being read to its end.
// - When the input pauses (a producer piping a line now and then), a batch that is not
//   full goes out after `linger` without new input instead of waiting to fill up.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/put_record_batch_body.hpp"

namespace canhose::cli {

struct LineBatchLimits {
  std::size_t max_records = aws::max_batch_records;
  // The whole request body: the JSON around the records (`body_overhead_bytes`) plus
  // PutRecordBatchBody::encoded_record_size() of each record.
  std::size_t max_body_bytes = aws::max_batch_body_bytes;
  std::size_t body_overhead_bytes = 0;
  std::size_t max_record_bytes = aws::max_record_data_bytes;
  std::chrono::milliseconds linger{200};
};

// Records back to back in `data`; each knows the input line it came from (from 1).
struct LineBatch {
  struct Record {
    std::size_t offset = 0;
    std::size_t size = 0;
    std::uint64_t line = 0;
  };
  std::string data;
  std::vector<Record> records;

  std::string_view record(std::size_t i) const {
    return std::string_view(data).substr(records[i].offset, records[i].size);
  }
  void clear() {
    data.clear();
    records.clear();
  }
};

// Why the input stopped early: a line too long, or a read error.
struct LineInputError {
  std::uint64_t line = 0;  // the line it happened on
  std::string message;     // "line 7 is longer than ..."
};

class LineBatcher {
 public:
  // Reads `fd` (not owned; the caller closes it).
  LineBatcher(int fd, LineBatchLimits limits);

  // The next batch into `batch` (cleared first): full, or what came before the input
  // paused for `linger`, ended or failed. False, with `batch` empty, when nothing more is
  // to be sent: the end of the input, or error() (which may already be set while the
  // records before it are handed out).
  bool next(LineBatch& batch);

  const std::optional<LineInputError>& error() const { return error_; }
  std::uint64_t lines_read() const { return lines_; }  // empty ones included
  std::uint64_t empty_lines() const { return empty_lines_; }

 private:
  enum class Read { line, paused, end, failed };
  // The next line's bytes into line_ (its newline not included). `may_pause`: stop
  // waiting for input after `linger` (there is a batch to send meanwhile).
  Read read_line(bool may_pause);
  // More input into buffer_; false at the end of the input or on an error (error_ set).
  bool fill(bool may_pause, bool& paused);

  int fd_;
  LineBatchLimits limits_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::string line_;        // the line being read (possibly across reads)
  bool line_held_ = false;  // line_ is complete but did not fit the previous batch
  std::uint64_t lines_ = 0;
  std::uint64_t empty_lines_ = 0;
  std::optional<LineInputError> error_;
};

}  // namespace canhose::cli
