#include "record/gps_field_publisher.hpp"

namespace canhose::record {

GpsFieldPublisher::GpsFieldPublisher(FieldStore& store) : store_(store) {
  ids_[mode] = store_.id_of("gps_mode");
  ids_[lat] = store_.id_of("lat");
  ids_[lon] = store_.id_of("lon");
  ids_[alt] = store_.id_of("alt");
  ids_[speed] = store_.id_of("gps_speed");
  ids_[track] = store_.id_of("track");
  ids_[epx] = store_.id_of("gps_epx");
  ids_[epy] = store_.id_of("gps_epy");
  ids_[epv] = store_.id_of("gps_epv");
  ids_[eps] = store_.id_of("gps_eps");
  ids_[sats] = store_.id_of("gps_sats");
}

void GpsFieldPublisher::set_or_clear(Field f, double value,
                                     FieldStore::Clock::time_point observed) {
  if (gps::GpsFix::present(value)) {
    store_.publish(ids_[f], value, observed);
    tell(f, value);
  } else {
    store_.clear(ids_[f]);
    tell(f, std::nullopt);
  }
}

void GpsFieldPublisher::tell(Field f, std::optional<double> value) const {
  if (observer_) {
    observer_(store_.name_of(ids_[f]), value);
  }
}

void GpsFieldPublisher::publish(const gps::GpsFix& fix) {
  const auto t = fix.observed_steady;
  const std::int64_t mode_number = fix.mode == gps::FixMode::three_d ? 3
                                   : fix.mode == gps::FixMode::two_d ? 2
                                                                     : 1;
  store_.publish(ids_[mode], mode_number, t);
  tell(mode, static_cast<double>(mode_number));
  set_or_clear(lat, fix.latitude_deg, t);
  set_or_clear(lon, fix.longitude_deg, t);
  set_or_clear(alt, fix.altitude_msl_m, t);
  set_or_clear(speed, fix.speed_kmh(), t);
  set_or_clear(track, fix.track_deg, t);
  set_or_clear(epx, fix.epx_m, t);
  set_or_clear(epy, fix.epy_m, t);
  set_or_clear(epv, fix.epv_m, t);
  set_or_clear(eps, fix.eps_mps * 3.6, t);
  if (fix.has_fix() && fix.satellites_used) {
    store_.publish(ids_[sats], static_cast<std::int64_t>(*fix.satellites_used), t);
    tell(sats, static_cast<double>(*fix.satellites_used));
  } else {
    store_.clear(ids_[sats]);
    tell(sats, std::nullopt);
  }
}

}  // namespace canhose::record
