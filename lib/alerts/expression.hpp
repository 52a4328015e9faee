#pragma once
// The rule condition language: `compile` turns a `when:` text into a flat postfix program
// (an Expression) or an ExpressionError with the byte offset of the offending character.
// It never throws.
//
//   or < and < not < comparison (< <= > >= == !=, not chained) < + - < * / < unary - <
//   primary: 123, 1.5, 1e3, true, false, "text", field.name, ( expr ), function(args)
//   functions: abs(x), rate(f), delta(f, 2s), avg(f, 10s), min(f, 10s), max(f, 10s),
//              changed(f); durations (500ms, 2s, 1min, 1h) only as window arguments.
//
// Values are numbers (true is 1, false 0; a number counts as true when it is not 0),
// strings (only == and != apply) or *unknown*. A field that is missing or stale is
// unknown, and so is arithmetic or a comparison with unknown, a division by zero, or
// arithmetic or ordering on a string. `and`/`or`/`not` follow Kleene's three-valued
// logic (false and unknown = false, true or unknown = true, not unknown = unknown). A
// rule's condition counts only when it is definitely true: a missing or stale value
// never raises an event.
//
// An Expression is a value type, immutable after compile; evaluating it (see
// detail/evaluator.hpp) reads fields through the indexes of `fields`.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace canhose::alerts {

enum class Op : std::uint8_t {
  number,  // push numbers[arg]
  string,  // push strings[arg]
  field,   // push the value of fields[arg]
  negate,
  add,
  subtract,
  multiply,
  divide,
  less,
  less_equal,
  greater,
  greater_equal,
  equal,
  not_equal,
  logical_and,
  logical_or,
  logical_not,
  abs,
  rate,     // of fields[arg]
  delta,    // of fields[arg] over window_ns
  average,  // of fields[arg] over window_ns
  minimum,
  maximum,
  changed,  // of fields[arg]
};

struct Instruction {
  Op op = Op::number;
  std::uint32_t arg = 0;
  std::int64_t window_ns = 0;
};

struct Expression {
  std::string source;
  std::vector<Instruction> code;        // postfix
  std::vector<std::string> fields;      // the field names it reads, in order of first use
  std::vector<bool> windowed;           // per field: read by rate/delta/avg/min/max
  std::vector<std::int64_t> window_ns;  // per field: its longest window (0 for rate only)
  std::vector<double> numbers;
  std::vector<std::string> strings;
  std::size_t max_stack = 0;  // the deepest the evaluation stack gets
};

struct ExpressionError {
  std::size_t offset = 0;  // byte offset into the source
  std::string message;
};

std::variant<Expression, ExpressionError> compile(std::string_view source);

// "    speed > 5 and and rpm\n                  ^" : the source and a caret under `offset`.
std::string caret_lines(std::string_view source, std::size_t offset);

}  // namespace canhose::alerts
