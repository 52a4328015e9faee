#pragma once
// The condition language's parser: recursive descent over the lexer's tokens, writing
// the postfix program directly (no tree) and tracking the evaluation stack depth and,
// for literals, their type so that arithmetic on a string literal is refused at once.
// A mistake throws Failure, which compile() turns into its ExpressionError. Internal to
// alerts; expression_parser.cpp holds the grammar, expression_calls.cpp the functions.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "alerts/detail/lexer.hpp"
#include "alerts/expression.hpp"

namespace canhose::alerts::detail {

inline constexpr int kMaxNesting = 64;

// The static type of a sub-expression: a literal string is known, a field is not.
enum class Kind : unsigned char { number, string, any };

struct Failure {
  ExpressionError error;
};

class Parser {
 public:
  Parser(const std::vector<Lexeme>& tokens, Expression& out) : t_(tokens), e_(out) {}

  void parse_all();

 private:
  const Lexeme& peek() const { return t_[pos_]; }
  const Lexeme& next() { return t_[pos_++]; }
  bool at_symbol(std::string_view s) const {
    return peek().kind == Token::symbol && peek().text == s;
  }
  bool at_keyword(std::string_view s) const {
    return peek().kind == Token::keyword && peek().text == s;
  }
  [[noreturn]] void fail(std::size_t offset, std::string message) {
    throw Failure{ExpressionError{offset, std::move(message)}};
  }

  void emit(Op op, int stack_change, std::uint32_t arg = 0, std::int64_t window_ns = 0) {
    e_.code.push_back(Instruction{op, arg, window_ns});
    depth_ += stack_change;
    e_.max_stack = std::max(e_.max_stack, static_cast<std::size_t>(depth_));
  }

  std::uint32_t field_index(const std::string& name) {
    for (std::size_t i = 0; i < e_.fields.size(); ++i) {
      if (e_.fields[i] == name) {
        return static_cast<std::uint32_t>(i);
      }
    }
    e_.fields.push_back(name);
    e_.windowed.push_back(false);
    e_.window_ns.push_back(0);
    return static_cast<std::uint32_t>(e_.fields.size() - 1);
  }

  // The grammar, loosest first; each returns its sub-expression's static type.
  Kind parse_or();
  Kind parse_and();
  Kind parse_not();
  Kind parse_comparison();
  void check_arithmetic(const Lexeme& symbol, Kind left, Kind right);
  Kind parse_additive();
  Kind parse_multiplicative();
  Kind parse_unary();
  void enter();
  [[noreturn]] void expected_operand();
  Kind parse_primary();
  Kind parse_call(const Lexeme& name);  // expression_calls.cpp

  const std::vector<Lexeme>& t_;
  Expression& e_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  int nesting_ = 0;
};

}  // namespace canhose::alerts::detail
