#include "gps/gps_fix_decoder.hpp"

#include <cmath>

namespace canhose::gps {

namespace {

double finite_or_missing(double v) {
  return std::isfinite(v) ? v : GpsFix::missing;
}

}  // namespace

bool is_tpv_report(const gps_data_t& data) {
  return (data.set & MODE_SET) != 0;
}

GpsFix decode_fix(const gps_data_t& data, std::chrono::system_clock::time_point observed,
                  std::chrono::steady_clock::time_point observed_steady,
                  std::optional<int> satellites_used) {
  GpsFix fix = GpsFix::no_fix(observed, observed_steady);
  const gps_fix_t& f = data.fix;
  const bool position_valid = std::isfinite(f.latitude) && std::isfinite(f.longitude) &&
                              std::fabs(f.latitude) <= 90.0 && std::fabs(f.longitude) <= 180.0;
  if (f.mode < MODE_2D || !position_valid) {
    return fix;
  }
  fix.mode = f.mode >= MODE_3D ? FixMode::three_d : FixMode::two_d;
  if ((data.set & TIME_SET) != 0 && f.time.tv_sec > 0) {
    using namespace std::chrono;
    fix.time = sys_time<milliseconds>(seconds(f.time.tv_sec) +
                                      duration_cast<milliseconds>(nanoseconds(f.time.tv_nsec)));
  }
  fix.latitude_deg = f.latitude;
  fix.longitude_deg = f.longitude;
  if (fix.mode == FixMode::three_d) {
    fix.altitude_hae_m = finite_or_missing(f.altHAE);
    fix.altitude_msl_m = finite_or_missing(f.altMSL);
    fix.climb_mps = finite_or_missing(f.climb);
    fix.epv_m = finite_or_missing(f.epv);
  }
  fix.speed_mps = finite_or_missing(f.speed);
  fix.track_deg = finite_or_missing(f.track);
  fix.ept_s = finite_or_missing(f.ept);
  fix.epx_m = finite_or_missing(f.epx);
  fix.epy_m = finite_or_missing(f.epy);
  fix.eps_mps = finite_or_missing(f.eps);
  fix.eph_m = finite_or_missing(f.eph);
  fix.satellites_used = satellites_used;
  return fix;
}

}  // namespace canhose::gps
