#pragma once
// AlertMonitor: the rule engine inside canhosed. The sources hand it every new value of a
// field the rules read (CAN signals by input id from the frame router, OBD-II and GPS
// values by name); after each batch of values, publish() takes the engine's events and
// alerts and sends each where it goes:
//   - the journal: an alert at warning, an event at notice, with the structured fields
//     CANHOSE_RULE, CANHOSE_SEVERITY, CANHOSE_COUNT, CANHOSE_EVENT_TIME (and, for an
//     alert, CANHOSE_WITHIN, CANHOSE_LAT, CANHOSE_LON when known);
//   - the SNS outbox (alerts only), when alerts.topic_arn is set;
//   - the alerts stream (events and alerts, one JSON line each), when alerts.stream is set;
//   - the per-rule counters of collect_metrics().
// The monitor has no clock: times are the values' own (engine.hpp). Event-loop thread only;
// the outbox and the stream queue must outlive the monitor.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert_engine.hpp"
#include "metrics/metric_family.hpp"

namespace canhose::queue {
class Queue;
}  // namespace canhose::queue

namespace canhose::alerting {

class AlertOutbox;

class AlertMonitor {
 public:
  using InputId = alerts::AlertEngine::InputId;

  struct Targets {
    AlertOutbox* outbox = nullptr;   // null: no SNS topic
    queue::Queue* stream = nullptr;  // null: no alerts.stream
    std::string stream_name;         // alerts.stream, for the metrics
  };

  // `options` must have passed the config reader (the engine throws otherwise).
  AlertMonitor(const alerts::EngineOptions& options, std::string vehicle, Targets targets);

  // The input id of a field some rule reads; nullopt for a field no rule reads.
  std::optional<InputId> input(std::string_view field) const { return engine_.input(field); }
  const std::vector<std::string>& inputs() const { return engine_.inputs(); }

  void update(InputId id, double value, std::int64_t time_ns) {
    engine_.update(id, value, time_ns);
  }
  void update(InputId id, std::string_view value, std::int64_t time_ns) {
    engine_.update(id, value, time_ns);
  }
  void clear(InputId id, std::int64_t time_ns) { engine_.clear(id, time_ns); }
  // By name, for sources that publish a few values a second: nothing for a field no rule reads.
  void update(std::string_view field, double value, std::int64_t time_ns);
  void update(std::string_view field, std::string_view value, std::int64_t time_ns);
  void clear(std::string_view field, std::int64_t time_ns);

  // Sends the events and alerts raised since the last call. Call after each batch.
  void publish();

  // For the frame router, which feeds CAN signals straight to the engine.
  alerts::AlertEngine& engine() { return engine_; }
  const alerts::AlertEngine& engine() const { return engine_; }

  // canhose_alerts_rules, and per rule {rule="..."}: canhose_alerts_events_total,
  // canhose_alerts_raised_total, canhose_alerts_suppressed_total (within the cooldown),
  // canhose_alerts_events_in_window, canhose_alerts_last_alert_time_seconds (data time,
  // once the rule has raised one); canhose_alerts_stream_refused_total (records the alerts
  // stream's queue refused); canhose_alerts_stream_info{stream="..."} 1 with alerts.stream.
  void collect_metrics(std::vector<metrics::MetricFamily>& out) const;

 private:
  void on_event(const alerts::Event& event);
  void on_alert(const alerts::Alert& alert);
  void to_stream(const std::string& line);

  alerts::AlertEngine engine_;
  std::string vehicle_;
  Targets targets_;
  std::uint64_t stream_refused_ = 0;
};

}  // namespace canhose::alerting
