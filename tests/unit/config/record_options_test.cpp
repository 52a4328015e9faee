#include "config/record_options.hpp"

#include <gtest/gtest.h>

#include "config/config_loader.hpp"

namespace canhose::config {
namespace {

using namespace std::chrono_literals;

Config load(std::string_view yaml) {
  const LoadResult r = parse_config_text(yaml, "test.yaml");
  EXPECT_TRUE(r.ok()) << base::format_errors(r.errors);
  return r.config;
}

std::optional<base::Duration> override_of(const record::RecordBuilderOptions& o,
                                          const std::string& field) {
  const auto it = o.field_max_age_overrides.find(field);
  return it == o.field_max_age_overrides.end() ? std::nullopt
                                               : std::optional<base::Duration>(it->second);
}

constexpr std::string_view kObd = "sources: {obd: {enabled: true, interface: can0}}\n";

TEST(RecordBuilderOptions, SlowObdFieldsAreKeptForTwoPeriodsPlusTheResponseTimeout) {
  const auto o = record_builder_options(load(kObd));
  EXPECT_EQ(o.field_max_age, 5s);
  // The shipped list: monitor_status and coolant every 10 s, fuel and ambient every 30 s,
  // with the 100 ms response timeout.
  EXPECT_EQ(override_of(o, "coolant_temp"), 20100ms);
  EXPECT_EQ(override_of(o, "mil"), 20100ms);
  EXPECT_EQ(override_of(o, "dtc_count"), 20100ms);
  EXPECT_EQ(override_of(o, "dtcs"), 20100ms);
  EXPECT_EQ(override_of(o, "fuel_level"), 60100ms);
  EXPECT_EQ(override_of(o, "ambient_temp"), 60100ms);
  // Polled every second: field_max_age already covers them.
  EXPECT_EQ(override_of(o, "speed"), std::nullopt);
  EXPECT_EQ(override_of(o, "rpm"), std::nullopt);
}

TEST(RecordBuilderOptions, AnAgeAlreadySetForAFieldWins) {
  Config config = load(kObd);
  config.record.field_max_age_overrides = {{"coolant_temp", 3s}, {"speed", 500ms}};
  const auto o = record_builder_options(config);
  EXPECT_EQ(override_of(o, "coolant_temp"), 3s);
  EXPECT_EQ(override_of(o, "speed"), 500ms);
  EXPECT_EQ(override_of(o, "fuel_level"), 60100ms);
}

TEST(RecordBuilderOptions, PeriodsWithinFieldMaxAgeAndNeverExpiringAgesAreLeftAlone) {
  EXPECT_EQ(record_builder_options(load(std::string(kObd) + "record: {field_max_age: 2m}\n"))
                .field_max_age_overrides.size(),
            0u);
  const auto never =
      record_builder_options(load(std::string(kObd) + "record: {field_max_age: 0s}\n"));
  EXPECT_EQ(never.field_max_age_overrides.size(), 0u);
}

TEST(RecordBuilderOptions, WithoutObdTheRecordSectionIsUsedAsWritten) {
  Config config = load("record: {field_max_age: 2s}\n");
  config.record.field_max_age_overrides = {{"rpm", 1s}};
  const auto o = record_builder_options(config);
  EXPECT_EQ(o.field_max_age_overrides, config.record.field_max_age_overrides);
}

}  // namespace
}  // namespace canhose::config
