#pragma once
// One position/velocity/time report from the GPS, as canhose uses it.
//
// Invariants:
// - `mode == FixMode::none` means "no fix": latitude/longitude and every other measured
//   field are NaN (missing), never 0,0.
// - Any double may be NaN: the receiver did not report it. Use `present()` to test.
// - `time` is the UTC time the receiver stamped the fix with (millisecond precision);
//   it is empty when the receiver sent none. `observed` is this machine's
//   system_clock when the report arrived, so the age of a fix never depends on the
//   (possibly wrong) GPS or system clock alone being right: staleness is measured
//   with `observed_steady`.

#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

namespace canhose::gps {

enum class FixMode {
  none,  // no fix (gpsd mode 0 "not seen" or 1 "no fix"), or the fix went stale
  two_d,
  three_d,
};

std::string_view to_string(FixMode mode);

struct GpsFix {
  static constexpr double missing = std::numeric_limits<double>::quiet_NaN();
  static bool present(double v) { return std::isfinite(v); }

  FixMode mode = FixMode::none;
  // UTC time of the fix from the receiver, truncated to milliseconds.
  std::optional<std::chrono::sys_time<std::chrono::milliseconds>> time;
  double latitude_deg = missing;   // WGS84, valid only when mode >= two_d
  double longitude_deg = missing;  // WGS84, valid only when mode >= two_d
  // Altitude in metres, only when mode == three_d. altitude_hae_m is the height above
  // the WGS84 ellipsoid (gpsd altHAE); altitude_msl_m is above mean sea level (gpsd
  // altMSL, geoid model of the receiver or gpsd). Records use MSL ("alt").
  double altitude_hae_m = missing;
  double altitude_msl_m = missing;
  double speed_mps = missing;  // speed over ground, metres per second
  double track_deg = missing;  // course over ground, degrees from true north
  double climb_mps = missing;  // vertical speed, metres per second
  // gpsd's error estimates (95% confidence where the receiver says so).
  double ept_s = missing;    // time
  double epx_m = missing;    // longitude
  double epy_m = missing;    // latitude
  double epv_m = missing;    // vertical
  double eps_mps = missing;  // speed
  double eph_m = missing;    // horizontal position
  std::optional<int> satellites_used;

  // When this report reached canhose: wall clock (for logs and records) and monotonic
  // clock (for the staleness check, immune to clock steps).
  std::chrono::system_clock::time_point observed{};
  std::chrono::steady_clock::time_point observed_steady{};

  bool has_fix() const { return mode != FixMode::none; }
  double speed_kmh() const { return speed_mps * 3.6; }

  // A "no fix" report observed at the given instants (every measured field missing).
  static GpsFix no_fix(std::chrono::system_clock::time_point observed,
                       std::chrono::steady_clock::time_point observed_steady);
};

}  // namespace canhose::gps
