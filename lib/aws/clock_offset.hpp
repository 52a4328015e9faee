#pragma once
// The time to sign requests with. SigV4 refuses requests more than 5 minutes off, and a
// Raspberry Pi has no real-time clock: at boot its clock can be days off until NTP or
// GPS time arrives. ClockOffset keeps a learned offset and gives now() = system clock +
// offset.
//
// Sources:
// - the Date header of any HTTP response (learn_from_http_date): 1 s resolution; the
//   server's time is compared with our clock at the midpoint of send and receive. It is
//   the time AWS judges signatures by, so it is the authority whenever it is fresh.
// - GPS time (learn_from_gps): accurate to well under a second; the gps part feeds it.
//   It is what a Pi without network has at boot. While a Date header was seen within
//   `server_time_authority` (10 min), a GPS time that disagrees with it by min_correction
//   or more is ignored, with a warning once per 10 minutes: a receiver replaying a log (gpsfake), a
//   GPS week rollover or a spoofed signal must not make every request fail its signature check.
// A correction is applied only when the new estimate differs from the current offset by
// at least `min_correction` (default 2 s: a Date header is quantised to 1 s and the round
// trip adds up to its half again), so normal jitter never moves the offset. Each applied
// correction is logged once, at notice level, with its size and source. When the system
// clock itself is corrected (NTP), the next response moves the offset back towards 0.
//
// What one server or one receiver says is not trusted blindly (a Date header of year 0997
// once moved the signing clock by 4.4e9 s):
// - a reference time before `earliest_plausible` (2024-01-01: no server or receiver that
//   tells the truth says it is earlier) or from `latest_plausible` (2100-01-01) on is
//   ignored, with a warning at most once per 10 minutes. The local clock may be anywhere
//   (a Pi without a real-time clock boots in 1970 or at its image's date).
//   That window is the whole guard: a plausible time is applied at once whatever the size
//   of the correction, because a Pi that booted in 1970 or at its image's date must sign
//   correctly from the single re-sign after a clock-skew error, and NTP setting the system
//   clock right must be followed by the next response. A server that lies within the
//   window can still move the clock; the next honest response moves it back.
//
// Thread-safe: the offset is one atomic, so the gps part may feed it from anywhere.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace canhose::aws {

class ClockOffset {
 public:
  using SystemNow = std::function<std::chrono::system_clock::time_point()>;
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

  static constexpr std::chrono::milliseconds default_min_correction{2000};
  // How long a Date header outranks GPS time.
  static constexpr std::chrono::minutes server_time_authority{10};
  // Reference times outside [earliest_plausible, latest_plausible) are ignored.
  static constexpr std::chrono::sys_days earliest_plausible{std::chrono::year{2024} /
                                                            std::chrono::January / 1};
  static constexpr std::chrono::sys_days latest_plausible{std::chrono::year{2100} /
                                                          std::chrono::January / 1};

  // The clocks are injectable for tests; the defaults are the real ones.
  explicit ClockOffset(std::chrono::milliseconds min_correction = default_min_correction,
                       SystemNow system_now = &std::chrono::system_clock::now,
                       SteadyNow steady_now = &std::chrono::steady_clock::now);

  // System clock + learned offset.
  std::chrono::system_clock::time_point now() const;
  // The learned offset (positive: our clock is behind the reference).
  std::chrono::milliseconds offset() const;

  // Learns from the Date header of a response to a request sent at `sent` and fully
  // received at `received` (steady clock). Returns true when the offset changed; false
  // for an unparsable or implausible header, or a difference below min_correction.
  bool learn_from_http_date(std::string_view date_header,
                            std::chrono::steady_clock::time_point sent,
                            std::chrono::steady_clock::time_point received);
  // Learns from a GPS fix: `gps_utc` is the UTC time the receiver reported and
  // `observed_at` the local system-clock time at which it was observed.
  bool learn_from_gps(std::chrono::system_clock::time_point gps_utc,
                      std::chrono::system_clock::time_point observed_at);
  // The general form: the reference clock read `reference` when the system clock read
  // `local`. `source` names it in the log line.
  bool learn(std::chrono::system_clock::time_point reference,
             std::chrono::system_clock::time_point local, std::string_view source);

 private:
  // False (with a warning at most once per server_time_authority) for a reference time
  // outside [earliest_plausible, latest_plausible).
  bool plausible(std::chrono::system_clock::time_point reference, std::string_view source);

  std::chrono::milliseconds min_correction_;
  SystemNow system_now_;
  SteadyNow steady_now_;
  std::atomic<std::int64_t> offset_ms_{0};
  // Steady-clock nanoseconds of the last parsable Date header; 0 = none yet.
  std::atomic<std::int64_t> last_server_time_ns_{0};
  // Steady-clock nanoseconds of the last "GPS disagrees" warning (one per authority period).
  std::atomic<std::int64_t> last_gps_warning_ns_{0};
  // Steady-clock nanoseconds of the last "implausible time" warning.
  std::atomic<std::int64_t> last_implausible_warning_ns_{0};
};

}  // namespace canhose::aws
