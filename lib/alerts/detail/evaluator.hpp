#pragma once
// Runs an Expression's postfix program over the engine's field states with a small
// value stack; see expression.hpp for the semantics (unknown values, Kleene logic).
// Internal to alerts. The stack is the caller's, reused between calls, so evaluating
// allocates nothing once it has reached the expression's max_stack.

#include <cstdint>
#include <string>
#include <vector>

#include "alerts/detail/field_store.hpp"
#include "alerts/expression.hpp"

namespace canhose::alerts::detail {

struct Value {
  enum class Kind : unsigned char { unknown, number, string };
  Kind kind = Kind::unknown;
  double number = 0;
  const std::string* text = nullptr;
};

enum class Truth : unsigned char { no, yes, unknown };

struct Evaluation {
  const std::vector<FieldState>* fields = nullptr;
  const std::uint32_t* field_ids = nullptr;  // expression field index -> index in *fields
  std::int64_t data_ns = 0;                  // the data time of the update being evaluated
  std::int64_t effective_ns = 0;             // the engine's effective time of that update
  std::int64_t max_age_ns = 0;
  std::uint32_t trigger = 0;  // the field whose update is being evaluated
};

// The latest value of a field, unknown when missing or stale (|data time difference|
// beyond max_age).
Value current(const FieldState& field, std::int64_t data_ns, std::int64_t max_age_ns);

Value evaluate(const Expression& expression, const Evaluation& at, std::vector<Value>& stack);
Truth truth(const Value& value);

}  // namespace canhose::alerts::detail
