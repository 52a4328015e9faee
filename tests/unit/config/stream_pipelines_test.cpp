#include "config/stream_pipelines.hpp"

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

std::string errors_of(std::string_view yaml) {
  return base::format_errors(parse_config_text(yaml, "test.yaml").errors);
}

constexpr std::string_view kDelivery = R"(
service: {state_dir: /srv/canhose}
delivery: {stream: vehicle, region: eu-west-1, pack: true, flush_interval: 2m}
)";

TEST(StreamPipelines, WithoutIngestThereIsOnlyTheVehiclePipeline) {
  const auto pipelines = stream_pipelines(load(kDelivery));
  ASSERT_EQ(pipelines.size(), 1u);
  EXPECT_TRUE(pipelines[0].vehicle);
  EXPECT_EQ(pipelines[0].upstream, "vehicle");
  EXPECT_EQ(pipelines[0].queue.dir, "/srv/canhose/queue");
  EXPECT_EQ(pipelines[0].delivery.dead_letter_dir, "/srv/canhose/dead-letter");
  EXPECT_TRUE(pipelines[0].local_streams.empty());
}

TEST(StreamPipelines, ListenAloneServesOneStreamNamedLikeTheDeliveryStream) {
  const Config config = load(std::string(kDelivery) + "ingest: {listen: 127.0.0.1:4573}\n");
  ASSERT_EQ(config.ingest.streams.size(), 1u);
  EXPECT_EQ(config.ingest.streams[0].name, "vehicle");
  const auto pipelines = stream_pipelines(config);
  ASSERT_EQ(pipelines.size(), 1u);
  EXPECT_EQ(pipelines[0].local_streams, std::vector<std::string>{"vehicle"});
}

TEST(StreamPipelines, EachOtherUpstreamGetsItsOwnQueueAndDeliverySettings) {
  const Config config = load(std::string(kDelivery) + R"(
ingest:
  listen: 127.0.0.1:4573
  streams:
    - {name: vehicle}
    - {name: dashcam, upstream: dashcam-events, pack: false, flush_interval: 5s}
    - {name: dashcam-v2, upstream: dashcam-events}
    - {name: driver-app}
)");
  const auto pipelines = stream_pipelines(config);
  ASSERT_EQ(pipelines.size(), 3u);
  EXPECT_EQ(pipelines[0].local_streams, std::vector<std::string>{"vehicle"});

  const StreamPipelineOptions& dashcam = pipelines[1];
  EXPECT_FALSE(dashcam.vehicle);
  EXPECT_EQ(dashcam.upstream, "dashcam-events");
  EXPECT_EQ(dashcam.delivery.stream, "dashcam-events");
  EXPECT_EQ(dashcam.queue.dir, "/srv/canhose/streams/dashcam-events/queue");
  EXPECT_EQ(dashcam.delivery.dead_letter_dir, "/srv/canhose/streams/dashcam-events/dead-letter");
  EXPECT_FALSE(dashcam.delivery.pack);
  EXPECT_EQ(dashcam.delivery.flush_interval, 5s);
  EXPECT_EQ(dashcam.delivery.region, "eu-west-1");
  EXPECT_EQ(dashcam.queue.max_bytes, config.queue.max_bytes);
  EXPECT_EQ(dashcam.local_streams, (std::vector<std::string>{"dashcam", "dashcam-v2"}));

  const StreamPipelineOptions& app = pipelines[2];
  EXPECT_EQ(app.upstream, "driver-app");  // no upstream: the same name
  EXPECT_TRUE(app.delivery.pack);         // unset: the delivery section's
  EXPECT_EQ(app.delivery.flush_interval, 2min);
}

TEST(StreamPipelines, AStreamCannotChangeThePackingOfTheVehicleStream) {
  const std::string errors = errors_of(std::string(kDelivery) + R"(
ingest:
  listen: 127.0.0.1:4573
  streams: [{name: local, upstream: vehicle, pack: false}]
)");
  EXPECT_NE(errors.find("goes to delivery.stream vehicle, whose delivery.pack it cannot change"),
            std::string::npos)
      << errors;
}

TEST(StreamPipelines, StreamsSharingAnUpstreamMustAgreeOnItsSettings) {
  const std::string errors = errors_of(std::string(kDelivery) + R"(
ingest:
  listen: 127.0.0.1:4573
  streams:
    - {name: a, upstream: events, pack: false}
    - {name: b, upstream: events, pack: true}
)");
  EXPECT_NE(errors.find("streams a and b both go to events but set different pack"),
            std::string::npos)
      << errors;
}

TEST(StreamPipelines, IngestWithoutAnyStreamSaysWhatToSet) {
  const std::string errors = errors_of("ingest: {listen: 127.0.0.1:4573}\n");
  EXPECT_NE(errors.find("ingest needs a stream to write to: set delivery.stream"),
            std::string::npos)
      << errors;
}

TEST(StreamPipelines, IngestStreamsNeedARegion) {
  const std::string errors = errors_of(R"(
ingest:
  listen: 127.0.0.1:4573
  streams: [{name: events}]
)");
  EXPECT_NE(errors.find("set delivery.region"), std::string::npos) << errors;
}

TEST(StreamPipelines, AStreamNameCannotClimbOutOfTheStateDirectory) {
  const std::string errors = errors_of(std::string(kDelivery) + R"(
ingest:
  listen: 127.0.0.1:4573
  streams: [{name: x, upstream: ".."}]
)");
  EXPECT_NE(errors.find("not . or .."), std::string::npos) << errors;
}

TEST(StreamPipelines, StreamsOfADisabledEndpointAddNoPipeline) {
  const Config config = load(std::string(kDelivery) + R"(
ingest:
  listen: ""
  streams: [{name: events}]
)");
  EXPECT_EQ(stream_pipelines(config).size(), 1u);
}

}  // namespace
}  // namespace canhose::config
