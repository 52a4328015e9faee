#pragma once
// A rule's message template: text with placeholders in braces, rendered when the rule
// raises an alert. `{field}` is a field's value (numbers with at most 3 decimals,
// trailing zeros trimmed; strings as they are; "n/a" when missing or stale), and
// `{rule}`, `{count}`, `{within}`, `{for}`, `{severity}` describe the rule and the
// alert; these names win over fields of the same name. `{{` and `}}` are literal
// braces. Parsing reports the byte offset of a mistake; it never throws.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "alerts/expression.hpp"
#include "base/units.hpp"

namespace canhose::alerts {

struct TemplatePart {
  enum class Kind : unsigned char { text, field, rule, count, within, for_duration, severity };
  Kind kind = Kind::text;
  std::string text;  // the literal text, or the field's name
};

struct MessageTemplate {
  std::vector<TemplatePart> parts;
};

std::variant<MessageTemplate, ExpressionError> parse_template(std::string_view text);

// 12.3456 -> "12.346", 2.50 -> "2.5", 3 -> "3".
std::string format_number(double value);
// As a rule's window reads: 500ms, 2s, 90s, 5min, 1h, 0s.
std::string format_window(base::Duration d);

}  // namespace canhose::alerts
