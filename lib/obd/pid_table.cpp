#include "obd/pid_table.hpp"

#include <array>

namespace canhose::obd {

namespace {

using D = const std::uint8_t*;

double u8(D d) {
  return d[0];
}
double u16(D d) {
  return 256.0 * d[0] + d[1];
}
double percent(D d) {
  return d[0] * 100.0 / 255.0;
}
double celsius(D d) {
  return d[0] - 40.0;
}

// One line per PID: pid, field name, unit, data bytes, formula.
constexpr std::array<PidDefinition, 20> table{{
    // Byte A as it is (MIL in bit 7, DTC count below); ObdPoller publishes it as the
    // integer fields mil and dtc_count (dtc.hpp), never as one number.
    {0x01, "monitor_status", "", 4, u8},
    {0x04, "engine_load", "%", 1, percent},
    {0x05, "coolant_temp", "degC", 1, celsius},
    {0x0B, "intake_pressure", "kPa", 1, u8},
    {0x0C, "rpm", "rpm", 2, [](D d) { return u16(d) / 4.0; }},
    {0x0D, "speed", "km/h", 1, u8},
    {0x0E, "timing_advance", "deg", 1, [](D d) { return d[0] / 2.0 - 64.0; }},
    {0x0F, "intake_air_temp", "degC", 1, celsius},
    {0x10, "maf", "g/s", 2, [](D d) { return u16(d) / 100.0; }},
    {0x11, "throttle", "%", 1, percent},
    {0x1F, "run_time", "s", 2, u16},
    {0x2F, "fuel_level", "%", 1, percent},
    {0x31, "distance_since_clear", "km", 2, u16},
    {0x33, "baro_pressure", "kPa", 1, u8},
    {0x42, "module_voltage", "V", 2, [](D d) { return u16(d) / 1000.0; }},
    {0x44, "commanded_lambda", "ratio", 2, [](D d) { return u16(d) * 2.0 / 65536.0; }},
    {0x46, "ambient_temp", "degC", 1, celsius},
    {0x5C, "oil_temp", "degC", 1, celsius},
    {0x5E, "fuel_rate", "L/h", 2, [](D d) { return u16(d) / 20.0; }},
    {0xA6, "odometer", "km", 4,
     [](D d) { return ((256.0 * d[0] + d[1]) * 65536.0 + 256.0 * d[2] + d[3]) / 10.0; }},
}};

constexpr bool sorted_and_sane() {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].data_bytes < 1 || table[i].data_bytes > 4 || table[i].decode == nullptr) {
      return false;
    }
    if (i > 0 && table[i - 1].pid >= table[i].pid) {
      return false;
    }
  }
  return true;
}
static_assert(sorted_and_sane(), "PID table must be in PID order with 1..4 data bytes");

// PID -> table index + 1 (0 = none), so a lookup is one load.
constexpr std::array<std::uint8_t, 256> index = [] {
  std::array<std::uint8_t, 256> out{};
  for (std::size_t i = 0; i < table.size(); ++i) {
    out[table[i].pid] = static_cast<std::uint8_t>(i + 1);
  }
  return out;
}();

}  // namespace

std::span<const PidDefinition> pid_definitions() {
  return table;
}

const PidDefinition* find_pid(std::uint8_t pid) {
  const std::uint8_t i = index[pid];
  return i == 0 ? nullptr : &table[i - 1u];
}

const PidDefinition* find_pid(std::string_view name) {
  for (const PidDefinition& d : table) {
    if (d.name == name) {
      return &d;
    }
  }
  return nullptr;
}

std::vector<std::string_view> published_fields(std::uint8_t pid) {
  if (pid == 0x01) {
    return {"mil", "dtc_count", "dtcs"};
  }
  const PidDefinition* d = find_pid(pid);
  return d == nullptr ? std::vector<std::string_view>{} : std::vector<std::string_view>{d->name};
}

std::optional<DecodedValue> decode_mode01_response(std::uint8_t pid,
                                                   std::span<const std::uint8_t> payload) {
  const PidDefinition* d = find_pid(pid);
  if (d == nullptr || payload.size() < 2u + d->data_bytes || payload[0] != 0x41 ||
      payload[1] != pid) {
    return std::nullopt;
  }
  return DecodedValue{d, d->decode(payload.data() + 2)};
}

}  // namespace canhose::obd
