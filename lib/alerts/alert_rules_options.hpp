#pragma once
// The rules of the `alerts:` section and the engine's own key, `max_age`:
//
//   alerts:
//     max_age: 5s            # a value older than this, in data time, is stale (unknown)
//     rules:
//       - name: harsh_braking            # [A-Za-z0-9_-]{1,64}, unique
//         when: delta(speed, 1s) < -12   # see expression.hpp
//         for: 0s                        # how long the condition must hold first
//         more_than: 3                   # alert when the events within `within` are
//         within: 5min                   #   more than this (within > 0 then)
//         cooldown: 5min                 # default: within; 0 = none
//         severity: warning              # info | warning | critical
//         message: "{rule}: {count} events within {within}"   # see message_template.hpp
//
// The other keys of `alerts:` (enabled, topic_arn, endpoint, stream, outbox_max_bytes)
// belong to the alert delivery and are read by it with the same MappingReader.
// Reading reports every mistake as a config error; a mistake inside `when:` or `message:`
// points at its character (file:line:col) and shows the text with a caret under it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alert.hpp"
#include "base/mapping_reader.hpp"
#include "base/units.hpp"

namespace canhose::alerts {

using namespace std::chrono_literals;

struct RuleOptions {
  std::string name;                // required, unique, [A-Za-z0-9_-]{1,64}
  std::string when;                // the condition expression (required)
  base::Duration for_duration{0};  // key `for`
  std::uint32_t more_than = 0;     // alert when the events within `within` are more than this
  base::Duration within{0};        // the window; required (> 0) when more_than > 0
  std::optional<base::Duration> cooldown;  // default: `within` (0 = no cooldown)
  Severity severity = Severity::warning;
  std::string message;  // template; default kDefaultMessage
};

inline constexpr std::string_view kDefaultMessage = "{rule}: {count} events within {within}";

struct EngineOptions {
  base::Duration max_age{5s};  // key alerts.max_age
  std::vector<RuleOptions> rules;
};

void read_engine_options(base::MappingReader& alerts_section, EngineOptions& out);

// The first mistake in options built without the reader, as "alerts.rules[1].when: ..."
// (the message the reader would give, without file and line); nothing when they are
// fine. AlertEngine throws it.
std::optional<std::string> engine_options_problem(const EngineOptions& options);

// The rule name rule, as a message, or nothing when `name` is fine.
std::optional<std::string> rule_name_problem(const std::string& name);

}  // namespace canhose::alerts
