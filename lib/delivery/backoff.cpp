#include "delivery/backoff.hpp"

#include <algorithm>

namespace canhose::delivery {

Backoff::Backoff(config::Duration base, config::Duration max, std::uint64_t seed)
    : base_(std::max(base, config::Duration(1))), max_(std::max(max, base_)), random_(seed) {}

config::Duration Backoff::cap() const {
  // base * 2^attempt without overflow: stop doubling once max is reached.
  config::Duration c = base_;
  for (unsigned i = 0; i < attempt_ && c < max_; ++i) {
    c *= 2;
  }
  return std::min(c, max_);
}

config::Duration Backoff::next() {
  const config::Duration upper = cap();
  std::uniform_int_distribution<config::Duration::rep> pick(0, upper.count());
  if (upper < max_) {
    ++attempt_;
  }
  return config::Duration(pick(random_));
}

}  // namespace canhose::delivery
