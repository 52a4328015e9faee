// compile(): a recursive-descent parser over the lexer's tokens that writes the postfix
// program directly (no tree), tracking the evaluation stack depth and, for literals,
// their type so that arithmetic on a string literal is refused at once.

#include <charconv>
#include <cmath>

#include "alerts/detail/lexer.hpp"
#include "alerts/expression.hpp"
#include "base/units.hpp"

namespace canhose::alerts {
namespace {

using detail::Lexeme;
using detail::Token;

constexpr int kMaxNesting = 64;

// The static type of a sub-expression: a literal string is known, a field is not.
enum class Kind : unsigned char { number, string, any };

struct Failure {
  ExpressionError error;
};

class Parser {
 public:
  Parser(const std::vector<Lexeme>& tokens, Expression& out) : t_(tokens), e_(out) {}

  void parse_all() {
    parse_or();
    if (peek().kind != Token::end) {
      fail(peek().offset,
           "unexpected " + detail::describe(peek()) + " after a complete condition" +
               (peek().kind == Token::name || peek().kind == Token::number ? "; a missing and/or?"
                                                                           : ""));
    }
  }

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

  Kind parse_or() {
    Kind k = parse_and();
    while (at_keyword("or")) {
      next();
      parse_and();
      emit(Op::logical_or, -1);
      k = Kind::number;
    }
    return k;
  }

  Kind parse_and() {
    Kind k = parse_not();
    while (at_keyword("and")) {
      next();
      parse_not();
      emit(Op::logical_and, -1);
      k = Kind::number;
    }
    return k;
  }

  Kind parse_not() {
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

  Kind parse_comparison() {
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

  void check_arithmetic(const Lexeme& symbol, Kind left, Kind right) {
    if (left == Kind::string || right == Kind::string) {
      fail(symbol.offset, "\"" + symbol.text + "\" cannot apply to a string");
    }
  }

  Kind parse_additive() {
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

  Kind parse_multiplicative() {
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

  Kind parse_unary() {
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

  void enter() {
    if (++nesting_ > kMaxNesting) {
      fail(peek().offset, "the condition is nested too deeply");
    }
  }

  [[noreturn]] void expected_operand() {
    const Lexeme& here = peek();
    if (pos_ == 0) {
      fail(here.offset,
           "expected a field name, a number or \"(\", found " + detail::describe(here));
    }
    fail(here.offset, "expected a field name after \"" + t_[pos_ - 1].text + "\"");
  }

  Kind parse_primary() {
    const Lexeme& tok = peek();
    switch (tok.kind) {
      case Token::number: {
        next();
        double value = 0;
        const auto [end, ec] =
            std::from_chars(tok.text.data(), tok.text.data() + tok.text.size(), value);
        if (ec != std::errc{} || end != tok.text.data() + tok.text.size() ||
            !std::isfinite(value)) {
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

  Kind parse_call(const Lexeme& name);

  const std::vector<Lexeme>& t_;
  Expression& e_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  int nesting_ = 0;
};

struct Function {
  std::string_view name;
  Op op;
  bool windowed;  // takes (field, duration)
  std::string_view example;
};

constexpr Function kFunctions[] = {
    {"abs", Op::abs, false, "abs(delta(speed, 1s))"},
    {"rate", Op::rate, false, "rate(speed)"},
    {"changed", Op::changed, false, "changed(dtcs)"},
    {"delta", Op::delta, true, "delta(speed, 2s)"},
    {"avg", Op::average, true, "avg(speed, 10s)"},
    {"min", Op::minimum, true, "min(speed, 10s)"},
    {"max", Op::maximum, true, "max(speed, 10s)"},
};

Kind Parser::parse_call(const Lexeme& name) {
  const Function* f = nullptr;
  for (const Function& candidate : kFunctions) {
    if (candidate.name == name.text) {
      f = &candidate;
    }
  }
  if (f == nullptr) {
    fail(name.offset, "unknown function \"" + name.text +
                          "\" (known: abs, rate, delta, avg, min, max, changed)");
  }
  const std::string fname(f->name);
  const std::string usage = fname + "() takes " + (f->windowed ? "2 arguments" : "1 argument") +
                            ", e.g. " + std::string(f->example);
  next();  // "("
  enter();
  if (f->op == Op::abs) {
    if (at_symbol(")")) {
      fail(peek().offset, usage);
    }
    const Kind k = parse_or();
    check_arithmetic(name, k, Kind::number);
    if (!at_symbol(")")) {
      fail(peek().offset, at_symbol(",") ? usage : "expected \")\" after abs's argument");
    }
    next();
    --nesting_;
    emit(Op::abs, 0);
    return Kind::number;
  }
  const Lexeme& field = peek();
  if (at_symbol(")")) {
    fail(field.offset, usage);
  }
  if (field.kind != Token::name || !(t_[pos_ + 1].kind == Token::symbol &&
                                     (t_[pos_ + 1].text == "," || t_[pos_ + 1].text == ")"))) {
    fail(field.offset, fname + "() takes a field name, e.g. " + std::string(f->example));
  }
  next();
  const std::uint32_t index = field_index(field.text);
  std::int64_t window_ns = 0;
  if (f->windowed) {
    if (!at_symbol(",")) {
      fail(peek().offset, usage);
    }
    next();
    const Lexeme& window = peek();
    if (window.kind == Token::number) {
      fail(window.offset, "the window needs a unit, e.g. " + window.text + "s");
    }
    if (window.kind != Token::duration) {
      fail(window.offset,
           "expected a window such as 500ms, 2s or 1min, found " + detail::describe(window));
    }
    const std::optional<base::Duration> d = base::parse_duration(window.text);
    if (!d) {
      fail(window.offset,
           "\"" + window.text + "\" is not a duration: use e.g. 500ms, 2s, 1min or 1h");
    }
    if (d->count() <= 0) {
      fail(window.offset, "the window must be longer than 0");
    }
    next();
    window_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(*d).count();
  }
  if (!at_symbol(")")) {
    fail(peek().offset, usage);
  }
  next();
  --nesting_;
  if (f->op != Op::changed) {
    e_.windowed[index] = true;
    e_.window_ns[index] = std::max(e_.window_ns[index], window_ns);
  }
  emit(f->op, 1, index, window_ns);
  return Kind::number;
}

}  // namespace

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
    Parser parser(lexed.tokens, e);
    parser.parse_all();
  } catch (const Failure& f) {
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
