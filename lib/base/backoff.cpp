#include "base/backoff.hpp"

#include <algorithm>

namespace canhose::base {

Backoff::Backoff(base::Duration base, base::Duration max, std::uint64_t seed)
    : base_(std::max(base, base::Duration(1))), max_(std::max(max, base_)), random_(seed) {}

base::Duration Backoff::cap() const {
  // base * 2^attempt without overflow: stop doubling once max is reached.
  base::Duration c = base_;
  for (unsigned i = 0; i < attempt_ && c < max_; ++i) {
    c *= 2;
  }
  return std::min(c, max_);
}

base::Duration Backoff::next() {
  const base::Duration upper = cap();
  std::uniform_int_distribution<base::Duration::rep> pick(0, upper.count());
  if (upper < max_) {
    ++attempt_;
  }
  return base::Duration(pick(random_));
}

}  // namespace canhose::base
