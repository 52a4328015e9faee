#pragma once
// The engine's latest value of every input field, and for the fields that windowed
// functions read (rate, delta, avg, min, max), their recent numeric samples.
//
// History bound: a field keeps its samples of the last (longest window + max_age), at
// least its last two, and never more than kMaxSamples (16384, the oldest dropped): at
// 50 Hz that is 5 min 27 s, so a longer window over a 50 Hz field sees only its newest
// 16384 samples. Steady state allocates nothing: the ring grows to its peak and stays.
// Sample times are the engine's effective (monotonic) times; the latest value keeps
// its data time too, for staleness. Internal to alerts; single-threaded.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace canhose::alerts::detail {

struct Sample {
  std::int64_t time_ns = 0;  // effective time
  double value = 0;
};

// A growable ring buffer of samples, oldest first.
class SampleRing {
 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Sample& operator[](std::size_t i) const { return buffer_[(head_ + i) & (capacity() - 1)]; }
  const Sample& front() const { return (*this)[0]; }
  const Sample& back() const { return (*this)[size_ - 1]; }
  void push_back(Sample s);
  void pop_front();
  void clear() { head_ = size_ = 0; }

 private:
  std::size_t capacity() const { return buffer_.size(); }
  std::vector<Sample> buffer_;  // size is a power of two (or 0)
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

inline constexpr std::size_t kMaxSamples = 16384;

struct FieldState {
  enum class Kind : unsigned char { missing, number, string };
  Kind kind = Kind::missing;
  double number = 0;
  std::string text;
  std::int64_t data_ns = 0;  // the data time of the latest value
  bool changed = false;      // the latest update gave a different value (or the first one)
  bool keeps_history = false;
  std::int64_t horizon_ns = 0;  // how far back the history reaches
  SampleRing history;

  void set_number(double value, std::int64_t data_ns, std::int64_t effective_ns);
  void set_text(std::string_view value, std::int64_t data_ns);
  void clear();
};

}  // namespace canhose::alerts::detail
