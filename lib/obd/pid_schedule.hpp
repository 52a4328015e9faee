#pragma once
// PidSchedule: what ObdPoller asks for next and when — each configured PID at its period,
// backed off after repeated failures, the VIN until it is read, the stored DTCs while the
// vehicle reports any, and discovery's retry interval. Bookkeeping only: no timers, no I/O; the
// caller passes the time. Internal to lib/obd.

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "obd/obd_options.hpp"
#include "obd/pid_table.hpp"

namespace canhose::obd {

class PidSchedule {
 public:
  using Clock = std::chrono::steady_clock;

  struct Entry {
    const PidDefinition* definition = nullptr;
    std::chrono::milliseconds period{};
    bool supported = false;
    Clock::time_point due{};
    std::uint32_t failures = 0;  // consecutive exchanges without a positive answer
  };

  // What to do next.
  struct Next {
    enum class What {
      vin,      // ask for the VIN now
      dtcs,     // ask for the stored DTCs (mode 03) now
      pid,      // ask for entries()[entry] now
      wait,     // nothing is due before `wake`
      nothing,  // nothing to ask for, ever
    };
    What what = What::nothing;
    std::size_t entry = 0;
    Clock::time_point wake{};
  };

  // One entry per options.pids, in order. The PIDs must have decoders (check_options).
  explicit PidSchedule(const ObdOptions& options);

  const std::vector<Entry>& entries() const { return entries_; }

  // Discovery is over and polling starts: `supports(pid)` says which PIDs the vehicle
  // supports; every entry is due at `now`, and the VIN too when it is wanted.
  template <typename Supports>  // bool(std::uint8_t pid)
  void start_polling(Supports supports, Clock::time_point now) {
    for (Entry& e : entries_) {
      e.supported = supports(e.definition->pid);
      e.due = now;
    }
    vin_due_ = now;
  }

  // The VIN when wanted and due, else the stored DTCs when wanted and due, else the earliest
  // due supported PID.
  Next next(Clock::time_point now) const;

  // The exchange for entries()[entry] ended with a positive answer: due again one period
  // after it was due (not before `now`). Returns true when the PID had been backed off.
  bool answered(std::size_t entry, Clock::time_point now);
  // It ended without one. Returns true when this failure starts the back-off: from
  // failures_before_backoff failures in a row the PID waits period * 2, * 4, ... up to
  // max_backoff (never less than its period).
  bool failed(std::size_t entry, Clock::time_point now);

  // Whether the PID is configured, supported and not backed off.
  bool answering(std::uint8_t pid) const;
  // Whether the PID is currently backed off after repeated failures.
  bool backed_off(std::uint8_t pid) const;

  // VIN: wanted until read; after a failed read asked again after vin_retry_initial, then
  // twice as long each time up to vin_retry_max.
  void want_vin(bool wanted) { vin_wanted_ = wanted; }
  void vin_read() { vin_wanted_ = false; }
  std::chrono::milliseconds vin_retry() const { return vin_retry_; }
  void vin_failed(Clock::time_point now);

  // Stored DTCs: read only while wanted (the monitor status reports the MIL on or DTCs
  // counted). `at_once` makes a read due now (the status changed); otherwise a wanted read
  // stays due dtc_interval after the previous one.
  void want_dtcs(bool wanted, bool at_once, Clock::time_point now);
  bool dtcs_wanted() const { return dtcs_wanted_; }
  // A read ended, answered or not: the next one is due after dtc_interval.
  void dtcs_read(Clock::time_point now) { dtcs_due_ = now + dtc_interval_; }

  // The wait before discovery asks again, doubling each time up to discovery_retry_max.
  std::chrono::milliseconds take_discovery_retry();

 private:
  std::uint32_t failures_before_backoff_;
  std::chrono::milliseconds max_backoff_;
  std::chrono::milliseconds discovery_retry_max_;
  std::chrono::milliseconds vin_retry_max_;
  std::vector<Entry> entries_;
  std::chrono::milliseconds discovery_retry_;
  bool vin_wanted_ = false;
  Clock::time_point vin_due_{};
  std::chrono::milliseconds vin_retry_;
  std::chrono::milliseconds dtc_interval_;
  bool dtcs_wanted_ = false;
  Clock::time_point dtcs_due_{};
};

}  // namespace canhose::obd
