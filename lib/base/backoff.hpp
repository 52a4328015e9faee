#pragma once
// Exponential backoff with "full jitter" (AWS Architecture Blog, "Exponential Backoff
// and Jitter"): the n-th wait is uniform in [0, min(max, base * 2^n)]. Jitter spreads a
// fleet's retries after a shared outage instead of having every vehicle retry at once.

#include <cstdint>
#include <random>

#include "base/units.hpp"

namespace canhose::base {

class Backoff {
 public:
  Backoff(base::Duration base, base::Duration max, std::uint64_t seed = std::random_device{}());

  // The next wait, then doubles the cap (up to max).
  base::Duration next();
  // After a success: the next wait starts from base again.
  void reset() { attempt_ = 0; }

  unsigned attempts() const { return attempt_; }
  // The upper bound of the next wait.
  base::Duration cap() const;

 private:
  base::Duration base_;
  base::Duration max_;
  unsigned attempt_ = 0;
  std::mt19937_64 random_;
};

}  // namespace canhose::base
