#pragma once
// One upstream Firehose stream's part of the running daemon: its queue and, when the
// stream is named, its delivery worker, added to the daemon in that order (the queue
// starts first and stops last), with their metrics labelled {stream="<upstream>"}.

#include <string>
#include <vector>

#include "asio/asio.hpp"
#include "aws/aws_client.hpp"
#include "config/stream_pipelines.hpp"
#include "delivery/firehose_delivery.hpp"
#include "metrics/metric_registry.hpp"
#include "queue/queue.hpp"
#include "service/daemon.hpp"

namespace canhose::service {

struct StreamPipeline {
  std::string upstream;  // empty: the vehicle's records are kept, not sent
  bool vehicle = false;  // the vehicle's own pipeline (delivery.stream)
  bool alerts = false;   // alerts.stream: the alert monitor writes into its queue
  queue::Queue* queue = nullptr;
  delivery::FirehoseDelivery* delivery = nullptr;  // null when upstream is empty
};

// Opens the queue and adds the pipeline's components to `daemon`. `aws` may be null only
// when options.upstream is empty. `labelled`: its status fragments start with the stream
// (several pipelines run). Throws std::runtime_error naming the queue directory when the
// queue cannot be opened.
StreamPipeline add_stream_pipeline(asio::io_context& io, Daemon& daemon,
                                   metrics::MetricRegistry& registry,
                                   const config::StreamPipelineOptions& options,
                                   aws::AwsClient* aws, bool labelled);

// The reload: applies each running pipeline's delivery settings from `new_config`. The
// pipelines were built from `old_config`; a stream that is gone or new is built at the next
// restart (the daemon's reload message says so).
void reconfigure_stream_pipelines(const std::vector<StreamPipeline>& pipelines,
                                  const config::Config& old_config,
                                  const config::Config& new_config);

}  // namespace canhose::service
