#include "record/record_format.hpp"

#include <array>
#include <utility>

namespace canhose::record {

std::optional<RecordFormat> parse_record_format(std::string_view text) {
  if (text == "space") {
    return RecordFormat::space;
  }
  if (text == "csv") {
    return RecordFormat::csv;
  }
  if (text == "jsonl") {
    return RecordFormat::jsonl;
  }
  return std::nullopt;
}

std::string_view to_string(RecordFormat format) {
  switch (format) {
    case RecordFormat::space:
      return "space";
    case RecordFormat::csv:
      return "csv";
    case RecordFormat::jsonl:
      return "jsonl";
  }
  return "?";
}

bool is_valid_missing_token(std::string_view token) {
  // pandas 1.5 default na_values, minus "" (it would merge columns in the space format)
  // and the ones holding a space or a separator.
  static constexpr std::array<std::string_view, 14> kPandasNa = {
      "NaN",  "nan",  "NA",   "N/A",  "n/a",    "NULL",    "null",
      "#N/A", "-NaN", "-nan", "<NA>", "1.#IND", "1.#QNAN", "#NA"};
  for (const auto na : kPandasNa) {
    if (token == na) {
      return true;
    }
  }
  return false;
}

int default_precision(std::string_view field) {
  static constexpr std::array<std::pair<std::string_view, int>, 24> kPrecision = {{
      {"lat", 7},
      {"lon", 7},
      {"alt", 1},
      {"speed", 1},
      {"gps_speed", 1},
      {"track", 1},
      {"gps_epx", 1},
      {"gps_epy", 1},
      {"gps_epv", 1},
      {"gps_eps", 1},
      {"rpm", 0},
      {"coolant_temp", 0},
      {"intake_temp", 0},
      {"ambient_temp", 0},
      {"engine_load", 1},
      {"throttle", 1},
      {"fuel_level", 1},
      {"maf", 2},
      {"fuel_rate", 2},
      {"co2_g_per_s", 3},
      {"co2_g_per_km", 1},
      {"baro", 0},
      {"intake_pressure", 0},
      {"gps_mode", 0},
  }};
  for (const auto& [name, digits] : kPrecision) {
    if (name == field) {
      return digits;
    }
  }
  return -1;
}

}  // namespace canhose::record
