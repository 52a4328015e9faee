#pragma once
// The sequence numbers the reader has handed out and delivery has not acknowledged yet: one
// bit per number, in 64-bit words from the lowest one still in flight. A packed delivery has
// ~32,000 records read at a time; a list of them took 8 bytes each (0.25 MiB while
// draining) and a binary search per acknowledgement; this takes 4 KB and a bit operation.
//
// Numbers are added in increasing order (gaps are allowed: records skipped as damaged are
// never in flight); acknowledging a number not in flight, or twice, does nothing.

#include <bit>
#include <cstdint>
#include <deque>
#include <optional>

namespace canhose::queue {

class InFlightSet {
 public:
  // `seq` must be greater than every number added before.
  void add(std::uint64_t seq) {
    if (words_.empty()) {
      base_ = seq & ~std::uint64_t{63};
    }
    const std::uint64_t index = seq - base_;
    while (index / 64 >= words_.size()) {
      words_.push_back(0);
    }
    words_[index / 64] |= std::uint64_t{1} << (index % 64);
    ++count_;
  }

  // True if `seq` was in flight (it is not any more).
  bool acknowledge(std::uint64_t seq) {
    if (words_.empty() || seq < base_ || (seq - base_) / 64 >= words_.size()) {
      return false;
    }
    const std::uint64_t index = seq - base_;
    std::uint64_t& word = words_[index / 64];
    const std::uint64_t bit = std::uint64_t{1} << (index % 64);
    if ((word & bit) == 0) {
      return false;
    }
    word &= ~bit;
    --count_;
    while (!words_.empty() && words_.front() == 0) {
      words_.pop_front();
      base_ += 64;
    }
    return true;
  }

  // The lowest number still in flight.
  std::optional<std::uint64_t> first() const {
    if (words_.empty()) {
      return std::nullopt;
    }
    return base_ + static_cast<std::uint64_t>(std::countr_zero(words_.front()));
  }

  std::uint64_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

 private:
  std::deque<std::uint64_t> words_;  // front() is never 0
  std::uint64_t base_ = 0;           // the number of words_.front()'s lowest bit
  std::uint64_t count_ = 0;
};

}  // namespace canhose::queue
