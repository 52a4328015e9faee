#include "alerts/detail/evaluator.hpp"

#include <algorithm>
#include <cmath>

namespace canhose::alerts::detail {
namespace {

using Kind = Value::Kind;

Value number(double v) {
  return Value{Kind::number, v, nullptr};
}
Value boolean(bool b) {
  return number(b ? 1.0 : 0.0);
}
constexpr Value kUnknown{};

Value from_truth(Truth t) {
  return t == Truth::unknown ? kUnknown : boolean(t == Truth::yes);
}

Value arithmetic(Op op, const Value& a, const Value& b) {
  if (a.kind != Kind::number || b.kind != Kind::number) {
    return kUnknown;
  }
  switch (op) {
    case Op::add:
      return number(a.number + b.number);
    case Op::subtract:
      return number(a.number - b.number);
    case Op::multiply:
      return number(a.number * b.number);
    default:
      return b.number == 0 ? kUnknown : number(a.number / b.number);
  }
}

Value compare(Op op, const Value& a, const Value& b) {
  if (a.kind == Kind::unknown || b.kind == Kind::unknown) {
    return kUnknown;
  }
  if (a.kind == Kind::string || b.kind == Kind::string) {
    if (a.kind != b.kind) {
      return kUnknown;  // a string against a number: neither equal nor different
    }
    if (op == Op::equal || op == Op::not_equal) {
      return boolean((*a.text == *b.text) == (op == Op::equal));
    }
    return kUnknown;
  }
  switch (op) {
    case Op::less:
      return boolean(a.number < b.number);
    case Op::less_equal:
      return boolean(a.number <= b.number);
    case Op::greater:
      return boolean(a.number > b.number);
    case Op::greater_equal:
      return boolean(a.number >= b.number);
    case Op::equal:
      return boolean(a.number == b.number);
    default:
      return boolean(a.number != b.number);
  }
}

// The index of the newest sample at or before `time_ns`, or size() when none is.
std::size_t at_or_before(const SampleRing& ring, std::int64_t time_ns) {
  std::size_t lo = 0;
  std::size_t hi = ring.size();  // first index with time > time_ns
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (ring[mid].time_ns <= time_ns) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo == 0 ? ring.size() : lo - 1;
}

Value windowed(const Instruction& in, const FieldState& f, const Evaluation& at) {
  const SampleRing& h = f.history;
  const bool fresh = current(f, at.data_ns, at.max_age_ns).kind == Kind::number;
  switch (in.op) {
    case Op::rate: {
      if (!fresh || h.size() < 2) {
        return kUnknown;
      }
      const Sample& a = h[h.size() - 2];
      const Sample& b = h.back();
      if (b.time_ns <= a.time_ns) {
        return kUnknown;
      }
      return number((b.value - a.value) * 1e9 / static_cast<double>(b.time_ns - a.time_ns));
    }
    case Op::delta: {
      if (!fresh || h.empty()) {
        return kUnknown;
      }
      const std::int64_t target = at.effective_ns - in.window_ns;
      const std::size_t i = at_or_before(h, target);
      if (i == h.size() || h[i].time_ns < target - at.max_age_ns) {
        return kUnknown;
      }
      return number(h.back().value - h[i].value);
    }
    default: {
      // Samples in (t - window, t].
      const std::size_t before = at_or_before(h, at.effective_ns - in.window_ns);
      std::size_t first = before == h.size() ? 0 : before + 1;
      if (first >= h.size()) {
        return kUnknown;
      }
      double sum = 0;
      double lo = h[first].value;
      double hi = lo;
      std::size_t n = 0;
      for (std::size_t i = first; i < h.size() && h[i].time_ns <= at.effective_ns; ++i, ++n) {
        sum += h[i].value;
        lo = std::min(lo, h[i].value);
        hi = std::max(hi, h[i].value);
      }
      if (n == 0) {
        return kUnknown;
      }
      return number(in.op == Op::average ? sum / static_cast<double>(n)
                                         : (in.op == Op::minimum ? lo : hi));
    }
  }
}

}  // namespace

Value current(const FieldState& field, std::int64_t data_ns, std::int64_t max_age_ns) {
  if (field.kind == FieldState::Kind::missing) {
    return kUnknown;
  }
  const std::int64_t age = data_ns - field.data_ns;
  if (age > max_age_ns || -age > max_age_ns) {
    return kUnknown;
  }
  if (field.kind == FieldState::Kind::string) {
    return Value{Kind::string, 0, &field.text};
  }
  return number(field.number);
}

Truth truth(const Value& value) {
  if (value.kind != Kind::number) {
    return Truth::unknown;
  }
  return value.number != 0 ? Truth::yes : Truth::no;
}

Value evaluate(const Expression& e, const Evaluation& at, std::vector<Value>& stack) {
  stack.clear();
  const std::vector<FieldState>& fields = *at.fields;
  for (const Instruction& in : e.code) {
    switch (in.op) {
      case Op::number:
        stack.push_back(number(e.numbers[in.arg]));
        break;
      case Op::string:
        stack.push_back(Value{Kind::string, 0, &e.strings[in.arg]});
        break;
      case Op::field:
        stack.push_back(current(fields[at.field_ids[in.arg]], at.data_ns, at.max_age_ns));
        break;
      case Op::negate:
        stack.back() = stack.back().kind == Kind::number ? number(-stack.back().number) : kUnknown;
        break;
      case Op::abs:
        stack.back() =
            stack.back().kind == Kind::number ? number(std::fabs(stack.back().number)) : kUnknown;
        break;
      case Op::logical_not: {
        const Truth t = truth(stack.back());
        stack.back() = t == Truth::unknown ? kUnknown : boolean(t == Truth::no);
        break;
      }
      case Op::logical_and:
      case Op::logical_or: {
        const Truth b = truth(stack.back());
        stack.pop_back();
        const Truth a = truth(stack.back());
        const Truth decisive = in.op == Op::logical_and ? Truth::no : Truth::yes;
        if (a == decisive || b == decisive) {
          stack.back() = from_truth(decisive);
        } else if (a == Truth::unknown || b == Truth::unknown) {
          stack.back() = kUnknown;
        } else {
          stack.back() = from_truth(a);
        }
        break;
      }
      case Op::add:
      case Op::subtract:
      case Op::multiply:
      case Op::divide: {
        const Value b = stack.back();
        stack.pop_back();
        stack.back() = arithmetic(in.op, stack.back(), b);
        break;
      }
      case Op::less:
      case Op::less_equal:
      case Op::greater:
      case Op::greater_equal:
      case Op::equal:
      case Op::not_equal: {
        const Value b = stack.back();
        stack.pop_back();
        stack.back() = compare(in.op, stack.back(), b);
        break;
      }
      case Op::changed: {
        const std::uint32_t id = at.field_ids[in.arg];
        stack.push_back(boolean(id == at.trigger && fields[id].changed));
        break;
      }
      case Op::rate:
      case Op::delta:
      case Op::average:
      case Op::minimum:
      case Op::maximum:
        stack.push_back(windowed(in, fields[at.field_ids[in.arg]], at));
        break;
    }
  }
  return stack.empty() ? kUnknown : stack.back();
}

}  // namespace canhose::alerts::detail
