#include "delivery/send_window.hpp"

#include <algorithm>

namespace canhose::delivery {

SendWindow::SendWindow(std::uint32_t max_window, base::Duration min_spacing_step,
                       base::Duration max_spacing)
    : max_window_(std::max<std::uint32_t>(1, max_window)),
      step_(std::max(min_spacing_step, base::Duration(1))),
      max_spacing_(std::max(max_spacing, step_)),
      window_(max_window_) {}

void SendWindow::on_throttle() {
  successes_in_window_ = 0;
  if (window_ > 1) {
    window_ /= 2;
    return;
  }
  spacing_ = spacing_.count() == 0 ? step_ : std::min(spacing_ * 2, max_spacing_);
}

void SendWindow::on_success() {
  if (spacing_.count() > 0) {
    spacing_ /= 2;
    if (spacing_ < step_) {
      spacing_ = base::Duration(0);
    }
    return;
  }
  if (window_ < max_window_ && ++successes_in_window_ >= window_) {
    ++window_;
    successes_in_window_ = 0;
  }
}

void SendWindow::set_max_window(std::uint32_t max_window) {
  max_window_ = std::max<std::uint32_t>(1, max_window);
  window_ = std::min(window_, max_window_);
}

}  // namespace canhose::delivery
