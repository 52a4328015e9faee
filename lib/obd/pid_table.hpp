#pragma once
// The mode 01 PIDs canhose decodes (SAE J1979 / ISO 15031-5 formulas). A is the first data
// byte after the PID, B the second, and so on. Adding a PID is one line in pid_table.cpp.
//
// Field names are the names records use ("speed", "rpm", ...); units are SI-ish strings
// as J1979 states them ("km/h", "degC", "%", "g/s", "L/h"). One PID is not a single
// number: 0x01 "monitor_status" decodes to its byte A, which the poller publishes as the
// fields mil and dtc_count (dtc.hpp).

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace canhose::obd {

struct PidDefinition {
  std::uint8_t pid = 0;
  std::string_view name;
  std::string_view unit;
  std::uint8_t data_bytes = 0;  // bytes after the PID in the response (1..4)
  double (*decode)(const std::uint8_t* data) = nullptr;  // reads exactly data_bytes bytes
};

// Every decodable PID, in PID order.
std::span<const PidDefinition> pid_definitions();
// nullptr when canhose has no decoder for `pid`.
const PidDefinition* find_pid(std::uint8_t pid);
const PidDefinition* find_pid(std::string_view name);

// The record fields that polling `pid` publishes: its name, or mil, dtc_count and dtcs for
// monitor_status (the stored codes are read when the status reports some). Empty when
// canhose has no decoder for `pid`.
std::vector<std::string_view> published_fields(std::uint8_t pid);

struct DecodedValue {
  const PidDefinition* definition = nullptr;
  double value = 0;
};

// Decodes a positive mode 01 response payload [0x41, pid, A, B, ...] for `pid`. nullopt if
// the payload is not a response to `pid`, is too short for the PID's formula, or the PID
// has no decoder. Extra bytes (padding, a second PID pair from a misbehaving ECU) are
// ignored.
std::optional<DecodedValue> decode_mode01_response(std::uint8_t pid,
                                                   std::span<const std::uint8_t> payload);

}  // namespace canhose::obd
