#pragma once
// SimulatedEngine: the values a running petrol engine reports, as functions of the time
// since the simulator started, so a test sees them change: the vehicle speed swings
// between 10 and 70 km/h over a minute, the engine speed and air flow follow it, the
// coolant warms up from 20 to 90 degC, and the fuel rate is what that air flow burns at
// stoichiometry. Everything is encoded as the raw mode 01 data bytes (SAE J1979).

#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

namespace canhose::test {

class SimulatedEngine {
 public:
  // The PIDs it answers (mode 01) and their data bytes at `elapsed` since start.
  std::map<std::uint8_t, std::vector<std::uint8_t>> pids(std::chrono::milliseconds elapsed) const;

  // Leave out fuel rate (0x5E), as many older vehicles do: CO2 then comes from MAF.
  bool fuel_rate = true;
};

}  // namespace canhose::test
