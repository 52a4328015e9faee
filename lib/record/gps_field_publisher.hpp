#pragma once
// Publishes GPS fixes into the FieldStore under the record field names:
//
//   gps_mode  1 no fix, 2 = 2D, 3 = 3D (integer)
//   lat, lon  degrees WGS84 (missing without a fix: never 0,0)
//   alt       metres above mean sea level (gpsd altMSL; 3D fixes only)
//   gps_speed km/h over ground (the unit of OBD-II speed, so the columns compare)
//   track     degrees from true north
//   gps_epx, gps_epy, gps_epv  error estimates in metres; gps_eps in km/h
//   gps_sats  satellites used (from gpsd's SKY report)
//
// Each value is stamped with the time the fix arrived, so record.field_max_age applies
// to the fix's age. A no-fix report clears every position field at once; fields a fix
// does not carry are cleared too (a missing value is never replaced by an older one).
// Wiring: gpsd_client.on_fix([&](const gps::GpsFix& f) { publisher.publish(f); });

#include <array>

#include "gps/gps_fix.hpp"
#include "record/field_store.hpp"

namespace canhose::record {

class GpsFieldPublisher {
 public:
  explicit GpsFieldPublisher(FieldStore& store);
  void publish(const gps::GpsFix& fix);

 private:
  enum Field { mode, lat, lon, alt, speed, track, epx, epy, epv, eps, sats, count };
  void set_or_clear(Field f, double value, FieldStore::Clock::time_point observed);

  FieldStore& store_;
  std::array<FieldId, count> ids_{};
};

}  // namespace canhose::record
