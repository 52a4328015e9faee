#include "obd/co2_estimator.hpp"

namespace canhose::obd {

std::optional<FuelType> parse_fuel_type(std::string_view text) {
  if (text == "gasoline") {
    return FuelType::gasoline;
  }
  if (text == "diesel") {
    return FuelType::diesel;
  }
  return std::nullopt;
}

std::string_view to_string(FuelType f) {
  return f == FuelType::diesel ? "diesel" : "gasoline";
}

FuelProperties fuel_properties(FuelType f) {
  switch (f) {
    case FuelType::diesel:
      // EN 590 diesel: density 0.820-0.845 kg/L, 2.68 kg CO2 per litre; AFR 14.5.
      return {840.0, 2680.0, 14.5};
    case FuelType::gasoline:
      break;
  }
  // EN 228 petrol (E5): density 0.720-0.775 kg/L, 2.31 kg CO2 per litre; AFR 14.7.
  return {745.0, 2310.0, 14.7};
}

}  // namespace canhose::obd
