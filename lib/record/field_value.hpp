#pragma once
// A value a source publishes for a record field: a number or a short string (VIN,
// gear name, DBC value-table text). Integers are kept apart from doubles so counters and
// ids print exactly.

#include <cstdint>
#include <string>
#include <variant>

namespace canhose::record {

using FieldValue = std::variant<double, std::int64_t, std::string>;

}  // namespace canhose::record
