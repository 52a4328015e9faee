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
#include <functional>
#include <optional>
#include <string_view>

#include "gps/gps_fix.hpp"
#include "record/field_store.hpp"

namespace canhose::record {

class GpsFieldPublisher {
 public:
  explicit GpsFieldPublisher(FieldStore& store);
  void publish(const gps::GpsFix& fix);

  // Also told every field publish() sets (a value) or clears (nullopt), in the order above:
  // the alert rules see GPS values as they arrive. Empty: nobody is told.
  using Observer = std::function<void(std::string_view field, std::optional<double> value)>;
  void set_observer(Observer observer) { observer_ = std::move(observer); }

 private:
  enum Field { mode, lat, lon, alt, speed, track, epx, epy, epv, eps, sats, count };
  void set_or_clear(Field f, double value, FieldStore::Clock::time_point observed);

  void tell(Field f, std::optional<double> value) const;

  FieldStore& store_;
  std::array<FieldId, count> ids_{};
  Observer observer_;
};

}  // namespace canhose::record
