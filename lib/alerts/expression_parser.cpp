// compile() and the grammar of the condition language (see detail/parser.hpp).

#include <charconv>
#include <cmath>

#include "alerts/detail/parser.hpp"
#include "alerts/expression.hpp"

namespace canhose::alerts {
namespace detail {

void Parser::parse_all() {
  parse_or();
  if (peek().kind != Token::end) {
    fail(peek().offset,
         "unexpected " + detail::describe(peek()) + " after a complete condition" +
             (peek().kind == Token::name || peek().kind == Token::number ? "; a missing and/or?"
                                                                         : ""));
  }
}

Kind Parser::parse_or() {
  Kind k = parse_and();
  while (at_keyword("or")) {
    next();
    parse_and();
    emit(Op::logical_or, -1);
    k = Kind::number;
  }
  return k;
}

Kind Parser::parse_and() {
  Kind k = parse_not();
  while (at_keyword("and")) {
    next();
    parse_not();
    emit(Op::logical_and, -1);
    k = Kind::number;
  }
  return k;
}

Kind Parser::parse_not() {
  if (at_keyword("not")) {
    next();
    enter();
    parse_not();
    --nesting_;
    emit(Op::logical_not, 0);
    return Kind::number;
  }
  return parse_comparison();
}

Kind Parser::parse_comparison() {
  const Kind left = parse_additive();
  static constexpr std::pair<std::string_view, Op> kOps[] = {
      {"<", Op::less},           {"<=", Op::less_equal}, {">", Op::greater},
      {">=", Op::greater_equal}, {"==", Op::equal},      {"!=", Op::not_equal}};
  for (const auto& [text, op] : kOps) {
    if (at_symbol(text)) {
      const Lexeme& symbol = next();
      const Kind right = parse_additive();
      const bool ordering = op != Op::equal && op != Op::not_equal;
      if (ordering && (left == Kind::string || right == Kind::string)) {
        fail(symbol.offset, "\"" + symbol.text + "\" cannot order strings: only == and != apply");
      }
      emit(op, -1);
      for (const auto& [other, unused] : kOps) {
        if (at_symbol(other)) {
          fail(peek().offset, "comparisons do not chain: write a < b and b < c");
        }
      }
      return Kind::number;
    }
  }
  return left;
}

void Parser::check_arithmetic(const Lexeme& symbol, Kind left, Kind right) {
  if (left == Kind::string || right == Kind::string) {
    fail(symbol.offset, "\"" + symbol.text + "\" cannot apply to a string");
  }
}

Kind Parser::parse_additive() {
  Kind k = parse_multiplicative();
  while (at_symbol("+") || at_symbol("-")) {
    const Lexeme& symbol = next();
    const Kind right = parse_multiplicative();
    check_arithmetic(symbol, k, right);
    emit(symbol.text == "+" ? Op::add : Op::subtract, -1);
    k = Kind::number;
  }
  return k;
}

Kind Parser::parse_multiplicative() {
  Kind k = parse_unary();
  while (at_symbol("*") || at_symbol("/")) {
    const Lexeme& symbol = next();
    const Kind right = parse_unary();
    check_arithmetic(symbol, k, right);
    emit(symbol.text == "*" ? Op::multiply : Op::divide, -1);
    k = Kind::number;
  }
  return k;
}

Kind Parser::parse_unary() {
  if (at_symbol("-")) {
    const Lexeme& symbol = next();
    enter();
    const Kind k = parse_unary();
    --nesting_;
    check_arithmetic(symbol, k, Kind::number);
    emit(Op::negate, 0);
    return Kind::number;
  }
  return parse_primary();
}

void Parser::enter() {
  if (++nesting_ > kMaxNesting) {
    fail(peek().offset, "the condition is nested too deeply");
  }
}

void Parser::expected_operand() {
  const Lexeme& here = peek();
  if (pos_ == 0) {
    fail(here.offset, "expected a field name, a number or \"(\", found " + detail::describe(here));
  }
  fail(here.offset, "expected a field name after \"" + t_[pos_ - 1].text + "\"");
}

Kind Parser::parse_primary() {
  const Lexeme& tok = peek();
  switch (tok.kind) {
    case Token::number: {
      next();
      double value = 0;
      const auto [end, ec] =
          std::from_chars(tok.text.data(), tok.text.data() + tok.text.size(), value);
      if (ec != std::errc{} || end != tok.text.data() + tok.text.size() || !std::isfinite(value)) {
        fail(tok.offset, "the number " + tok.text + " is out of range");
      }
      e_.numbers.push_back(value);
      emit(Op::number, 1, static_cast<std::uint32_t>(e_.numbers.size() - 1));
      return Kind::number;
    }
    case Token::string:
      next();
      e_.strings.push_back(tok.text);
      emit(Op::string, 1, static_cast<std::uint32_t>(e_.strings.size() - 1));
      return Kind::string;
    case Token::duration:
      fail(tok.offset, "a duration such as " + tok.text +
                           " is only allowed as a window, e.g. delta(speed, 2s)");
    case Token::keyword:
      if (tok.text == "true" || tok.text == "false") {
        next();
        e_.numbers.push_back(tok.text == "true" ? 1.0 : 0.0);
        emit(Op::number, 1, static_cast<std::uint32_t>(e_.numbers.size() - 1));
        return Kind::number;
      }
      expected_operand();
    case Token::name:
      next();
      if (at_symbol("(")) {
        return parse_call(tok);
      }
      emit(Op::field, 1, field_index(tok.text));
      return Kind::any;
    case Token::symbol:
      if (tok.text == "(") {
        next();
        enter();
        const Kind k = parse_or();
        --nesting_;
        if (!at_symbol(")")) {
          fail(peek().offset, "expected \")\" to close the \"(\" at offset " +
                                  std::to_string(tok.offset) + ", found " +
                                  detail::describe(peek()));
        }
        next();
        return k;
      }
      expected_operand();
    case Token::end:
      expected_operand();
  }
  expected_operand();
}

}  // namespace detail

std::variant<Expression, ExpressionError> compile(std::string_view source) {
  const detail::LexResult lexed = detail::lex(source);
  if (lexed.error) {
    return ExpressionError{lexed.error->offset, lexed.error->message};
  }
  Expression e;
  e.source = std::string(source);
  if (lexed.tokens.size() == 1) {
    return ExpressionError{0, "the condition is empty"};
  }
  try {
    detail::Parser parser(lexed.tokens, e);
    parser.parse_all();
  } catch (const detail::Failure& f) {
    return f.error;
  }
  return e;
}

std::string caret_lines(std::string_view source, std::size_t offset) {
  // The line of the source that holds `offset`, then the caret under it.
  std::size_t begin = source.rfind('\n', offset == 0 ? 0 : offset - 1);
  begin = (begin == std::string_view::npos || offset == 0) ? 0 : begin + 1;
  std::size_t end = source.find('\n', offset);
  if (end == std::string_view::npos) {
    end = source.size();
  }
  return "    " + std::string(source.substr(begin, end - begin)) + "\n    " +
         std::string(offset - begin, ' ') + "^";
}

}  // namespace canhose::alerts
