#include "alerts/detail/field_store.hpp"

#include <algorithm>

namespace canhose::alerts::detail {

void SampleRing::push_back(Sample s) {
  if (size_ == capacity()) {
    std::vector<Sample> grown(std::max<std::size_t>(8, capacity() * 2));
    for (std::size_t i = 0; i < size_; ++i) {
      grown[i] = (*this)[i];
    }
    buffer_ = std::move(grown);
    head_ = 0;
  }
  buffer_[(head_ + size_) & (capacity() - 1)] = s;
  ++size_;
}

void SampleRing::pop_front() {
  head_ = (head_ + 1) & (capacity() - 1);
  --size_;
}

void FieldState::set_number(double value, std::int64_t data_time_ns, std::int64_t effective_ns) {
  changed = kind != Kind::number || number != value;
  kind = Kind::number;
  number = value;
  data_ns = data_time_ns;
  if (!keeps_history) {
    return;
  }
  if (history.size() == kMaxSamples) {
    history.pop_front();
  }
  history.push_back({effective_ns, value});
  while (history.size() > 2 && history.front().time_ns < effective_ns - horizon_ns) {
    history.pop_front();
  }
}

void FieldState::set_text(std::string_view value, std::int64_t data_time_ns) {
  changed = kind != Kind::string || text != value;
  kind = Kind::string;
  text.assign(value);
  data_ns = data_time_ns;
  history.clear();  // windowed functions read numbers only
}

void FieldState::clear() {
  kind = Kind::missing;
  changed = false;
  history.clear();
}

}  // namespace canhose::alerts::detail
