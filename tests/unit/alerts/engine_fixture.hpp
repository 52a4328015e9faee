#pragma once
// A small harness over AlertEngine for the alerts tests: rules built in code, updates by
// field name, outputs split into events and alerts.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "alerts/alert_engine.hpp"

namespace canhose::alerts::test {

using namespace std::chrono_literals;

inline constexpr std::int64_t kT0 = 1'700'000'000'000'000'000;
inline constexpr std::int64_t kSecond = 1'000'000'000;
inline constexpr std::int64_t kMs = 1'000'000;

inline RuleOptions rule(std::string name, std::string when) {
  RuleOptions r;
  r.name = std::move(name);
  r.when = std::move(when);
  return r;
}

class Harness {
 public:
  explicit Harness(std::vector<RuleOptions> rules, base::Duration max_age = 5s)
      : engine_(EngineOptions{max_age, std::move(rules)}) {}

  AlertEngine& engine() { return engine_; }

  void set(std::string_view field, double value, std::int64_t t) {
    engine_.update(id(field), value, t);
    collect();
  }
  void set(std::string_view field, std::string_view value, std::int64_t t) {
    engine_.update(id(field), value, t);
    collect();
  }
  void clear(std::string_view field, std::int64_t t) {
    engine_.clear(id(field), t);
    collect();
  }

  std::vector<Event> events;
  std::vector<Alert> alerts;
  std::vector<int> order;  // 0 = event, 1 = alert, in the order raised

 private:
  AlertEngine::InputId id(std::string_view field) {
    const auto id = engine_.input(field);
    EXPECT_TRUE(id.has_value()) << field;
    return id.value_or(0);
  }
  void collect() {
    for (auto& out : engine_.take_outputs()) {
      if (auto* e = std::get_if<Event>(&out)) {
        events.push_back(std::move(*e));
        order.push_back(0);
      } else {
        alerts.push_back(std::get<Alert>(std::move(out)));
        order.push_back(1);
      }
    }
  }

  AlertEngine engine_;
};

}  // namespace canhose::alerts::test
