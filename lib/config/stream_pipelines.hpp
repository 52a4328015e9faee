#pragma once
// The delivery pipelines a configuration asks for: one per upstream Firehose stream, each
// with its own queue directory and delivery worker. The first is the vehicle's (queue.dir,
// delivery.stream, which may be empty: records kept, not sent); then one for each upstream
// named by ingest.streams that is not delivery.stream, in the order first named, then one
// for alerts.stream when rules run and no ingest stream already goes there, each under
// <service.state_dir>/streams/<upstream>/.

#include <string>
#include <vector>

#include "config/config.hpp"

namespace canhose::config {

struct StreamPipelineOptions {
  // The Firehose stream; empty only for the vehicle's pipeline without delivery.stream.
  std::string upstream;
  bool vehicle = false;  // the pipeline the vehicle sources feed
  queue::QueueOptions queue;
  delivery::DeliveryOptions delivery;
  std::vector<std::string> local_streams;  // the ingest streams that feed it
  bool alerts = false;                     // alerts.stream: events and alerts go here too
};

// Needs a configuration read by read_config (the ingest streams filled in and checked).
std::vector<StreamPipelineOptions> stream_pipelines(const Config& config);

// The ingest streams once read: with only ingest.listen (or unix_socket) set, one stream
// named like delivery.stream. Reports on `ingest` what cannot be served: no stream at all,
// a pack or flush_interval that differs between streams sharing an upstream, or from the
// delivery section's for delivery.stream, and a missing delivery.region.
void complete_ingest_streams(base::MappingReader& ingest, Config& config);

// Reports on `alerts` an alerts.stream that cannot be served: the vehicle's own
// delivery.stream (event lines would mix with the telemetry records in S3), or no
// delivery.region to send it in.
void check_alerts_stream(base::MappingReader& alerts, const Config& config);

}  // namespace canhose::config
