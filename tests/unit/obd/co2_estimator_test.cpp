#include "obd/co2_estimator.hpp"

#include <gtest/gtest.h>

namespace canhose::obd {
namespace {

TEST(Co2Estimator, GasolineFromFuelRate) {
  const Co2Estimator e(FuelType::gasoline);
  // 3.6 L/h = 0.001 L/s; 0.001 L/s * 2310 g/L = 2.31 g/s
  EXPECT_NEAR(e.from_fuel_rate(3.6), 2.31, 1e-12);
  EXPECT_DOUBLE_EQ(e.from_fuel_rate(0.0), 0.0);
}

TEST(Co2Estimator, GasolineFromMafAssumesStoichiometricCombustion) {
  const Co2Estimator e(FuelType::gasoline);
  // 14.7 g/s air / 14.7 = 1 g/s fuel; 1 g/s * 2310/745 g CO2 per g fuel = 3.100671 g/s
  EXPECT_NEAR(e.from_maf(14.7), 2310.0 / 745.0, 1e-12);
  EXPECT_NEAR(e.from_maf(14.7), 3.100671, 1e-6);
  // 10 g/s: 10 / 14.7 = 0.680272 g/s fuel * 3.100671 = 2.109300 g/s
  EXPECT_NEAR(e.from_maf(10.0), 2.109300, 1e-6);
}

TEST(Co2Estimator, BothPathsAgreeForTheSameFuelFlow) {
  const Co2Estimator e(FuelType::gasoline);
  // 1 g/s of fuel is 3600/745 L/h; burnt stoichiometrically it needs 14.7 g/s of air.
  EXPECT_NEAR(e.from_fuel_rate(3600.0 / 745.0), e.from_maf(14.7), 1e-12);
}

TEST(Co2Estimator, DieselUsesItsOwnConstants) {
  const Co2Estimator e(FuelType::diesel);
  // 3.6 L/h -> 0.001 L/s * 2680 g/L = 2.68 g/s
  EXPECT_NEAR(e.from_fuel_rate(3.6), 2.68, 1e-12);
  // 14.5 g/s air -> 1 g/s fuel -> 2680/840 = 3.190476 g/s CO2
  EXPECT_NEAR(e.from_maf(14.5), 3.190476, 1e-6);
}

TEST(Co2Estimator, FuelTypeParsesFromItsConfigSpelling) {
  EXPECT_EQ(parse_fuel_type("gasoline"), FuelType::gasoline);
  EXPECT_EQ(parse_fuel_type("diesel"), FuelType::diesel);
  EXPECT_FALSE(parse_fuel_type("petrol"));
  EXPECT_EQ(to_string(FuelType::diesel), "diesel");
}

}  // namespace
}  // namespace canhose::obd
