#pragma once
// Daemon runs the service lifecycle on one io_context: starts the components in the
// order they were added, tells systemd READY=1, pets the watchdog from the event loop,
// refreshes STATUS=, reloads the configuration on SIGHUP (keeping the running one if the
// new file has mistakes) and on SIGTERM/SIGINT stops the components one by one in reverse
// order within the shutdown grace period, then returns 0.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "asio/asio.hpp"
#include "config/config.hpp"
#include "lifecycle/component.hpp"
#include "metrics/metric_family.hpp"
#include "service/systemd_notifier.hpp"

namespace canhose::service {

class Daemon {
 public:
  Daemon(asio::io_context& io, std::filesystem::path config_path, config::Config config);
  // Destroys the components in reverse order of adding: later parts use earlier ones.
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Components start in the order added and stop in the reverse order.
  void add(std::unique_ptr<lifecycle::Component> component);
  // Called after each successful SIGHUP reload with the configuration before and after, in
  // the order registered. A part that can apply changes live gets one from the
  // composition root, which knows both the part and the configuration.
  using ReloadHook =
      std::function<void(const config::Config& old_config, const config::Config& new_config)>;
  void on_reload(ReloadHook hook);

  // Runs until shut down; returns the process exit code.
  int run();

  const config::Config& config() const { return config_; }

  // canhose_build_info, canhose_start_time_seconds, canhose_config_reloads_total.
  void collect_metrics(std::vector<metrics::MetricFamily>& out) const;

  // Applies the process-wide settings of a configuration (log level, rate limits).
  static void apply_logging(const config::Config& config);

 private:
  void wait_for_signal();
  void on_signal(int signal_number);
  void reload();
  void begin_shutdown(std::string_view reason);
  void stop_next(std::size_t remaining);
  void finish();
  void arm_watchdog(std::chrono::microseconds period);
  void arm_status();
  std::string status_line() const;

  asio::io_context& io_;
  std::filesystem::path config_path_;
  config::Config config_;
  std::vector<std::unique_ptr<lifecycle::Component>> components_;
  std::vector<ReloadHook> reload_hooks_;
  SystemdNotifier notifier_;
  asio::signal_set signals_;
  asio::steady_timer watchdog_timer_;
  asio::steady_timer status_timer_;
  asio::steady_timer grace_timer_;
  std::chrono::steady_clock::time_point shutdown_deadline_;
  std::size_t started_ = 0;  // components_[0, started_) were started
  bool stopping_ = false;
  bool finished_ = false;
  int exit_code_ = 0;
  std::chrono::system_clock::time_point started_at_ = std::chrono::system_clock::now();
  std::uint64_t reloads_ok_ = 0;
  std::uint64_t reloads_failed_ = 0;
};

}  // namespace canhose::service
