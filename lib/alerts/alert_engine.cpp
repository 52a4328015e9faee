#include "alerts/alert_engine.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace canhose::alerts {
namespace {

constexpr std::int64_t kJitterNs = 1'000'000'000;  // taken at the latest time, no rebase

}  // namespace

AlertEngine::AlertEngine(const EngineOptions& options) {
  if (auto problem = engine_options_problem(options)) {
    throw std::invalid_argument(*problem);
  }
  max_age_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(options.max_age).count();
  std::size_t max_stack = 0;
  rules_.reserve(options.rules.size());
  for (const RuleOptions& o : options.rules) {
    Expression expression = std::get<Expression>(compile(o.when));
    MessageTemplate message =
        std::get<MessageTemplate>(parse_template(o.message.empty() ? kDefaultMessage : o.message));
    max_stack = std::max(max_stack, expression.max_stack);
    rules_.emplace_back(o, std::move(expression), std::move(message));
  }
  for (std::uint32_t r = 0; r < rules_.size(); ++r) {
    detail::RuleState& rule = rules_[r];
    const Expression& e = rule.expression();
    for (std::size_t f = 0; f < e.fields.size(); ++f) {
      const InputId id = add_input(e.fields[f]);
      rule.field_ids.push_back(id);
      rules_by_input_[id].push_back(r);
      if (e.windowed[f]) {
        detail::FieldState& field = fields_[id];
        field.keeps_history = true;
        field.horizon_ns = std::max(field.horizon_ns, e.window_ns[f] + max_age_ns_);
      }
    }
    for (const TemplatePart& part : rule.message().parts) {
      rule.message_field_ids.push_back(part.kind == TemplatePart::Kind::field ? add_input(part.text)
                                                                              : 0);
    }
  }
  lat_ = add_input("lat");
  lon_ = add_input("lon");
  stack_.reserve(max_stack + 1);
}

AlertEngine::InputId AlertEngine::add_input(const std::string& name) {
  if (auto it = ids_.find(name); it != ids_.end()) {
    return it->second;
  }
  const auto id = static_cast<InputId>(inputs_.size());
  inputs_.push_back(name);
  ids_.emplace(name, id);
  fields_.emplace_back();
  rules_by_input_.emplace_back();
  return id;
}

std::optional<AlertEngine::InputId> AlertEngine::input(std::string_view field) const {
  if (auto it = ids_.find(field); it != ids_.end()) {
    return it->second;
  }
  return std::nullopt;
}

std::int64_t AlertEngine::effective(std::int64_t time_ns) {
  if (!started_) {
    started_ = true;
    latest_effective_ns_ = time_ns;
    return time_ns;
  }
  const std::int64_t e = time_ns + offset_ns_;
  if (e >= latest_effective_ns_) {
    latest_effective_ns_ = e;
  } else if (latest_effective_ns_ - e > kJitterNs) {
    offset_ns_ += latest_effective_ns_ - e;  // rebase: go on from the latest
  }
  return latest_effective_ns_;
}

void AlertEngine::update(InputId id, double value, std::int64_t time_ns) {
  if (id >= fields_.size()) {
    throw std::out_of_range("AlertEngine::update: unknown input id");
  }
  const std::int64_t e = effective(time_ns);
  fields_[id].set_number(value, time_ns, e);
  evaluate(id, time_ns, e);
}

void AlertEngine::update(InputId id, std::string_view value, std::int64_t time_ns) {
  if (id >= fields_.size()) {
    throw std::out_of_range("AlertEngine::update: unknown input id");
  }
  const std::int64_t e = effective(time_ns);
  fields_[id].set_text(value, time_ns);
  evaluate(id, time_ns, e);
}

void AlertEngine::clear(InputId id, std::int64_t time_ns) {
  if (id >= fields_.size()) {
    throw std::out_of_range("AlertEngine::clear: unknown input id");
  }
  const std::int64_t e = effective(time_ns);
  fields_[id].clear();
  evaluate(id, time_ns, e);
}

void AlertEngine::evaluate(InputId id, std::int64_t time_ns, std::int64_t effective_ns) {
  for (const std::uint32_t r : rules_by_input_[id]) {
    detail::RuleState& rule = rules_[r];
    const detail::Evaluation at{&fields_,     rule.field_ids.data(), time_ns,
                                effective_ns, max_age_ns_,           id};
    const detail::Value v = detail::evaluate(rule.expression(), at, stack_);
    const auto outcome = rule.observe(detail::truth(v), effective_ns, time_ns);
    if (outcome == detail::RuleState::Outcome::none) {
      continue;
    }
    outputs_.emplace_back(Event{rule.options().name, time_ns, rule.last_count()});
    if (outcome != detail::RuleState::Outcome::alert) {
      continue;
    }
    Alert alert;
    alert.rule = rule.options().name;
    alert.severity = rule.options().severity;
    alert.time_ns = time_ns;
    alert.first_event_ns = rule.first_event_ns();
    alert.count = rule.last_count();
    alert.window_ns = rule.within_ns();
    alert.message = render(rule, time_ns);
    const detail::Value lat = detail::current(fields_[lat_], time_ns, max_age_ns_);
    const detail::Value lon = detail::current(fields_[lon_], time_ns, max_age_ns_);
    if (lat.kind == detail::Value::Kind::number && lon.kind == detail::Value::Kind::number) {
      alert.position = Position{lat.number, lon.number};
    }
    outputs_.emplace_back(std::move(alert));
  }
}

std::string AlertEngine::render(const detail::RuleState& rule, std::int64_t time_ns) const {
  std::string out;
  const auto& parts = rule.message().parts;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const TemplatePart& part = parts[i];
    switch (part.kind) {
      case TemplatePart::Kind::text:
        out += part.text;
        break;
      case TemplatePart::Kind::rule:
        out += rule.options().name;
        break;
      case TemplatePart::Kind::count:
        out += std::to_string(rule.last_count());
        break;
      case TemplatePart::Kind::within:
        out += format_window(rule.options().within);
        break;
      case TemplatePart::Kind::for_duration:
        out += format_window(rule.options().for_duration);
        break;
      case TemplatePart::Kind::severity:
        out += to_string(rule.options().severity);
        break;
      case TemplatePart::Kind::field: {
        const detail::Value v =
            detail::current(fields_[rule.message_field_ids[i]], time_ns, max_age_ns_);
        if (v.kind == detail::Value::Kind::number) {
          out += format_number(v.number);
        } else if (v.kind == detail::Value::Kind::string) {
          out += *v.text;
        } else {
          out += "n/a";
        }
        break;
      }
    }
  }
  return out;
}

std::vector<std::variant<Event, Alert>> AlertEngine::take_outputs() {
  std::vector<std::variant<Event, Alert>> out;
  out.swap(outputs_);
  return out;
}

std::vector<AlertEngine::RuleStatus> AlertEngine::status() const {
  std::vector<RuleStatus> out;
  out.reserve(rules_.size());
  for (const detail::RuleState& rule : rules_) {
    out.push_back(RuleStatus{rule.options().name, rule.options().severity,
                             rule.events_in_window(latest_effective_ns_), rule.events_total,
                             rule.alerts_total, rule.suppressed_total, rule.last_event_ns,
                             rule.last_alert_ns});
  }
  return out;
}

}  // namespace canhose::alerts
