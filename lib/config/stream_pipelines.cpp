#include "config/stream_pipelines.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "base/mapping_reader.hpp"

namespace canhose::config {
namespace {

struct UpstreamSettings {
  std::string first_local;  // the first ingest stream that named it
  std::optional<bool> pack;
  std::optional<base::Duration> flush_interval;
};

}  // namespace

std::vector<StreamPipelineOptions> stream_pipelines(const Config& config) {
  std::vector<StreamPipelineOptions> pipelines;
  StreamPipelineOptions vehicle;
  vehicle.upstream = config.delivery.stream;
  vehicle.vehicle = true;
  vehicle.queue = config.queue;
  vehicle.delivery = config.delivery;
  pipelines.push_back(std::move(vehicle));
  // The pipeline of an upstream other than the vehicle's, made on first use.
  const auto pipeline_of = [&](const std::string& upstream, std::optional<bool> pack,
                               std::optional<base::Duration> flush_interval) {
    auto it = std::find_if(pipelines.begin(), pipelines.end(),
                           [&](const StreamPipelineOptions& p) { return p.upstream == upstream; });
    if (it != pipelines.end()) {
      return it;
    }
    StreamPipelineOptions p;
    p.upstream = upstream;
    const std::filesystem::path dir = config.service.state_dir / "streams" / upstream;
    p.queue = config.queue;
    p.queue.dir = dir / "queue";
    p.delivery = config.delivery;
    p.delivery.stream = upstream;
    p.delivery.dead_letter_dir = dir / "dead-letter";
    p.delivery.pack = pack.value_or(config.delivery.pack);
    p.delivery.flush_interval = flush_interval.value_or(config.delivery.flush_interval);
    pipelines.push_back(std::move(p));
    return std::prev(pipelines.end());
  };
  if (config.ingest.enabled()) {
    for (const ingest::IngestStream& stream : config.ingest.streams) {
      pipeline_of(stream.upstream_name(), stream.pack, stream.flush_interval)
          ->local_streams.push_back(stream.name);
    }
  }
  if (config.alerts.active() && !config.alerts.stream.empty()) {
    pipeline_of(config.alerts.stream, std::nullopt, std::nullopt)->alerts = true;
  }
  return pipelines;
}

void check_alerts_stream(base::MappingReader& r, const Config& config) {
  const std::string& stream = config.alerts.stream;
  if (stream.empty()) {
    return;
  }
  if (stream == config.delivery.stream) {
    r.error("stream", "alerts.stream is delivery.stream (" + stream +
                          "): event and alert lines would mix with the vehicle's records in "
                          "S3; name a second Firehose stream, or leave alerts.stream out");
  } else if (config.delivery.region.empty()) {
    r.error("stream", "alerts.stream delivers to Firehose: set delivery.region (e.g. eu-west-1)");
  }
}

void complete_ingest_streams(base::MappingReader& r, Config& config) {
  ingest::IngestOptions& in = config.ingest;
  if (!in.enabled()) {
    return;
  }
  if (in.streams.empty()) {
    if (config.delivery.stream.empty()) {
      r.error("streams",
              "ingest needs a stream to write to: set delivery.stream, or list "
              "ingest.streams (- name: ..., upstream: ...)");
      return;
    }
    in.streams.push_back({config.delivery.stream, {}, {}, {}});
    return;
  }
  std::map<std::string, UpstreamSettings> upstreams;
  for (const ingest::IngestStream& stream : in.streams) {
    const std::string& upstream = stream.upstream_name();
    if (upstream == config.delivery.stream) {
      if (stream.pack && *stream.pack != config.delivery.pack) {
        r.error("streams", "stream " + stream.name + " goes to delivery.stream " + upstream +
                               ", whose delivery.pack it cannot change: leave its pack out");
      }
      if (stream.flush_interval && *stream.flush_interval != config.delivery.flush_interval) {
        r.error("streams", "stream " + stream.name + " goes to delivery.stream " + upstream +
                               ", whose delivery.flush_interval it cannot change: leave its "
                               "flush_interval out");
      }
      continue;
    }
    auto [it, inserted] = upstreams.try_emplace(upstream);
    UpstreamSettings& settings = it->second;
    if (inserted) {
      settings.first_local = stream.name;
    }
    const auto conflict = [&](const char* key) {
      r.error("streams", "streams " + settings.first_local + " and " + stream.name +
                             " both go to " + upstream + " but set different " + key +
                             ": one upstream stream has one delivery worker");
    };
    if (stream.pack) {
      if (settings.pack && *settings.pack != *stream.pack) {
        conflict("pack");
      }
      settings.pack = stream.pack;
    }
    if (stream.flush_interval) {
      if (settings.flush_interval && *settings.flush_interval != *stream.flush_interval) {
        conflict("flush_interval");
      }
      settings.flush_interval = stream.flush_interval;
    }
  }
  if (!upstreams.empty() && config.delivery.region.empty()) {
    r.error("streams", "ingest.streams deliver to Firehose: set delivery.region (e.g. eu-west-1)");
  }
}

}  // namespace canhose::config
