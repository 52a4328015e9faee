#pragma once
// StatusReport: what `canhose status` shows, worked out from the daemon's metrics. Two
// scrapes `interval` apart give the current frame rates (counter difference / interval);
// with a single scrape (interval 0) rates are averages since start (counter / uptime).
//
// A daemon that delivers several streams (ingest.streams) labels its queue and delivery
// metrics {stream=...}: each stream then gets its own lines, the vehicle's first.
//
// Health, which sets the exit code:
//   healthy   delivering, nothing below is wrong
//   degraded  delivery paused, backing off, or not configured; gpsd not connected; a CAN
//             interface down or bus-off; the OBD-II link closed; records dropped; SNS
//             refusing alerts (the outbox keeps them)
// Each degraded condition is listed in problems() with what to look at.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/prometheus_text.hpp"

namespace canhose::cli {

class StatusReport {
 public:
  // `earlier` may be null (one scrape). `now` is the wall-clock time of `latest`.
  StatusReport(const PrometheusText& latest, const PrometheusText* earlier,
               std::chrono::duration<double> interval, std::chrono::system_clock::time_point now);

  bool healthy() const { return problems_.empty(); }
  const std::vector<std::string>& problems() const { return problems_; }
  // Readable at a glance: one line per subject.
  std::string text() const;
  nlohmann::json json() const { return json_; }

 private:
  struct Line {
    std::string subject;
    std::string text;
  };
  void add(std::string subject, std::string text) {
    lines_.push_back({std::move(subject), std::move(text)});
  }
  // One stream's delivery and queue: `where` selects its samples ({stream=...}, or nothing
  // from a daemon with one stream), `scope` starts its problems ("stream x: ").
  nlohmann::json delivery(const PrometheusText& m, std::chrono::system_clock::time_point now,
                          const PrometheusText::Labels& where, const std::string& scope);
  nlohmann::json queue(const PrometheusText& m, std::chrono::system_clock::time_point now,
                       const PrometheusText::Labels& where, const std::string& scope);
  void ingest(const PrometheusText& m);
  void gps(const PrometheusText& m);
  void can(const PrometheusText& m, const PrometheusText* earlier, double interval_s);
  void obd(const PrometheusText& m);
  void alerts(const PrometheusText& m, double now_s);  // status_alerts.cpp

  std::optional<double> uptime_s_;
  std::vector<Line> lines_;
  std::vector<std::string> problems_;
  nlohmann::json json_ = nlohmann::json::object();
};

// "1.2 MiB", "512 B".
std::string format_bytes(double bytes);
// "3 s", "2 min 5 s", "1 h 2 min", "3 d 4 h".
std::string format_age(double seconds);
// "2026-12-08 01:02:03 UTC".
std::string format_utc(double unix_seconds);
// "2026-11-25 20:40:01 UTC".
std::string format_utc(double unix_seconds);

}  // namespace canhose::cli
