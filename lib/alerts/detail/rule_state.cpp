#include "alerts/detail/rule_state.hpp"

#include <chrono>

namespace canhose::alerts::detail {
namespace {

std::int64_t ns(base::Duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

}  // namespace

RuleState::RuleState(const RuleOptions& options, Expression expression, MessageTemplate message)
    : options_(options),
      expression_(std::move(expression)),
      message_(std::move(message)),
      for_ns_(ns(options.for_duration)),
      within_ns_(ns(options.within)),
      cooldown_ns_(ns(options.cooldown.value_or(options.within))) {}

std::uint32_t RuleState::events_in_window(std::int64_t effective_ns) const {
  if (within_ns_ == 0) {
    return !window_.empty() && window_.back().effective_ns == effective_ns ? 1 : 0;
  }
  std::uint32_t n = 0;
  for (auto it = window_.rbegin(); it != window_.rend(); ++it) {
    if (it->effective_ns <= effective_ns - within_ns_) {
      break;
    }
    n += it->effective_ns <= effective_ns ? 1 : 0;
  }
  return n;
}

RuleState::Outcome RuleState::observe(Truth truth, std::int64_t effective_ns,
                                      std::int64_t data_ns) {
  if (truth != Truth::yes) {
    holding_ = false;
    armed_ = armed_ || truth == Truth::no;
    return Outcome::none;
  }
  if (!holding_) {
    holding_ = true;
    holding_since_ = effective_ns;
  }
  if (!armed_ || effective_ns - holding_since_ < for_ns_) {
    return Outcome::none;
  }
  armed_ = false;

  // The event: into the window, the old ones out.
  if (within_ns_ == 0 || window_.size() == kMaxWindowEvents) {
    while (!window_.empty() && (within_ns_ == 0 || window_.size() >= kMaxWindowEvents)) {
      window_.pop_front();
    }
  }
  window_.push_back({effective_ns, data_ns});
  while (within_ns_ > 0 && window_.front().effective_ns <= effective_ns - within_ns_) {
    window_.pop_front();
  }
  last_count_ = static_cast<std::uint32_t>(window_.size());
  ++events_total;
  last_event_ns = data_ns;

  if (last_count_ <= options_.more_than) {
    return Outcome::event;
  }
  if (last_alert_effective_ && effective_ns - *last_alert_effective_ < cooldown_ns_) {
    ++suppressed_total;
    return Outcome::suppressed;
  }
  last_alert_effective_ = effective_ns;
  ++alerts_total;
  last_alert_ns = data_ns;
  return Outcome::alert;
}

}  // namespace canhose::alerts::detail
