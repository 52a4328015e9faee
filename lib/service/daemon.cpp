#include "service/daemon.hpp"

#include <csignal>
#include <stdexcept>

#include "config/config_loader.hpp"
#include "log/logger.hpp"

namespace canhose::service {
namespace {
constexpr std::string_view kLog = "canhosed";
}

Daemon::Daemon(asio::io_context& io, std::filesystem::path config_path, config::Config config)
    : io_(io),
      config_path_(std::move(config_path)),
      config_(std::move(config)),
      signals_(io, SIGTERM, SIGINT, SIGHUP),
      watchdog_timer_(io),
      status_timer_(io),
      grace_timer_(io) {}

Daemon::~Daemon() {
  while (!components_.empty()) {
    components_.pop_back();
  }
}

void Daemon::add(std::unique_ptr<lifecycle::Component> component) {
  components_.push_back(std::move(component));
}

void Daemon::on_reload(ReloadHook hook) {
  reload_hooks_.push_back(std::move(hook));
}

void Daemon::apply_logging(const config::Config& config) {
  log::logger().set_level(config.log.level);
  log::logger().set_rate_limit(config.log.rate_limit_burst, config.log.rate_limit_interval);
}

int Daemon::run() {
  apply_logging(config_);
  wait_for_signal();
  for (auto& c : components_) {
    try {
      c->start();
      ++started_;
    } catch (const std::exception& e) {
      log::critical(kLog, c->name(), " could not start: ", e.what());
      // Components already started are stopped in order; the exit code says it failed.
      exit_code_ = 1;
      begin_shutdown("start-up failure");
      io_.run();
      return exit_code_;
    }
  }
  if (auto timeout = SystemdNotifier::watchdog_timeout()) {
    // Petting at half the timeout from the event loop itself: if the loop stalls, the
    // pets stop and systemd restarts the service.
    arm_watchdog(*timeout / 2);
    log::debug(kLog, "systemd watchdog on: ", timeout->count() / 1000, "ms");
  }
  notifier_.ready(status_line());
  log::notice(kLog, "canhosed ", CANHOSE_VERSION, " started with ", config_path_.string(),
              " (device ", config_.device.id, ")");
  arm_status();
  io_.run();
  return exit_code_;
}

void Daemon::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal_number) {
    if (ec) {
      return;  // cancelled at shutdown
    }
    on_signal(signal_number);
    if (!finished_) {
      wait_for_signal();
    }
  });
}

void Daemon::on_signal(int signal_number) {
  if (signal_number == SIGHUP) {
    if (stopping_) {
      log::info(kLog, "SIGHUP ignored: shutting down");
      return;
    }
    reload();
    return;
  }
  const std::string_view name = signal_number == SIGINT ? "SIGINT" : "SIGTERM";
  if (stopping_) {
    log::warning(kLog, "second ", name, " while stopping: exiting now; queued data stays on disk");
    finish();
    return;
  }
  begin_shutdown(name);
}

void Daemon::reload() {
  notifier_.reloading();
  log::info(kLog, "SIGHUP: reloading ", config_path_.string());
  config::LoadResult loaded = config::load_config_file(config_path_);
  if (!loaded.ok()) {
    log::error(kLog, "reload failed: ", config_path_.string(), " has ", loaded.errors.size(),
               loaded.errors.size() == 1 ? " mistake" : " mistakes",
               "; keeping the running configuration");
    for (const base::ConfigError& e : loaded.errors) {
      log::error(kLog, e.to_string());
    }
    ++reloads_failed_;
    notifier_.ready(status_line());
    return;
  }
  if (loaded.config.service.state_dir != config_.service.state_dir) {
    log::warning(kLog, "service.state_dir changed to ", loaded.config.service.state_dir.string(),
                 ": takes effect after a restart");
    loaded.config.service.state_dir = config_.service.state_dir;
  }
  ++reloads_ok_;
  const config::Config old_config = config_;
  config_ = std::move(loaded.config);
  apply_logging(config_);
  for (const ReloadHook& hook : reload_hooks_) {
    hook(old_config, config_);
  }
  arm_status();
  notifier_.ready(status_line());
  log::notice(kLog, "configuration reloaded from ", config_path_.string(), " (log level ",
              log::to_string(config_.log.level),
              "); log.*, service.status_interval and delivery stream, packing, flush, concurrency "
              "and retry settings apply now, other changes at the next restart");
}

void Daemon::begin_shutdown(std::string_view reason) {
  stopping_ = true;
  notifier_.stopping();
  notifier_.status("stopping");
  shutdown_deadline_ = std::chrono::steady_clock::now() + config_.service.shutdown_grace;
  log::notice(kLog, reason, ": stopping (grace period ",
              base::format_duration(config_.service.shutdown_grace), ")");
  status_timer_.cancel();
  grace_timer_.expires_at(shutdown_deadline_);
  grace_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_) {
      return;
    }
    log::warning(kLog, "shutdown grace period ",
                 base::format_duration(config_.service.shutdown_grace),
                 " is over; exiting without waiting further (queued data stays on disk)");
    finish();
  });
  stop_next(started_);
}

void Daemon::stop_next(std::size_t remaining) {
  if (finished_) {
    return;
  }
  if (remaining == 0) {
    finish();
    return;
  }
  lifecycle::Component& c = *components_[remaining - 1];
  log::debug(kLog, "stopping ", c.name());
  c.async_stop(shutdown_deadline_, [this, remaining] {
    // Posted, so a component may call `done` from inside async_stop.
    asio::post(io_, [this, remaining] { stop_next(remaining - 1); });
  });
}

void Daemon::finish() {
  if (finished_) {
    return;
  }
  finished_ = true;
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  watchdog_timer_.cancel();
  status_timer_.cancel();
  grace_timer_.cancel();
  // Every count of suppressed repeats, windows still open too: how many records a run of
  // "record dropped" lines stood for must not be lost with the process.
  log::logger().flush_all_suppressed();
  log::notice(kLog, "stopped");
  io_.stop();
}

void Daemon::arm_watchdog(std::chrono::microseconds period) {
  notifier_.watchdog();
  watchdog_timer_.expires_after(period);
  watchdog_timer_.async_wait([this, period](const boost::system::error_code& ec) {
    if (!ec && !finished_) {
      arm_watchdog(period);
    }
  });
}

void Daemon::arm_status() {
  status_timer_.expires_after(config_.service.status_interval);
  status_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) {
      return;
    }
    const std::string line = status_line();
    notifier_.status(line);
    log::debug(kLog, "status: ", line);
    log::logger().flush_suppressed();
    arm_status();
  });
}

void Daemon::collect_metrics(std::vector<metrics::MetricFamily>& out) const {
  using metrics::MetricType;
  out.push_back({"canhose_build_info",
                 "canhosed version",
                 MetricType::gauge,
                 {{{{"version", CANHOSE_VERSION}, {"device", config_.device.id}}, 1}}});
  out.push_back({"canhose_start_time_seconds",
                 "when canhosed started, Unix time",
                 MetricType::gauge,
                 {{{}, std::chrono::duration<double>(started_at_.time_since_epoch()).count()}}});
  out.push_back({"canhose_config_reloads_total",
                 "SIGHUP reloads by result",
                 MetricType::counter,
                 {{{{"result", "applied"}}, static_cast<double>(reloads_ok_)},
                  {{{"result", "rejected"}}, static_cast<double>(reloads_failed_)}}});
}

std::string Daemon::status_line() const {
  std::string line = "running";
  for (const auto& c : components_) {
    std::string part = c->status();
    if (!part.empty()) {
      line += "; " + part;
    }
  }
  return line;
}

}  // namespace canhose::service
