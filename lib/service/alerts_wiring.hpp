#pragma once
// The alerts part of canhosed, built from the `alerts:` section when rules run
// (AlertingOptions::active()):
//   - the AlertMonitor, whose engine the frame router and the OBD-II and GPS sources feed;
//   - with alerts.topic_arn: the outbox (<service.state_dir>/alerts/outbox), an SnsClient on
//     the AWS client's transport and credentials, and the SnsAlertPublisher that drains the
//     outbox, added to the daemon (it starts before the sources and stops after them);
//   - with alerts.stream: the monitor writes event and alert records into that stream's
//     queue (the composition root passes it).
// The parts are owned here, outside the daemon, so that the monitor and the outbox outlive
// the components that use them.

#include <memory>

#include "alerting/alert_monitor.hpp"
#include "alerting/alert_outbox.hpp"
#include "asio/asio.hpp"
#include "aws/sns_client.hpp"
#include "config/config.hpp"
#include "metrics/metric_registry.hpp"
#include "queue/queue.hpp"
#include "service/daemon.hpp"

namespace canhose::aws {
struct AwsClient;
}  // namespace canhose::aws

namespace canhose::service {

struct AlertsParts {
  std::unique_ptr<aws::SnsClient> sns;
  std::unique_ptr<alerting::AlertOutbox> outbox;
  std::unique_ptr<alerting::AlertMonitor> monitor;  // null when no rule runs
};

// Builds the parts into `parts`. `aws` must not be null when alerts.topic_arn is set;
// `stream` is alerts.stream's queue or null. Throws std::runtime_error with an operator-facing
// message when the outbox cannot be opened or the topic or endpoint is unusable.
void add_alerts(AlertsParts& parts, asio::io_context& io, Daemon& daemon,
                metrics::MetricRegistry& registry, const config::Config& config,
                aws::AwsClient* aws, queue::Queue* stream);

}  // namespace canhose::service
