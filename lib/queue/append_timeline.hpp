#pragma once
// AppendTimeline: when records were appended, to about a second, in bounded memory — so
// "age of the oldest undelivered record" is exact to a second instead of to a segment's
// age (segment_max_age, minutes).
//
// A mark (seq, wall_ms) says: the next sequence number was `seq` at `wall_ms`, so every
// record >= seq was appended after wall_ms. The queue's worker marks at most once per
// resolution (it wakes at least every second); while nothing is appended the newest
// mark's time just moves forward. At most `capacity` marks are kept: when full, every
// other one goes, so a backlog of weeks costs the same memory with coarser precision
// (the age reported is then still an upper bound, never younger than the truth).
// Marks wholly before the acknowledged sequence are dropped.
//
// Not thread-safe: the queue holds its mutex around every call.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace canhose::queue {

class AppendTimeline {
 public:
  explicit AppendTimeline(std::size_t capacity = 4096, std::int64_t resolution_ms = 1000);

  // Called with the queue's next sequence number and the wall clock.
  void mark(std::uint64_t next_seq, std::int64_t wall_ms);
  // The latest time known to be before record `seq` was appended; nullopt when the
  // timeline does not reach back that far (records from before a restart).
  std::optional<std::int64_t> appended_after(std::uint64_t seq) const;
  // Drops marks no longer needed to date records >= ack_seq.
  void forget_before(std::uint64_t ack_seq);

  std::size_t size() const { return marks_.size(); }

 private:
  struct Mark {
    std::uint64_t seq;
    std::int64_t wall_ms;
  };
  void thin_out();

  std::size_t capacity_;
  std::int64_t resolution_ms_;
  std::deque<Mark> marks_;
};

}  // namespace canhose::queue
