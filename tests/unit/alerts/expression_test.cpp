// The condition language: precedence, literals, three-valued logic and every compile
// error with its offset and message.

#include "alerts/expression.hpp"

#include <gtest/gtest.h>

#include <map>
#include <variant>

#include "alerts/detail/evaluator.hpp"

namespace canhose::alerts {
namespace {

using detail::Truth;
using FieldValue = std::variant<std::monostate, double, std::string>;

constexpr std::int64_t kNow = 1'700'000'000'000'000'000;

Expression compiled(std::string_view source) {
  auto result = compile(source);
  if (auto* error = std::get_if<ExpressionError>(&result)) {
    ADD_FAILURE() << source << ": " << error->message << " at " << error->offset;
    return {};
  }
  return std::get<Expression>(std::move(result));
}

// Evaluates `source` with the given field values (all stamped kNow; absent = missing).
Truth eval(std::string_view source, const std::map<std::string, FieldValue>& values = {}) {
  const Expression e = compiled(source);
  std::vector<detail::FieldState> fields(e.fields.size());
  std::vector<std::uint32_t> ids;
  for (std::size_t i = 0; i < e.fields.size(); ++i) {
    ids.push_back(static_cast<std::uint32_t>(i));
    const auto it = values.find(e.fields[i]);
    if (it == values.end()) {
      continue;
    }
    if (const double* d = std::get_if<double>(&it->second)) {
      fields[i].set_number(*d, kNow, kNow);
    } else if (const std::string* s = std::get_if<std::string>(&it->second)) {
      fields[i].set_text(*s, kNow);
    }
  }
  std::vector<detail::Value> stack;
  const detail::Evaluation at{&fields, ids.data(), kNow, kNow, 5'000'000'000, 0};
  return detail::truth(detail::evaluate(e, at, stack));
}

ExpressionError error_of(std::string_view source) {
  auto result = compile(source);
  if (auto* error = std::get_if<ExpressionError>(&result)) {
    return *error;
  }
  ADD_FAILURE() << source << " compiled";
  return {};
}

TEST(ExpressionTest, ArithmeticPrecedence) {
  EXPECT_EQ(eval("1 + 2 * 3 == 7"), Truth::yes);
  EXPECT_EQ(eval("(1 + 2) * 3 == 9"), Truth::yes);
  EXPECT_EQ(eval("10 - 4 - 3 == 3"), Truth::yes);  // left-associative
  EXPECT_EQ(eval("12 / 3 / 2 == 2"), Truth::yes);
  EXPECT_EQ(eval("-2 * 3 == -6"), Truth::yes);
  EXPECT_EQ(eval("- -2 == 2"), Truth::yes);
  EXPECT_EQ(eval("2 - -3 == 5"), Truth::yes);
  EXPECT_EQ(eval("1e3 == 1000 and 1.5 * 2 == 3 and 2E-1 < 0.3"), Truth::yes);
}

TEST(ExpressionTest, LogicPrecedence) {
  // `and` binds tighter than `or`; `not` tighter than `and`, looser than comparisons.
  EXPECT_EQ(eval("true or true and false"), Truth::yes);
  EXPECT_EQ(eval("(true or true) and false"), Truth::no);
  EXPECT_EQ(eval("not 1 > 2"), Truth::yes);
  EXPECT_EQ(eval("not true and false"), Truth::no);
  EXPECT_EQ(eval("not (true and false)"), Truth::yes);
  EXPECT_EQ(eval("not not true"), Truth::yes);
  EXPECT_EQ(eval("1 + 1 > 1 and 2 * 2 >= 4 and 3 != 4 and 5 <= 5 and 1 < 2"), Truth::yes);
}

TEST(ExpressionTest, FieldsWithDotsAndStrings) {
  EXPECT_EQ(eval("can0.bus_state == 3", {{"can0.bus_state", 3.0}}), Truth::yes);
  EXPECT_EQ(eval("dtcs != \"\"", {{"dtcs", std::string("P0301 P0420")}}), Truth::yes);
  EXPECT_EQ(eval("dtcs != \"\"", {{"dtcs", std::string("")}}), Truth::no);
  EXPECT_EQ(eval("vin == \"WVW\\\"X\"", {{"vin", std::string("WVW\"X")}}), Truth::yes);
  // Ordering or arithmetic on a string from a field is unknown.
  EXPECT_EQ(eval("vin > 3", {{"vin", std::string("WVW")}}), Truth::unknown);
  EXPECT_EQ(eval("vin + 1 == 2", {{"vin", std::string("WVW")}}), Truth::unknown);
  EXPECT_EQ(eval("vin == 3", {{"vin", std::string("3")}}), Truth::unknown);
  const Expression e = compiled("a + b * a");
  EXPECT_EQ(e.fields, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(e.max_stack, 3u);
}

TEST(ExpressionTest, ThreeValuedLogic) {
  // speed is missing: unknown.
  EXPECT_EQ(eval("speed > 5"), Truth::unknown);
  EXPECT_EQ(eval("not speed > 5"), Truth::unknown);
  EXPECT_EQ(eval("speed > 5 and false"), Truth::no);
  EXPECT_EQ(eval("false and speed > 5"), Truth::no);
  EXPECT_EQ(eval("speed > 5 and true"), Truth::unknown);
  EXPECT_EQ(eval("speed > 5 or true"), Truth::yes);
  EXPECT_EQ(eval("true or speed > 5"), Truth::yes);
  EXPECT_EQ(eval("speed > 5 or false"), Truth::unknown);
  EXPECT_EQ(eval("speed + 1 == speed + 1"), Truth::unknown);
  EXPECT_EQ(eval("abs(speed) >= 0"), Truth::unknown);
  EXPECT_EQ(eval("-speed < 1"), Truth::unknown);
  // Division by zero is unknown, not infinity.
  EXPECT_EQ(eval("1 / 0 > 0"), Truth::unknown);
  EXPECT_EQ(eval("speed / rpm > 0", {{"speed", 5.0}, {"rpm", 0.0}}), Truth::unknown);
  EXPECT_EQ(eval("speed / rpm > 0", {{"speed", 5.0}, {"rpm", 2.0}}), Truth::yes);
  EXPECT_EQ(eval("abs(speed - 10) == 5", {{"speed", 5.0}}), Truth::yes);
}

struct ErrorCase {
  std::string_view source;
  std::size_t offset;
  std::string_view message;
};

TEST(ExpressionTest, EveryErrorHasItsOffsetAndMessage) {
  const ErrorCase cases[] = {
      {"", 0, "the condition is empty"},
      {"speed > 5 and and rpm > 3", 14, "expected a field name after \"and\""},
      {"speed >", 7, "expected a field name after \">\""},
      {") speed", 0, "expected a field name, a number or \"(\", found \")\""},
      {"(speed > 5", 10,
       "expected \")\" to close the \"(\" at offset 0, found the end of the expression"},
      {"speed > 5 rpm", 10, "unexpected \"rpm\" after a complete condition; a missing and/or?"},
      {"1 < speed < 3", 10, "comparisons do not chain: write a < b and b < c"},
      {"speed = 5", 6, "use == to compare (a single = is not an operator)"},
      {"a && b", 2, "write and instead of &&"},
      {"speed # 5", 6, "unexpected character \"#\""},
      {"vin == \"abc", 7, "this string is not closed: a \" is missing"},
      {"\"a\" < vin", 4, "\"<\" cannot order strings: only == and != apply"},
      {"\"a\" + 1 > 0", 4, "\"+\" cannot apply to a string"},
      {"-\"a\" == 1", 0, "\"-\" cannot apply to a string"},
      {"speed > 2s", 8, "a duration such as 2s is only allowed as a window, e.g. delta(speed, 2s)"},
      {"foo(speed) > 1", 0,
       "unknown function \"foo\" (known: abs, rate, delta, avg, min, max, changed)"},
      {"rate(speed + 1) > 1", 5, "rate() takes a field name, e.g. rate(speed)"},
      {"rate(3) > 1", 5, "rate() takes a field name, e.g. rate(speed)"},
      {"rate() > 1", 5, "rate() takes 1 argument, e.g. rate(speed)"},
      {"rate(speed, 2s) > 1", 10, "rate() takes 1 argument, e.g. rate(speed)"},
      {"changed(dtcs, 1s)", 12, "changed() takes 1 argument, e.g. changed(dtcs)"},
      {"delta(speed) < -12", 11, "delta() takes 2 arguments, e.g. delta(speed, 2s)"},
      {"delta(speed, 1s, 2s) < -12", 15, "delta() takes 2 arguments, e.g. delta(speed, 2s)"},
      {"avg(speed, 10) > 1", 11, "the window needs a unit, e.g. 10s"},
      {"max(speed, rpm) > 1", 11, "expected a window such as 500ms, 2s or 1min, found \"rpm\""},
      {"min(speed, 2x) > 1", 11, "\"2x\" is not a duration: use e.g. 500ms, 2s, 1min or 1h"},
      {"delta(speed, 0s) > 1", 13, "the window must be longer than 0"},
      {"abs() > 1", 4, "abs() takes 1 argument, e.g. abs(delta(speed, 1s))"},
      {"abs(a, b) > 1", 5, "abs() takes 1 argument, e.g. abs(delta(speed, 1s))"},
      {"abs(\"x\") > 1", 0, "\"abs\" cannot apply to a string"},
      {"1e999 > 1", 0, "the number 1e999 is out of range"},
  };
  for (const ErrorCase& c : cases) {
    const ExpressionError e = error_of(c.source);
    EXPECT_EQ(e.offset, c.offset) << c.source;
    EXPECT_EQ(e.message, c.message) << c.source;
  }
}

TEST(ExpressionTest, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = std::string(200, '(') + "1" + std::string(200, ')');
  EXPECT_EQ(error_of(deep).message, "the condition is nested too deeply");
  EXPECT_EQ(error_of(std::string(200, '-') + "1").message, "the condition is nested too deeply");
  std::string nots;
  for (int i = 0; i < 200; ++i) {
    nots += "not ";
  }
  EXPECT_EQ(error_of(nots + "true").message, "the condition is nested too deeply");
}

TEST(ExpressionTest, CaretLinesPointAtTheOffset) {
  EXPECT_EQ(caret_lines("speed > 5 and and rpm > 3", 14),
            "    speed > 5 and and rpm > 3\n                  ^");
  EXPECT_EQ(caret_lines("a >\nand b", 4), "    and b\n    ^");
  EXPECT_EQ(caret_lines("x", 1), "    x\n     ^");
}

}  // namespace
}  // namespace canhose::alerts
