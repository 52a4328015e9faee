// The condition language's functions: abs(x), rate(f), changed(f), and the windowed
// delta/avg/min/max(f, window), with their argument checks.

#include "alerts/detail/parser.hpp"
#include "base/units.hpp"

namespace canhose::alerts::detail {
namespace {

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

}  // namespace

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

}  // namespace canhose::alerts::detail
