#pragma once
// Options of the gpsd source (YAML: sources.gps.*). Defaults are what a Raspberry Pi with
// a USB receiver and Debian's gpsd needs.

#include <chrono>
#include <cstdint>
#include <string>

#include "base/units.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::gps {

struct GpsdOptions {
  bool enabled = false;            // sources.gps.enabled
  std::string host = "127.0.0.1";  // sources.gps.host: gpsd's address or host name
  std::uint16_t port = 2947;       // sources.gps.port
  std::string device;              // sources.gps.device: watch only this device path
                                   // (e.g. /dev/ttyACM0); empty: every device gpsd has.
  base::Duration max_fix_age =
      std::chrono::seconds(5);  // sources.gps.max_fix_age: a fix
                                // older than this (no newer report) counts as no fix.
  base::Duration reconnect_min = std::chrono::seconds(1);   // sources.gps.reconnect_min
  base::Duration reconnect_max = std::chrono::seconds(30);  // sources.gps.reconnect_max
};

// Reads the `sources.gps` section of canhose.yaml into `options` (defaults: what it holds); each
// mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, GpsdOptions& options);

}  // namespace canhose::gps
