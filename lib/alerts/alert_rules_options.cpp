#include "alerts/alert_rules_options.hpp"

#include <variant>

#include "alerts/expression.hpp"
#include "alerts/message_template.hpp"

namespace canhose::alerts {
namespace {

using base::Duration;
using base::MappingReader;

constexpr std::string_view kMissingWhen = "each rule needs a condition (when:)";
constexpr std::string_view kMissingName = "each rule needs a name";
constexpr std::string_view kMissingWithin =
    "more_than needs a window: add within, e.g. within: 5min";

// The column of the character at `offset` of a scalar whose value starts at `mark`.
YAML::Mark inside(const MappingReader::ValueMark& where, const std::string& text,
                  std::size_t offset) {
  YAML::Mark mark = where.mark;
  if (text.find('\n') != std::string::npos) {
    return mark;  // a block or multi-line scalar: point at its start
  }
  mark.column += static_cast<int>(offset) + (where.plain ? 0 : 1);
  return mark;
}

std::optional<ExpressionError> when_problem(const std::string& when) {
  auto compiled = compile(when);
  if (auto* error = std::get_if<ExpressionError>(&compiled)) {
    return *error;
  }
  return std::nullopt;
}

std::optional<ExpressionError> message_problem(const std::string& message) {
  auto parsed = parse_template(message);
  if (auto* error = std::get_if<ExpressionError>(&parsed)) {
    return *error;
  }
  return std::nullopt;
}

void report_inside(MappingReader& r, std::string_view key, const std::string& text,
                   const ExpressionError& error) {
  const auto where = r.value_mark(key);
  const std::string message = error.message + "\n" + caret_lines(text, error.offset);
  if (where) {
    r.error_at(inside(*where, text, error.offset), key, message);
  } else {
    r.error(key, message);
  }
}

struct SeenName {
  std::string name;
  std::string path;
  int line = 0;
};

}  // namespace

std::optional<std::string> rule_name_problem(const std::string& name) {
  if (name.empty() || name.size() > 64) {
    return std::string("a rule name has 1 to 64 characters");
  }
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) {
      return std::string(
          "a rule name uses only letters, digits, _ and - (it becomes a metric label)");
    }
  }
  return std::nullopt;
}

void read_engine_options(MappingReader& r, EngineOptions& out) {
  r.value("max_age", out.max_age, base::at_least<Duration>(1ms));
  std::vector<SeenName> seen;
  r.list<RuleOptions>("rules", out.rules, [&](MappingReader& k, RuleOptions& rule) {
    k.value("name", rule.name, rule_name_problem);
    k.value("when", rule.when);
    k.value("for", rule.for_duration);
    k.value("more_than", rule.more_than);
    k.value("within", rule.within);
    k.value("cooldown", rule.cooldown);
    k.choice("severity", rule.severity,
             {{"info", Severity::info},
              {"warning", Severity::warning},
              {"critical", Severity::critical}});
    k.value("message", rule.message);
    const auto name_mark = k.value_mark("name");
    if (!k.has("name") || !name_mark) {
      k.error("name", std::string(kMissingName));
    } else if (!rule_name_problem(rule.name)) {
      for (const SeenName& s : seen) {
        if (s.name == rule.name) {
          k.error("name", "\"" + rule.name + "\" is already used by " + s.path + " at line " +
                              std::to_string(s.line));
        }
      }
      seen.push_back({rule.name, k.path(), name_mark->mark.line + 1});
    }
    if (!k.value_mark("when") || rule.when.empty()) {
      k.error("when", std::string(kMissingWhen));
    } else if (auto problem = when_problem(rule.when)) {
      report_inside(k, "when", rule.when, *problem);
    }
    if (rule.more_than > 0 && rule.within == Duration{0}) {
      k.error("more_than", std::string(kMissingWithin));
    }
    if (auto problem = message_problem(rule.message)) {
      report_inside(k, "message", rule.message, *problem);
    }
  });
}

std::optional<std::string> engine_options_problem(const EngineOptions& options) {
  if (options.max_age <= Duration{0}) {
    return "alerts.max_age: must be at least 1ms";
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < options.rules.size(); ++i) {
    const RuleOptions& rule = options.rules[i];
    const std::string path = "alerts.rules[" + std::to_string(i) + "].";
    if (auto problem = rule_name_problem(rule.name)) {
      return path + "name: " + *problem;
    }
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (names[j] == rule.name) {
        return path + "name: \"" + rule.name + "\" is already used by alerts.rules[" +
               std::to_string(j) + "]";
      }
    }
    names.push_back(rule.name);
    if (rule.when.empty()) {
      return path + "when: " + std::string(kMissingWhen);
    }
    if (auto problem = when_problem(rule.when)) {
      return path + "when: " + problem->message + "\n" + caret_lines(rule.when, problem->offset);
    }
    if (rule.more_than > 0 && rule.within <= Duration{0}) {
      return path + "more_than: " + std::string(kMissingWithin);
    }
    if (rule.within < Duration{0} || rule.for_duration < Duration{0} ||
        (rule.cooldown && *rule.cooldown < Duration{0})) {
      return path + "within: durations must not be negative";
    }
    if (auto problem = message_problem(rule.message)) {
      return path + "message: " + problem->message + "\n" +
             caret_lines(rule.message, problem->offset);
    }
  }
  return std::nullopt;
}

}  // namespace canhose::alerts
