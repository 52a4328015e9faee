#include "service/composition_root.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>

#include "asio/asio.hpp"
#include "aws/firehose_client.hpp"
#include "can/can_metrics.hpp"
#include "can/replay_source.hpp"
#include "can/socketcan_opener.hpp"
#include "can/socketcan_source.hpp"
#include "config/aws_client_options.hpp"
#include "config/config_check.hpp"
#include "config/record_options.hpp"
#include "config/stream_pipelines.hpp"
#include "dbc/dbc_loader.hpp"
#include "gps/gps_metrics.hpp"
#include "gps/gpsd_client.hpp"
#include "ingest/ingest_server.hpp"
#include "ingest/queue_ingest_sink.hpp"
#include "lifecycle/callback_component.hpp"
#include "log/logger.hpp"
#include "metrics/metric_registry.hpp"
#include "metrics/metrics_server.hpp"
#include "obd/obd_metrics.hpp"
#include "obd/obd_source.hpp"
#include "queue/queue_record_sink.hpp"
#include "record/field_store.hpp"
#include "record/gps_field_publisher.hpp"
#include "record/raw_frame_recorder.hpp"
#include "record/record_builder.hpp"
#include "record/record_metrics.hpp"
#include "service/alerts_wiring.hpp"
#include "service/daemon.hpp"
#include "service/frame_router.hpp"
#include "service/replay_flow_control.hpp"
#include "service/stream_pipeline.hpp"

namespace canhose::service {
namespace {

constexpr std::string_view kLog = "canhosed";

std::int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<dbc::DbcDecoder> decoder_for(const dbc::DbcOptions& options) {
  dbc::LoadedDecoder loaded = dbc::load_decoder(options);
  for (const std::string& w : loaded.warnings) {
    log::notice(kLog, w);
  }
  if (loaded.decoder) {
    log::info(kLog, "DBC ", options.file, ": ", loaded.messages, " messages");
  }
  return std::move(loaded.decoder);
}

}  // namespace

int run_service(const std::filesystem::path& config_path, config::Config config) {
  asio::io_context io(1);
  metrics::MetricRegistry registry;
  Daemon::apply_logging(config);

  // The order of these objects is the order of construction; the daemon (last) is
  // destroyed first, then the parts it used.
  std::unique_ptr<aws::AwsClient> aws;
  std::vector<std::unique_ptr<ingest::IngestSink>> ingest_sinks;
  record::FieldStore store;
  std::unique_ptr<record::RecordSink> sink;
  std::unique_ptr<record::RawFrameRecorder> raw_frames;
  AlertsParts alerts;
  std::unique_ptr<FrameRouter> router;
  can::SocketCanOpener can_opener;
  std::unique_ptr<gps::GpsdClient> gps_client;
  std::unique_ptr<record::GpsFieldPublisher> gps_fields;
  std::int64_t gps_fix_arrived_ns = 0;  // the fix being published, for the alert rules
  std::unique_ptr<record::RecordBuilder> builder;
  Daemon daemon(io, config_path, config);
  registry.add_collector([&daemon](auto& out) { daemon.collect_metrics(out); });

  try {
    // What already exists is used as it is; a folder others can enter is said once here.
    for (const std::string& warning : config::state_directory_warnings(config)) {
      log::warning(kLog, warning);
    }
    // 1. The queues and delivery workers, one pair per upstream stream: everything else
    // feeds them. The first pair is the vehicle's; ingest.streams may add more.
    const std::vector<config::StreamPipelineOptions> pipeline_options =
        config::stream_pipelines(config);
    if (config.delivery.stream.empty()) {
      log::warning(kLog, "delivery.stream is empty: records are kept in the queue but not sent");
    }
    const bool any_upstream = std::any_of(pipeline_options.begin(), pipeline_options.end(),
                                          [](const auto& p) { return !p.upstream.empty(); });
    const bool sns = config.alerts.active() && !config.alerts.topic_arn.empty();
    if (any_upstream || sns) {
      aws = aws::make_aws_client(io.get_executor(), config::aws_client_options(config));
      aws->credentials->start();
    }
    const bool labelled = pipeline_options.size() > 1;
    std::vector<StreamPipeline> pipelines;
    for (const config::StreamPipelineOptions& options : pipeline_options) {
      pipelines.push_back(add_stream_pipeline(io, daemon, registry, options, aws.get(), labelled));
    }
    daemon.on_reload(
        [pipelines](const config::Config& old_config, const config::Config& new_config) {
          reconfigure_stream_pipelines(pipelines, old_config, new_config);
        });
    queue::Queue& queue = *pipelines.front().queue;

    // 2. The local ingest endpoint, once every queue it writes to is open.
    if (config.ingest.enabled()) {
      std::vector<ingest::IngestStreamBinding> bindings;
      for (const ingest::IngestStream& stream : config.ingest.streams) {
        const std::string& upstream = stream.upstream_name();
        const auto it =
            std::find_if(pipelines.begin(), pipelines.end(),
                         [&](const StreamPipeline& p) { return p.upstream == upstream; });
        ingest_sinks.push_back(std::make_unique<ingest::QueueIngestSink>(*it->queue));
        bindings.push_back({stream.name, upstream, ingest_sinks.back().get()});
      }
      auto server = std::make_unique<ingest::IngestServer>(io, config.ingest, std::move(bindings));
      const ingest::IngestServer* server_part = server.get();
      registry.add_collector([server_part](auto& out) { server_part->collect_metrics(out); });
      daemon.add(std::move(server));
    }

    // 3. Metrics endpoint.
    if (!config.metrics.listen.empty()) {
      std::string error;
      const auto address = metrics::parse_listen_address(config.metrics.listen, error);
      auto server = std::make_unique<metrics::MetricsServer>(io, registry, *address);
      const metrics::MetricsServer* server_part = server.get();
      registry.add_collector([server_part](auto& out) { server_part->collect_metrics(out); });
      daemon.add(std::move(server));
    }

    // 4. Records: snapshots of the field store every period, raw frames on arrival.
    // The builder publishes device.vin and device.id (record.vin/device_id) itself.
    sink = std::make_unique<queue::QueueRecordSink>(queue);
    builder = std::make_unique<record::RecordBuilder>(io, store, *sink,
                                                      config::record_builder_options(config));
    if (config.raw_frames.enabled) {
      raw_frames = std::make_unique<record::RawFrameRecorder>(
          *sink, config.raw_frames, config.record.format, config.record.missing_token);
    }
    registry.add_collector(record::metrics_collector(*builder, raw_frames.get()));
    daemon.add(std::make_unique<lifecycle::CallbackComponent>(
        "records", [&] { builder->start(); }, [&] { builder->stop(); }));

    // 5. Alerts: the rule engine the sources feed, the SNS outbox and its publisher, the
    // records of alerts.stream.
    const auto alerts_pipeline = std::find_if(pipelines.begin(), pipelines.end(),
                                              [](const StreamPipeline& p) { return p.alerts; });
    add_alerts(alerts, io, daemon, registry, config, aws.get(),
               alerts_pipeline == pipelines.end() ? nullptr : alerts_pipeline->queue);
    alerting::AlertMonitor* monitor = alerts.monitor.get();

    // 6. Sources, last: they start once everything downstream is ready, and stop first.
    if (config.sources.can.enabled || config.sources.replay.enabled) {
      router =
          std::make_unique<FrameRouter>(store, decoder_for(config.sources.dbc), raw_frames.get());
      if (monitor != nullptr) {
        router->set_alerts(&monitor->engine(), [monitor] { monitor->publish(); });
      }
    }
    if (config.sources.gps.enabled) {
      gps_client = std::make_unique<gps::GpsdClient>(io, config.sources.gps);
      gps_fields = std::make_unique<record::GpsFieldPublisher>(store);
      // GPS values reach the rules stamped with the time their fix arrived, on the clock
      // CAN frames use; what they raise is sent once the whole fix is in.
      gps_client->on_fix([&, monitor](const gps::GpsFix& fix) {
        gps_fix_arrived_ns = unix_now_ns();
        gps_fields->publish(fix);
        if (monitor != nullptr) {
          monitor->publish();
        }
      });
      if (monitor != nullptr) {
        gps_fields->set_observer([&, monitor](std::string_view field, std::optional<double> value) {
          if (value) {
            monitor->update(field, *value, gps_fix_arrived_ns);
          } else {
            monitor->clear(field, gps_fix_arrived_ns);
          }
        });
      }
      gps_client->on_gps_time([&](auto gps_utc, auto observed) {
        // ClockOffset ignores implausible times (a receiver with the 1024-week rollover
        // bug reports dates ~19.6 years in the past), with a rate-limited warning.
        if (aws) {
          aws->clock.learn_from_gps(gps_utc, observed);
        }
      });
      registry.add_collector(gps::metrics_collector(*gps_client));
      daemon.add(std::make_unique<lifecycle::CallbackComponent>(
          "gps", [&] { gps_client->start(); }, [&] { gps_client->stop(); }));
    }
    if (config.sources.can.enabled) {
      auto can_source = std::make_unique<can::SocketCanSource>(
          io, config.sources.can, can_opener,
          [&](std::span<const can::CanFrame> frames) { router->on_frames(frames); });
      registry.add_collector(can::metrics_collector(*can_source));
      daemon.add(std::move(can_source));
    }
    if (config.sources.obd.enabled) {
      obd::ObdCallbacks callbacks;
      callbacks.on_value = [&store, monitor](std::string_view name, double value, std::string_view,
                                             std::int64_t time_ns) {
        store.publish(name, record::FieldValue(value));
        if (monitor != nullptr) {
          monitor->update(name, value, time_ns);
          monitor->publish();
        }
      };
      callbacks.on_integer = [&store, monitor](std::string_view name, std::int64_t value,
                                               std::int64_t time_ns) {
        store.publish(name, record::FieldValue(value));
        if (monitor != nullptr) {
          monitor->update(name, static_cast<double>(value), time_ns);
          monitor->publish();
        }
      };
      callbacks.on_text = [&store, monitor](std::string_view name, const std::string& text,
                                            std::int64_t time_ns) {
        store.publish(name, record::FieldValue(text));
        if (monitor != nullptr) {
          monitor->update(name, std::string_view(text), time_ns);
          monitor->publish();
        }
      };
      const bool vin_configured = !config.device.vin.empty();
      callbacks.on_vin = [&store, vin_configured](const std::string& vin) {
        if (!vin_configured) {
          log::notice(kLog, "VIN read from the vehicle: ", vin);
          store.publish("vin", record::FieldValue(vin));
        }
      };
      auto obd_source = std::make_unique<obd::ObdSource>(io, config.sources.obd, can_opener,
                                                         std::move(callbacks));
      registry.add_collector(obd::metrics_collector(*obd_source));
      daemon.add(std::move(obd_source));
    }
    if (config.sources.replay.enabled) {
      auto replay = std::make_unique<can::ReplaySource>(
          io, config.sources.replay,
          [&](std::span<const can::CanFrame> frames) { router->on_frames(frames); });
      // A file can wait for the queue where a live bus cannot: nothing replayed is lost
      // to a full memory buffer.
      replay->set_flow_control(replay_flow_control(queue));
      registry.add_collector(can::metrics_collector(*replay));
      daemon.add(std::move(replay));
    }
  } catch (const std::exception& e) {
    log::critical(kLog, "cannot start: ", e.what());
    return 1;
  }
  return daemon.run();
}

}  // namespace canhose::service
