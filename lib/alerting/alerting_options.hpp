#pragma once
// Options of the `alerts:` section of canhose.yaml: the rules (alerts::EngineOptions, read
// by the engine's own reader) and where alerts go:
//
//   alerts:
//     enabled: true                 # false keeps the rules but evaluates none
//     max_age: 5s                   # alerts::EngineOptions
//     rules: [...]                  # alerts::EngineOptions
//     topic_arn: arn:aws:sns:eu-west-1:123456789012:fleet-alerts   # empty: no SNS
//     endpoint: ""                  # overrides https://sns.<region>.amazonaws.com
//     stream: fleet-alerts          # Firehose stream for event and alert records; empty: none
//     outbox_max_bytes: 4MiB        # the on-disk outbox of alerts waiting for SNS
//
// The outbox lives in <service.state_dir>/alerts/outbox (the composition root derives it).

#include <cstdint>
#include <string>

#include "alerts/alert_rules_options.hpp"
#include "base/units.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::alerting {

struct AlertingOptions {
  bool enabled = true;  // with no rules nothing runs, whatever this says
  alerts::EngineOptions engine;
  std::string topic_arn;
  std::string endpoint;
  std::string stream;
  base::ByteSize outbox_max_bytes{4 * 1024 * 1024};  // AlertOutbox's minimum

  // Rules are evaluated: enabled and at least one rule.
  bool active() const { return enabled && !engine.rules.empty(); }
};

// Reads the `alerts` section; each mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, AlertingOptions& options);

}  // namespace canhose::alerting
