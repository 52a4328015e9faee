#include "alerts/message_template.hpp"

#include <cmath>
#include <cstdio>

namespace canhose::alerts {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

}  // namespace

std::variant<MessageTemplate, ExpressionError> parse_template(std::string_view s) {
  MessageTemplate out;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) {
      out.parts.push_back({TemplatePart::Kind::text, std::move(literal)});
      literal.clear();
    }
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '}') {
      if (i + 1 < s.size() && s[i + 1] == '}') {
        literal += '}';
        ++i;
        continue;
      }
      return ExpressionError{i, "a lone \"}\": write }} for a brace"};
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '{') {
      literal += '{';
      ++i;
      continue;
    }
    const std::size_t close = s.find('}', i + 1);
    if (close == std::string_view::npos) {
      return ExpressionError{i, "this \"{\" is not closed: write {name}, or {{ for a brace"};
    }
    const std::string_view name = s.substr(i + 1, close - i - 1);
    if (name.empty()) {
      return ExpressionError{i, "empty placeholder {}: name a field, or write {{ for a brace"};
    }
    for (std::size_t j = 0; j < name.size(); ++j) {
      if (!is_name_char(name[j])) {
        return ExpressionError{i + 1 + j, "a placeholder holds a field name such as {speed}"};
      }
    }
    flush();
    using Kind = TemplatePart::Kind;
    Kind kind = Kind::field;
    if (name == "rule") {
      kind = Kind::rule;
    } else if (name == "count") {
      kind = Kind::count;
    } else if (name == "within") {
      kind = Kind::within;
    } else if (name == "for") {
      kind = Kind::for_duration;
    } else if (name == "severity") {
      kind = Kind::severity;
    }
    out.parts.push_back({kind, std::string(name)});
    i = close;
  }
  flush();
  return out;
}

std::string format_number(double value) {
  if (!std::isfinite(value)) {
    return "n/a";
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3f", value);
  std::string text(buffer);
  while (text.back() == '0') {
    text.pop_back();
  }
  if (text.back() == '.') {
    text.pop_back();
  }
  if (text == "-0") {
    text = "0";
  }
  return text;
}

std::string format_window(base::Duration d) {
  const long long ms = d.count();
  if (ms == 0) {
    return "0s";
  }
  if (ms % 3'600'000 == 0) {
    return std::to_string(ms / 3'600'000) + "h";
  }
  if (ms % 60'000 == 0) {
    return std::to_string(ms / 60'000) + "min";
  }
  if (ms % 1000 == 0) {
    return std::to_string(ms / 1000) + "s";
  }
  return std::to_string(ms) + "ms";
}

}  // namespace canhose::alerts
