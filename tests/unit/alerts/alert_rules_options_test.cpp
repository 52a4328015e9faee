// The `alerts:` rules as the config file gives them: defaults, every key, and every
// mistake as a config error with line:col, an expression's pointing inside it.

#include "alerts/alert_rules_options.hpp"

#include <gtest/gtest.h>

namespace canhose::alerts {
namespace {

using namespace std::chrono_literals;

struct Read {
  EngineOptions options;
  std::string errors;  // every error, one per line
};

Read read(const std::string& yaml) {
  Read result;
  base::ReaderContext context("conf.yaml");
  {
    base::MappingReader root(context, YAML::Load(yaml), "", "");
    root.section("alerts", [&](base::MappingReader& r) {
      read_engine_options(r, result.options);
      // The delivery part's keys, read beside ours with the same reader.
      bool enabled = false;
      r.value("enabled", enabled);
    });
  }
  context.finalize();
  result.errors = base::format_errors(context.errors());
  return result;
}

TEST(AlertRulesOptionsTest, DefaultsAndEveryKey) {
  EXPECT_EQ(read("{}").errors, "");
  EXPECT_EQ(read("{}").options.max_age, 5s);
  EXPECT_TRUE(read("{}").options.rules.empty());
  const Read r = read(R"(alerts:
  enabled: true
  max_age: 2s
  rules:
    - name: harsh_braking
      when: delta(speed, 1s) < -12
      for: 200ms
      more_than: 3
      within: 5min
      cooldown: 10min
      severity: critical
      message: "{rule}: {count} in {within}"
    - name: bus-off
      when: can0.bus_state == 3
)");
  ASSERT_EQ(r.errors, "");
  EXPECT_EQ(r.options.max_age, 2s);
  ASSERT_EQ(r.options.rules.size(), 2u);
  const RuleOptions& a = r.options.rules[0];
  EXPECT_EQ(a.name, "harsh_braking");
  EXPECT_EQ(a.when, "delta(speed, 1s) < -12");
  EXPECT_EQ(a.for_duration, 200ms);
  EXPECT_EQ(a.more_than, 3u);
  EXPECT_EQ(a.within, 5min);
  EXPECT_EQ(a.cooldown, 10min);
  EXPECT_EQ(a.severity, Severity::critical);
  EXPECT_EQ(a.message, "{rule}: {count} in {within}");
  const RuleOptions& b = r.options.rules[1];
  EXPECT_EQ(b.for_duration, 0s);
  EXPECT_EQ(b.more_than, 0u);
  EXPECT_FALSE(b.cooldown.has_value());
  EXPECT_EQ(b.severity, Severity::warning);
  EXPECT_EQ(b.message, "");
}

TEST(AlertRulesOptionsTest, AnExpressionErrorPointsInsideThePlainValue) {
  const Read r = read(R"(alerts:
  rules:
    - name: a
      when: speed > 1
    - name: b
      when: speed > 5 and and rpm > 3
)");
  EXPECT_EQ(r.errors,
            "conf.yaml:6:27: alerts.rules[1].when: expected a field name after \"and\"\n"
            "    speed > 5 and and rpm > 3\n"
            "                  ^\n");
}

TEST(AlertRulesOptionsTest, AQuotedValueStartsOneColumnLater) {
  const Read r = read(R"(alerts:
  rules:
    - name: b
      when: "speed > 5 and and rpm > 3"
    - {name: c, when: 'x >'}
)");
  EXPECT_EQ(r.errors,
            "conf.yaml:4:28: alerts.rules[0].when: expected a field name after \"and\"\n"
            "    speed > 5 and and rpm > 3\n"
            "                  ^\n"
            "conf.yaml:5:27: alerts.rules[1].when: expected a field name after \">\"\n"
            "    x >\n"
            "       ^\n");
}

TEST(AlertRulesOptionsTest, ABlockScalarPointsAtItsStartAndShowsTheCaretLine) {
  const Read r = read(R"(alerts:
  rules:
    - name: b
      when: |
        speed > 5 and
        and rpm > 3
)");
  EXPECT_EQ(r.errors,
            "conf.yaml:4:13: alerts.rules[0].when: expected a field name after \"and\"\n"
            "    and rpm > 3\n"
            "    ^\n");
}

TEST(AlertRulesOptionsTest, AMissingEndInABlockScalarIsShownOnItsLastLine) {
  const Read r = read(R"(alerts:
  rules:
    - name: b
      when: >
        speed >
)");
  EXPECT_EQ(r.errors,
            "conf.yaml:4:13: alerts.rules[0].when: expected a field name after \">\"\n"
            "    speed >\n"
            "           ^\n");
}

TEST(AlertRulesOptionsTest, EveryMistakeIsAConfigError) {
  const Read r = read(R"(alerts:
  max_age: 0s
  rules:
    - name: twice
      when: x > 1
    - name: twice
      when: y > 1
    - name: "bad name!"
      when: x > 1
    - name: no_when
    - when: x > 1
    - name: no_window
      when: x > 1
      more_than: 3
    - name: loud
      when: x > 1
      severity: loud
    - name: template
      when: x > 1
      message: "at {speed"
    - name: typo
      when: x > 1
      withn: 5min
)");
  EXPECT_EQ(r.errors,
            "conf.yaml:2:12: alerts.max_age: must be at least 1ms, found \"0s\"\n"
            "conf.yaml:6:13: alerts.rules[1].name: \"twice\" is already used by alerts.rules[0] "
            "at line 4\n"
            "conf.yaml:8:13: alerts.rules[2].name: a rule name uses only letters, digits, _ and - "
            "(it becomes a metric label), found \"bad name!\"\n"
            "conf.yaml:10:7: alerts.rules[3].when: each rule needs a condition (when:)\n"
            "conf.yaml:11:7: alerts.rules[4].name: each rule needs a name\n"
            "conf.yaml:14:18: alerts.rules[5].more_than: more_than needs a window: add within, "
            "e.g. within: 5min\n"
            "conf.yaml:17:17: alerts.rules[6].severity: expected one of info, warning or "
            "critical, found \"loud\"\n"
            "conf.yaml:20:20: alerts.rules[7].message: this \"{\" is not closed: write {name}, or "
            "{{ for a brace\n"
            "    at {speed\n"
            "       ^\n"
            "conf.yaml:23:7: alerts.rules[8].withn: unknown key; did you mean \"within\"?\n");
}

}  // namespace
}  // namespace canhose::alerts
