#pragma once
// Options of the gpsd source (YAML: sources.gps.*). Defaults are what a Raspberry Pi with
// a USB receiver and Debian's gpsd needs.

#include <chrono>
#include <cstdint>
#include <string>

#include "config/units.hpp"

namespace canhose::gps {

struct GpsdOptions {
  bool enabled = false;            // sources.gps.enabled
  std::string host = "127.0.0.1";  // sources.gps.host: gpsd's address or host name
  std::uint16_t port = 2947;       // sources.gps.port
  std::string device;              // sources.gps.device: watch only this device path
                                   // (e.g. /dev/ttyACM0); empty: every device gpsd has.
  config::Duration max_fix_age =
      std::chrono::seconds(5);  // sources.gps.max_fix_age: a fix
                                // older than this (no newer report) counts as no fix.
  config::Duration reconnect_min = std::chrono::seconds(1);   // sources.gps.reconnect_min
  config::Duration reconnect_max = std::chrono::seconds(30);  // sources.gps.reconnect_max
};

}  // namespace canhose::gps
