#include "config/record_options.hpp"

#include <algorithm>
#include <string>

#include "obd/pid_table.hpp"

namespace canhose::config {

record::RecordBuilderOptions record_builder_options(const Config& config) {
  record::RecordBuilderOptions options = config.record;
  if (!config.sources.obd.enabled || options.field_max_age == base::Duration::zero()) {
    return options;
  }
  const auto& user_set = config.record.field_max_age_overrides;
  for (const obd::PidPoll& poll : config.sources.obd.pids) {
    const auto needed = std::chrono::duration_cast<base::Duration>(
        2 * poll.period + config.sources.obd.response_timeout);
    if (needed <= options.field_max_age) {
      continue;
    }
    for (std::string_view field : obd::published_fields(poll.pid)) {
      const std::string name(field);
      if (user_set.count(name) == 0) {
        auto& age = options.field_max_age_overrides[name];
        age = std::max(age, needed);
      }
    }
  }
  return options;
}

}  // namespace canhose::config
