#include "gps/gps_fix.hpp"

namespace canhose::gps {

std::string_view to_string(FixMode mode) {
  switch (mode) {
    case FixMode::none:
      return "no fix";
    case FixMode::two_d:
      return "2D";
    case FixMode::three_d:
      return "3D";
  }
  return "?";
}

GpsFix GpsFix::no_fix(std::chrono::system_clock::time_point observed,
                      std::chrono::steady_clock::time_point observed_steady) {
  GpsFix fix;
  fix.observed = observed;
  fix.observed_steady = observed_steady;
  return fix;
}

}  // namespace canhose::gps
