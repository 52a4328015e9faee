#include "simulated_engine.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace canhose::test {

namespace {

std::vector<std::uint8_t> two_bytes(double raw) {
  const auto v = static_cast<std::uint16_t>(std::clamp(std::lround(raw), 0L, 65535L));
  return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v & 0xFF)};
}

std::uint8_t one_byte(double raw) {
  return static_cast<std::uint8_t>(std::clamp(std::lround(raw), 0L, 255L));
}

}  // namespace

std::map<std::uint8_t, std::vector<std::uint8_t>> SimulatedEngine::pids(
    std::chrono::milliseconds elapsed) const {
  const double t = static_cast<double>(elapsed.count()) / 1000.0;
  const double speed = std::round(40.0 + 30.0 * std::sin(2.0 * std::numbers::pi * t / 60.0));
  const double rpm = 800.0 + speed * 40.0;
  const double maf = 2.0 + speed * 0.2;                            // g/s of air
  const double fuel_l_per_h = maf / 14.7 / 745.0 * 3600.0;         // stoichiometric petrol
  const double coolant = std::min(90.0, 20.0 + t);                 // degC
  const double load = std::clamp(20.0 + speed * 0.8, 0.0, 100.0);  // %
  std::map<std::uint8_t, std::vector<std::uint8_t>> out;
  out[0x04] = {one_byte(load * 255.0 / 100.0)};
  out[0x05] = {one_byte(coolant + 40.0)};
  out[0x0C] = two_bytes(rpm * 4.0);
  out[0x0D] = {one_byte(speed)};
  out[0x10] = two_bytes(maf * 100.0);
  out[0x11] = {one_byte((10.0 + speed * 0.5) * 255.0 / 100.0)};
  out[0x2F] = {one_byte(62.0 * 255.0 / 100.0)};
  out[0x46] = {one_byte(18.0 + 40.0)};
  if (fuel_rate) {
    out[0x5E] = two_bytes(fuel_l_per_h * 20.0);
  }
  return out;
}

}  // namespace canhose::test
