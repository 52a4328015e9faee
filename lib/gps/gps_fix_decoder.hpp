#pragma once
// Turns libgps's decoded state (struct gps_data_t, filled by gps_read()/gps_unpack())
// into a GpsFix. Pure: no I/O, so it is tested by unpacking gpsd's own JSON lines.

#include <gps.h>

#include <chrono>
#include <optional>

#include "gps/gps_fix.hpp"

namespace canhose::gps {

// True when the last unpacked message was a TPV report (libgps sets MODE_SET only then).
bool is_tpv_report(const gps_data_t& data);

// The fix in `data.fix`. A mode below 2D, or a 2D/3D fix whose latitude/longitude are not
// finite numbers in range, becomes "no fix" with every measured field missing.
// `satellites_used` comes from the latest SKY report (gpsd 3.22's TPV does not carry it).
GpsFix decode_fix(const gps_data_t& data, std::chrono::system_clock::time_point observed,
                  std::chrono::steady_clock::time_point observed_steady,
                  std::optional<int> satellites_used);

}  // namespace canhose::gps
