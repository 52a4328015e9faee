#pragma once
// One rule inside the engine: its compiled condition and message, and the state that
// turns the condition's truth over (effective) time into events and alerts: the rising
// edge with its `for` duration, the window of recent events, the cooldown and the
// counters. Internal to alerts; single-threaded.
//
// Bound: the window keeps the rule's events of the last `within`, at most
// kMaxWindowEvents (65536; a rising edge needs a not-true evaluation in between, so that
// is 43 min of events at 50 Hz); beyond that the oldest are forgotten.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alert.hpp"
#include "alerts/alert_rules_options.hpp"
#include "alerts/detail/evaluator.hpp"
#include "alerts/expression.hpp"
#include "alerts/message_template.hpp"

namespace canhose::alerts::detail {

inline constexpr std::size_t kMaxWindowEvents = 65536;

struct EventTime {
  std::int64_t effective_ns = 0;
  std::int64_t data_ns = 0;
};

class RuleState {
 public:
  RuleState(const RuleOptions& options, Expression expression, MessageTemplate message);

  enum class Outcome : unsigned char { none, event, alert, suppressed };
  // The condition at an evaluation: what it raised. `unknown` (a value it reads is missing
  // or stale) neither raises an event nor re-arms the rule: a condition that was true, went
  // unknown while a slow field aged, and is true again is still the same episode, not a
  // second event. It does restart a `for` streak (the condition was not seen to hold).
  Outcome observe(Truth truth, std::int64_t effective_ns, std::int64_t data_ns);

  // The events within the window ending at `effective_ns`.
  std::uint32_t events_in_window(std::int64_t effective_ns) const;

  const RuleOptions& options() const { return options_; }
  const Expression& expression() const { return expression_; }
  const MessageTemplate& message() const { return message_; }
  std::int64_t within_ns() const { return within_ns_; }
  std::int64_t first_event_ns() const { return window_.empty() ? 0 : window_.front().data_ns; }
  std::uint32_t last_count() const { return last_count_; }

  // Engine input ids of the expression's fields (index = expression field index), and of
  // the message's field parts (index = part index; unused for other parts).
  std::vector<std::uint32_t> field_ids;
  std::vector<std::uint32_t> message_field_ids;

  std::uint64_t events_total = 0;
  std::uint64_t alerts_total = 0;
  std::uint64_t suppressed_total = 0;
  std::optional<std::int64_t> last_event_ns;
  std::optional<std::int64_t> last_alert_ns;

 private:
  RuleOptions options_;
  Expression expression_;
  MessageTemplate message_;
  std::int64_t for_ns_ = 0;
  std::int64_t within_ns_ = 0;
  std::int64_t cooldown_ns_ = 0;

  bool armed_ = true;     // not-true since the last event (or never fired)
  bool holding_ = false;  // true on every evaluation since holding_since_
  std::int64_t holding_since_ = 0;
  std::deque<EventTime> window_;
  std::uint32_t last_count_ = 0;
  std::optional<std::int64_t> last_alert_effective_;
};

}  // namespace canhose::alerts::detail
