#include "queue/append_timeline.hpp"

#include <algorithm>

namespace canhose::queue {

AppendTimeline::AppendTimeline(std::size_t capacity, std::int64_t resolution_ms)
    : capacity_(std::max<std::size_t>(capacity, 4)), resolution_ms_(resolution_ms) {}

void AppendTimeline::mark(std::uint64_t next_seq, std::int64_t wall_ms) {
  if (!marks_.empty()) {
    Mark& last = marks_.back();
    if (next_seq == last.seq) {
      // Nothing appended since: records >= seq are younger than this later instant too.
      last.wall_ms = std::max(last.wall_ms, wall_ms);
      return;
    }
    if (wall_ms - last.wall_ms < resolution_ms_) {
      return;
    }
  }
  marks_.push_back({next_seq, wall_ms});
  if (marks_.size() > capacity_) {
    thin_out();
  }
}

void AppendTimeline::thin_out() {
  // Keep the first (the reach back in time) and every second one after it.
  std::deque<Mark> kept;
  for (std::size_t i = 0; i < marks_.size(); i += 2) {
    kept.push_back(marks_[i]);
  }
  if (kept.back().seq != marks_.back().seq) {
    kept.push_back(marks_.back());
  }
  marks_ = std::move(kept);
}

std::optional<std::int64_t> AppendTimeline::appended_after(std::uint64_t seq) const {
  // The newest mark with mark.seq <= seq: the record was appended after its time.
  auto it = std::upper_bound(marks_.begin(), marks_.end(), seq,
                             [](std::uint64_t s, const Mark& m) { return s < m.seq; });
  if (it == marks_.begin()) {
    return std::nullopt;
  }
  return std::prev(it)->wall_ms;
}

void AppendTimeline::forget_before(std::uint64_t ack_seq) {
  // Keep the newest mark <= ack_seq: it dates the oldest unacknowledged record.
  while (marks_.size() >= 2 && marks_[1].seq <= ack_seq) {
    marks_.pop_front();
  }
}

}  // namespace canhose::queue
