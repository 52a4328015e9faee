#pragma once
// The typed configuration, one struct per section of /etc/canhose/canhose.yaml. Each
// member holds its default; conf/canhose.yaml documents every key and
// config_schema.cpp says how each is read and checked.

#include <filesystem>
#include <string>

#include "alerting/alerting_options.hpp"
#include "aws/credentials_options.hpp"
#include "aws/iot_credentials_provider.hpp"
#include "base/units.hpp"
#include "can/can_options.hpp"
#include "can/replay_options.hpp"
#include "dbc/dbc_options.hpp"
#include "delivery/delivery_options.hpp"
#include "gps/gpsd_options.hpp"
#include "https/https_transport_options.hpp"
#include "ingest/ingest_options.hpp"
#include "log/severity.hpp"
#include "obd/obd_options.hpp"
#include "queue/queue_options.hpp"
#include "record/raw_frame_recorder.hpp"
#include "record/record_builder_options.hpp"

namespace canhose::config {

using namespace std::chrono_literals;

struct DeviceConfig {
  // Names this box in records and logs. Empty: the host name.
  std::string id;
  // The vehicle's 17-character VIN. Empty: unknown (read over OBD-II where enabled).
  std::string vin;
};

struct ServiceConfig {
  // Where the queue, the delivery cursor and dead letters live. Must survive reboots.
  std::filesystem::path state_dir = "/var/lib/canhose";
  // On SIGTERM: how long in-flight work may take to finish before canhosed exits.
  base::Duration shutdown_grace = 10s;
  // How often the one-line status (systemd STATUS=, the log at debug) is refreshed.
  base::Duration status_interval = 10s;
};

struct LogConfig {
  log::Severity level = log::Severity::info;
  // The same message from the same component at most `rate_limit_burst` times per
  // `rate_limit_interval`; the rest are counted and the count is logged.
  std::uint32_t rate_limit_burst = 10;
  base::Duration rate_limit_interval = 30s;
};

struct MetricsConfig {
  // Prometheus text endpoint, e.g. "127.0.0.1:9464" or "[::1]:9464". Empty: off.
  std::string listen;
};

struct SourcesConfig {
  can::CanSourceOptions can;
  dbc::DbcOptions dbc;  // sources.can.dbc_file, sources.can.j1939
  can::ReplayOptions replay;
  gps::GpsdOptions gps;
  obd::ObdOptions obd;
};

struct Config {
  DeviceConfig device;
  ServiceConfig service;
  LogConfig log;
  MetricsConfig metrics;
  // queue.dir and delivery.dead_letter_dir are derived from service.state_dir.
  queue::QueueOptions queue;
  delivery::DeliveryOptions delivery;
  https::HttpsTransportOptions https;  // delivery.ca_file, .proxy, .timeouts, ...
  aws::CredentialsOptions credentials;
  aws::IotCredentialsOptions iot;  // credentials.iot
  SourcesConfig sources;
  record::RecordBuilderOptions record;  // record.vin/device_id come from device.*
  record::RawFrameOptions raw_frames;   // record.raw_frames
  // The local Firehose endpoint; streams filled in from delivery.stream when left out.
  ingest::IngestOptions ingest;
  // Alert rules and where alerts go (SNS, alerts.stream); the outbox lives in
  // <service.state_dir>/alerts/outbox.
  alerting::AlertingOptions alerts;
};

}  // namespace canhose::config
