#pragma once
// Co2Estimator: tailpipe CO2 in grams per second from the engine's fuel rate (PID 0x5E,
// L/h) or, failing that, from its mass air flow (PID 0x10, g/s) assuming stoichiometric
// combustion. docs/obd.md derives the constants and states every assumption; in short:
//
//   from fuel rate:  co2 [g/s] = fuel_rate [L/h] * co2_per_litre [g/L] / 3600
//   from MAF:        co2 [g/s] = maf [g/s] / afr * co2_per_gram_fuel
//                    co2_per_gram_fuel = co2_per_litre / density
//
// The MAF path is an estimate: it assumes the engine burns at the stoichiometric ratio,
// which is close for a warm petrol engine in closed loop and badly wrong for a diesel at
// part load (lean, so it over-estimates) or any engine in fuel cut-off.

#include <cstdint>
#include <optional>
#include <string_view>

namespace canhose::obd {

enum class FuelType : std::uint8_t { gasoline, diesel };

std::optional<FuelType> parse_fuel_type(std::string_view text);  // "gasoline" | "diesel"
std::string_view to_string(FuelType f);

struct FuelProperties {
  double density_g_per_l;     // g of fuel per litre
  double co2_g_per_l;         // g of CO2 per litre burnt
  double stoichiometric_afr;  // kg of air per kg of fuel
  double co2_g_per_g() const { return co2_g_per_l / density_g_per_l; }
};

FuelProperties fuel_properties(FuelType f);

class Co2Estimator {
 public:
  explicit Co2Estimator(FuelType fuel) : fuel_(fuel_properties(fuel)) {}

  double from_fuel_rate(double litres_per_hour) const {
    return litres_per_hour * fuel_.co2_g_per_l / 3600.0;
  }
  double from_maf(double air_grams_per_second) const {
    return air_grams_per_second / fuel_.stoichiometric_afr * fuel_.co2_g_per_g();
  }
  const FuelProperties& fuel() const { return fuel_; }

 private:
  FuelProperties fuel_;
};

}  // namespace canhose::obd
