#pragma once
// A RecordSink that behaves like the queue for the builder's purposes: it assigns
// consecutive sequences from a starting value, calls the content exactly once with an
// empty buffer, and can be told to refuse appends (queue full) without consuming a
// sequence.

#include <string>
#include <system_error>
#include <vector>

#include "record/record_sink.hpp"

namespace canhose::test {

class MemoryRecordSink final : public record::RecordSink {
 public:
  explicit MemoryRecordSink(std::uint64_t first_sequence = 1) : next_(first_sequence) {}

  record::AppendResult append(const record::RecordContent& content) override {
    if (refuse_ > 0) {
      --refuse_;
      return {std::make_error_code(std::errc::no_buffer_space), 0};
    }
    buffer_.clear();
    content.write(next_, buffer_);
    records.push_back(buffer_);
    sequences.push_back(next_);
    return {{}, next_++};
  }

  void refuse_next(int n) { refuse_ = n; }
  std::string joined() const {
    std::string all;
    for (const auto& r : records) {
      all += r;
    }
    return all;
  }

  std::vector<std::string> records;
  std::vector<std::uint64_t> sequences;

 private:
  std::uint64_t next_;
  int refuse_ = 0;
  std::string buffer_;
};

}  // namespace canhose::test
