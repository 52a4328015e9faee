#pragma once
// AIMD control of how hard delivery pushes: how many requests may be in flight, and
// the minimum spacing between request starts.
//
//  - throttled (ServiceUnavailableException, HTTP 429/503): halve the window; once
//    the window is 1, double the spacing instead (from `min_spacing_step` up to
//    `max_spacing`) — multiplicative decrease of the send rate;
//  - success: first shrink the spacing (halve it, to zero below the step), then grow
//    the window by one per full window of successes up to `max_window` — additive
//    increase.
// Pure arithmetic, no clock: the caller applies spacing with its own timer.

#include <cstdint>

#include "base/units.hpp"

namespace canhose::delivery {

class SendWindow {
 public:
  SendWindow(std::uint32_t max_window, base::Duration min_spacing_step, base::Duration max_spacing);

  std::uint32_t window() const { return window_; }
  base::Duration spacing() const { return spacing_; }
  bool throttled() const { return spacing_.count() > 0 || window_ < max_window_; }

  void on_success();
  void on_throttle();
  // The configured maximum changed (reload): clamp.
  void set_max_window(std::uint32_t max_window);

 private:
  std::uint32_t max_window_;
  base::Duration step_;
  base::Duration max_spacing_;
  std::uint32_t window_;
  std::uint32_t successes_in_window_ = 0;
  base::Duration spacing_{0};
};

}  // namespace canhose::delivery
