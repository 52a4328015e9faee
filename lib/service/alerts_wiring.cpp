#include "service/alerts_wiring.hpp"

#include <stdexcept>

#include "alerting/sns_alert_publisher.hpp"
#include "aws/aws_client.hpp"
#include "log/logger.hpp"

namespace canhose::service {

void add_alerts(AlertsParts& parts, asio::io_context& io, Daemon& daemon,
                metrics::MetricRegistry& registry, const config::Config& config,
                aws::AwsClient* aws, queue::Queue* stream) {
  const alerting::AlertingOptions& options = config.alerts;
  if (!options.active()) {
    return;
  }
  alerting::AlertMonitor::Targets targets;
  targets.stream = stream;
  targets.stream_name = options.stream;
  if (!options.topic_arn.empty()) {
    alerting::AlertOutbox::OpenResult opened = alerting::AlertOutbox::open(
        io, config.service.state_dir / "alerts" / "outbox", options.outbox_max_bytes.bytes);
    if (!opened.outbox) {
      throw std::runtime_error("alerts outbox: " + opened.error);
    }
    parts.outbox = std::move(opened.outbox);
    parts.sns = aws::make_sns_client(io.get_executor(), *aws, options.topic_arn, options.endpoint);
    alerting::SnsAlertPublisherOptions publisher_options;
    publisher_options.retry_initial = config.delivery.retry_base;
    publisher_options.retry_max = config.delivery.retry_max;
    auto publisher = std::make_unique<alerting::SnsAlertPublisher>(io, *parts.outbox, *parts.sns,
                                                                   publisher_options);
    const alerting::SnsAlertPublisher* publisher_part = publisher.get();
    registry.add_collector([publisher_part](auto& out) { publisher_part->collect_metrics(out); });
    daemon.add(std::move(publisher));
    targets.outbox = parts.outbox.get();
    if (parts.outbox->depth() > 0) {
      log::notice("alerts", parts.outbox->depth(), " alert(s) from before the start wait in ",
                  parts.outbox->dir().string(), " for SNS");
    }
  }
  parts.monitor =
      std::make_unique<alerting::AlertMonitor>(options.engine, config.device.id, targets);
  const alerting::AlertMonitor* monitor = parts.monitor.get();
  registry.add_collector([monitor](auto& out) { monitor->collect_metrics(out); });
  log::info("alerts", options.engine.rules.size(), " alert rule(s) reading ",
            parts.monitor->inputs().size(), " field(s); SNS ",
            options.topic_arn.empty() ? std::string("off (alerts.topic_arn)") : options.topic_arn,
            "; records ",
            options.stream.empty() ? std::string("off (alerts.stream)") : options.stream);
}

}  // namespace canhose::service
