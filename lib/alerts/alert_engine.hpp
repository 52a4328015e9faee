#pragma once
// AlertEngine: evaluates the alert rules on every new value of the fields they read and
// reports events (a condition's rising edge, after its `for`) and alerts (more than
// `more_than` events within `within`, outside the cooldown). Pure computation: no I/O,
// no clock of its own; time is the data's (update's time_ns, Unix nanoseconds).
//
// - Inputs are ids given once (`input(name)`); update()/clear() store the value and
//   evaluate only the rules whose condition reads that field, at the update's time.
//   Numeric updates allocate nothing in the steady state.
// - Missing or stale values are unknown (see expression.hpp): a value is stale when its
//   data time differs from the update's by more than max_age, in either direction.
// - Time: one effective clock for the whole engine. A value up to 1 s older than the
//   latest seen is taken at the latest time; a jump back of more than 1 s (a replay
//   that loops, a clock step) adds to an offset so that effective time goes on from the
//   latest. `for`, windows, cooldowns and windowed functions run on effective time, so
//   a looping replay cannot flood alerts; Event and Alert carry the data's own times.
//   Sources with clocks more than 1 s apart make the offset grow at each interleaving;
//   feed the engine times from one clock.
// - Memory is bounded: a field read by rate/delta/avg/min/max keeps at most 16384
//   samples (its longest window + max_age of them), a rule at most 65536 event times.
//   avg/min/max walk the samples of their window at each evaluation.
// - Lifetime: owns copies of everything; not thread-safe (one event loop calls it).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "alerts/alert.hpp"
#include "alerts/alert_rules_options.hpp"
#include "alerts/detail/evaluator.hpp"
#include "alerts/detail/field_store.hpp"
#include "alerts/detail/rule_state.hpp"

namespace canhose::alerts {

class AlertEngine {
 public:
  using InputId = std::uint32_t;

  // `options` as read_engine_options checked them; otherwise throws
  // std::invalid_argument with the reader's message.
  explicit AlertEngine(const EngineOptions& options);

  // Every field a rule's condition or message reads, plus "lat" and "lon".
  const std::vector<std::string>& inputs() const { return inputs_; }
  std::optional<InputId> input(std::string_view field) const;

  void update(InputId id, double value, std::int64_t time_ns);
  void update(InputId id, std::string_view value, std::int64_t time_ns);
  // The field is missing from now on (its windowed history too).
  void clear(InputId id, std::int64_t time_ns);

  // Events and alerts raised since the last call, in the order raised.
  std::vector<std::variant<Event, Alert>> take_outputs();

  struct RuleStatus {
    std::string name;
    Severity severity = Severity::warning;
    std::uint32_t events_in_window = 0;
    std::uint64_t events_total = 0;
    std::uint64_t alerts_total = 0;
    std::uint64_t suppressed_total = 0;
    std::optional<std::int64_t> last_event_ns;
    std::optional<std::int64_t> last_alert_ns;
  };
  // events_in_window as of the latest data time seen.
  std::vector<RuleStatus> status() const;
  std::size_t rule_count() const { return rules_.size(); }

 private:
  InputId add_input(const std::string& name);
  std::int64_t effective(std::int64_t time_ns);
  void evaluate(InputId id, std::int64_t time_ns, std::int64_t effective_ns);
  std::string render(const detail::RuleState& rule, std::int64_t time_ns) const;

  std::int64_t max_age_ns_ = 0;
  std::vector<std::string> inputs_;
  std::map<std::string, InputId, std::less<>> ids_;
  std::vector<detail::FieldState> fields_;
  std::vector<std::vector<std::uint32_t>> rules_by_input_;
  std::vector<detail::RuleState> rules_;
  std::vector<detail::Value> stack_;
  std::vector<std::variant<Event, Alert>> outputs_;
  InputId lat_ = 0;
  InputId lon_ = 0;
  bool started_ = false;
  std::int64_t latest_effective_ns_ = 0;
  std::int64_t offset_ns_ = 0;
};

}  // namespace canhose::alerts
