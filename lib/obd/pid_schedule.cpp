// PidSchedule: choosing the next OBD-II request, and the period, back-off and retry
// arithmetic behind it.
#include "obd/pid_schedule.hpp"

#include <algorithm>

namespace canhose::obd {

PidSchedule::PidSchedule(const ObdOptions& options)
    : failures_before_backoff_(options.failures_before_backoff),
      max_backoff_(options.max_backoff),
      discovery_retry_max_(options.discovery_retry_max),
      vin_retry_max_(options.vin_retry_max),
      discovery_retry_(options.discovery_retry_initial),
      vin_retry_(options.vin_retry_initial),
      dtc_interval_(options.dtc_interval) {
  for (const PidPoll& p : options.pids) {
    Entry e;
    e.definition = find_pid(p.pid);
    e.period = p.period;
    entries_.push_back(e);
  }
}

PidSchedule::Next PidSchedule::next(Clock::time_point now) const {
  if (vin_wanted_ && vin_due_ <= now) {
    return {Next::What::vin, 0, {}};
  }
  if (dtcs_wanted_ && dtcs_due_ <= now) {
    return {Next::What::dtcs, 0, {}};
  }
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].supported && (!best || entries_[i].due < entries_[*best].due)) {
      best = i;
    }
  }
  std::optional<Clock::time_point> wake;
  if (best) {
    const Entry& e = entries_[*best];
    if (e.due <= now) {
      return {Next::What::pid, *best, {}};
    }
    wake = e.due;
  }
  if (vin_wanted_ && (!wake || vin_due_ < *wake)) {
    wake = vin_due_;
  }
  if (dtcs_wanted_ && (!wake || dtcs_due_ < *wake)) {
    wake = dtcs_due_;
  }
  if (!wake) {
    return {Next::What::nothing, 0, {}};
  }
  return {Next::What::wait, 0, *wake};
}

bool PidSchedule::answered(std::size_t entry, Clock::time_point now) {
  Entry& e = entries_[entry];
  const bool was_backed_off = e.failures >= failures_before_backoff_;
  e.failures = 0;
  e.due = std::max(e.due + e.period, now);
  return was_backed_off;
}

bool PidSchedule::failed(std::size_t entry, Clock::time_point now) {
  Entry& e = entries_[entry];
  const Clock::time_point next = std::max(e.due + e.period, now);
  ++e.failures;
  if (e.failures < failures_before_backoff_) {
    e.due = next;
    return false;
  }
  const std::uint32_t doublings =
      std::min<std::uint32_t>(e.failures - failures_before_backoff_ + 1, 16);
  const std::chrono::milliseconds grown(e.period.count() << doublings);
  const std::chrono::milliseconds delay = std::max(e.period, std::min(grown, max_backoff_));
  e.due = now + delay;
  return e.failures == failures_before_backoff_;
}

bool PidSchedule::answering(std::uint8_t pid) const {
  return std::any_of(entries_.begin(), entries_.end(), [this, pid](const Entry& e) {
    return e.definition->pid == pid && e.supported && e.failures < failures_before_backoff_;
  });
}

bool PidSchedule::backed_off(std::uint8_t pid) const {
  for (const Entry& e : entries_) {
    if (e.definition->pid == pid) {
      return e.failures >= failures_before_backoff_;
    }
  }
  return false;
}

void PidSchedule::vin_failed(Clock::time_point now) {
  vin_due_ = now + vin_retry_;
  vin_retry_ = std::min(vin_retry_ * 2, vin_retry_max_);
}

void PidSchedule::want_dtcs(bool wanted, bool at_once, Clock::time_point now) {
  if (wanted && (at_once || !dtcs_wanted_)) {
    dtcs_due_ = now;
  }
  dtcs_wanted_ = wanted;
}

std::chrono::milliseconds PidSchedule::take_discovery_retry() {
  const std::chrono::milliseconds wait = discovery_retry_;
  discovery_retry_ = std::min(discovery_retry_ * 2, discovery_retry_max_);
  return wait;
}

}  // namespace canhose::obd
