#pragma once
// Options of the OBD-II poller (YAML section `sources.obd`). Defaults follow ISO 15765-4
// where it has a value and are generous where real vehicles are slower than the standard.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "obd/co2_estimator.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::obd {

struct PidPoll {
  std::uint8_t pid = 0;                    // a mode 01 PID with a decoder (pid_table.hpp)
  std::chrono::milliseconds period{1000};  // how often to ask for it
};

struct ObdOptions {
  bool enabled = false;
  std::string interface = "can0";
  // Functional (broadcast) request id. Answers come from 0x7E8-0x7EF; flow control for
  // ECU 0x7E8+n goes to 0x7E0+n (ISO 15765-4, 11-bit identifiers).
  std::uint32_t request_id = 0x7DF;
  // How long to wait for the answers to one request. ISO 15765-4 P2 is 50 ms; slow ECUs
  // and busy gateways need more.
  std::chrono::milliseconds response_timeout{100};
  // How long an ECU that answered 7F xx 78 (response pending) may take in total (P2*).
  std::chrono::milliseconds pending_timeout{5000};
  // ISO-TP N_Cr: the longest gap between consecutive frames of one multi-frame answer.
  std::chrono::milliseconds isotp_timeout{1000};
  // What to poll, each at its own period. Requests carry one PID each, never several:
  // old ECUs reject multi-PID requests (7F 01 12). PID 0x01 (monitor_status: MIL and DTC
  // count) is a status, so a slow period does; the stored DTCs follow from it.
  std::vector<PidPoll> pids = {{0x0D, std::chrono::seconds(1)},  {0x0C, std::chrono::seconds(1)},
                               {0x04, std::chrono::seconds(1)},  {0x11, std::chrono::seconds(1)},
                               {0x10, std::chrono::seconds(1)},  {0x5E, std::chrono::seconds(1)},
                               {0x05, std::chrono::seconds(10)}, {0x01, std::chrono::seconds(10)},
                               {0x2F, std::chrono::seconds(30)}, {0x46, std::chrono::seconds(30)}};
  // Stored DTCs (mode 03) are read only while PID 0x01 reports the MIL on or DTCs counted:
  // at once when that status changes, then every dtc_interval. A vehicle without DTCs is
  // never asked (no bus load).
  std::chrono::milliseconds dtc_interval{std::chrono::minutes(1)};
  // Read the VIN (mode 09 PID 02) at start when `vin` is empty.
  bool vin_read = true;
  std::string vin;  // a configured VIN; when set, the vehicle is not asked
  std::chrono::milliseconds vin_retry_initial{std::chrono::seconds(5)};
  std::chrono::milliseconds vin_retry_max{std::chrono::minutes(5)};
  // Publish "co2_g_per_s" derived from fuel rate (0x5E) or MAF (0x10).
  bool co2 = true;
  FuelType fuel_type = FuelType::gasoline;
  // A PID with no positive answer this many times in a row is polled less often:
  // period * 2, * 4, ... up to max_backoff, until it answers again.
  std::uint32_t failures_before_backoff = 3;
  std::chrono::milliseconds max_backoff{std::chrono::minutes(1)};
  // While no ECU answers the "PIDs supported" request (ignition off), ask again after
  // discovery_retry_initial, then twice as long each time up to discovery_retry_max.
  std::chrono::milliseconds discovery_retry_initial{std::chrono::seconds(1)};
  std::chrono::milliseconds discovery_retry_max{std::chrono::seconds(30)};
};

// Empty when the options are usable, otherwise what is wrong (for a start-up error).
std::string check_options(const ObdOptions& options);

// Reads the `sources.obd` section of canhose.yaml into `options` (defaults: what it holds); each
// mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, ObdOptions& options);

}  // namespace canhose::obd
