#include "gps/gpsd_client.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "gps/gps_fix_decoder.hpp"
#include "log/logger.hpp"

namespace canhose::gps {

namespace {
constexpr std::string_view kComponent = "gps";
}  // namespace

std::string_view to_string(GpsdClient::State state) {
  switch (state) {
    case GpsdClient::State::stopped:
      return "stopped";
    case GpsdClient::State::connecting:
      return "connecting";
    case GpsdClient::State::streaming:
      return "streaming";
    case GpsdClient::State::waiting_to_reconnect:
      return "waiting to reconnect";
  }
  return "?";
}

GpsdClient::GpsdClient(asio::io_context& io, GpsdOptions options)
    : io_(io),
      options_(std::move(options)),
      data_(std::make_unique<gps_data_t>()),
      resolver_(io),
      probe_(io),
      connect_timer_(io),
      descriptor_(io),
      reconnect_timer_(io),
      stale_timer_(io),
      backoff_(options_.reconnect_min) {
  if (options_.reconnect_min <= std::chrono::milliseconds(0) ||
      options_.reconnect_max < options_.reconnect_min) {
    throw std::invalid_argument("gps: need 0 < reconnect_min <= reconnect_max");
  }
  if (options_.max_fix_age <= std::chrono::milliseconds(0)) {
    throw std::invalid_argument("gps: max_fix_age must be positive");
  }
}

GpsdClient::~GpsdClient() {
  alive_.reset();
  close_connection();
}

std::string GpsdClient::endpoint() const {
  return options_.host + ":" + std::to_string(options_.port);
}

void GpsdClient::start() {
  if (state_ != State::stopped) {
    return;
  }
  backoff_ = options_.reconnect_min;
  last_connect_failed_ = false;
  connect();
}

void GpsdClient::stop() {
  ++attempt_id_;
  resolver_.cancel();
  connect_timer_.cancel();
  boost::system::error_code ignored;
  probe_.close(ignored);
  reconnect_timer_.cancel();
  stale_timer_.cancel();
  if (open_) {
    log::info(kComponent, "closing the gpsd connection to ", endpoint());
  }
  close_connection();
  state_ = State::stopped;
}

void GpsdClient::close_connection() {
  ++connection_id_;
  if (descriptor_.is_open()) {
    descriptor_.cancel();
    // The descriptor belongs to libgps: take it back from asio before gps_close().
    (void)descriptor_.release();
  }
  if (open_) {
    gps_close(data_.get());
    open_ = false;
  }
}

void GpsdClient::connect() {
  // libgps resolves and connects synchronously, which could hold the event loop for the
  // resolver or TCP timeouts. So the address is resolved and tried here asynchronously
  // first; libgps is then given the numeric address that just accepted a connection,
  // and its connect returns at once.
  state_ = State::connecting;
  const auto attempt = ++attempt_id_;
  resolver_.async_resolve(
      options_.host, std::to_string(options_.port), asio::ip::resolver_base::numeric_service,
      [this, alive = std::weak_ptr<int>(alive_), attempt](
          const boost::system::error_code& ec,
          const asio::ip::tcp::resolver::results_type& results) {
        if (alive.expired() || attempt != attempt_id_ || state_ != State::connecting) {
          return;
        }
        if (ec) {
          connect_failed("cannot resolve the host: " + ec.message());
          return;
        }
        connect_timer_.expires_after(kConnectTimeout);
        connect_timer_.async_wait(
            [this, alive, attempt](const boost::system::error_code& timer_ec) {
              if (!alive.expired() && !timer_ec && attempt == attempt_id_) {
                boost::system::error_code ignored;
                probe_.close(ignored);  // completes the connect with operation_aborted
              }
            });
        asio::async_connect(
            probe_, results,
            [this, alive, attempt](const boost::system::error_code& connect_ec,
                                   const asio::ip::tcp::endpoint& endpoint) {
              if (alive.expired() || attempt != attempt_id_ || state_ != State::connecting) {
                return;
              }
              connect_timer_.cancel();
              boost::system::error_code ignored;
              probe_.close(ignored);
              if (connect_ec) {
                connect_failed(connect_ec == asio::error::operation_aborted
                                   ? std::string("no answer within the connect timeout")
                                   : connect_ec.message());
                return;
              }
              open_stream(endpoint.address().to_string());
            });
      });
}

void GpsdClient::connect_failed(const std::string& reason) {
  ++counters_.connect_failures;
  if (!last_connect_failed_) {
    log::warning(kComponent, "cannot connect to gpsd at ", endpoint(), ": ", reason,
                 "; retrying every ", options_.reconnect_min.count(), "-",
                 options_.reconnect_max.count(), " ms");
  } else {
    log::debug(kComponent, "gpsd at ", endpoint(), " still unreachable: ", reason);
  }
  last_connect_failed_ = true;
  schedule_reconnect();
}

void GpsdClient::open_stream(const std::string& numeric_host) {
  *data_ = gps_data_t{};
  satellites_used_.reset();
  got_report_on_connection_ = false;
  const std::string port = std::to_string(options_.port);
  errno = 0;
  if (gps_open(numeric_host.c_str(), port.c_str(), data_.get()) != 0) {
    // libgps leaves its own negative NL_* code in errno for connect failures.
    connect_failed(gps_errstr(errno));
    return;
  }
  open_ = true;
  ++connection_id_;
  unsigned int flags = WATCH_ENABLE | WATCH_JSON;
  void* device = nullptr;
  if (!options_.device.empty()) {
    flags |= WATCH_DEVICE;
    device = options_.device.data();
  }
  if (gps_stream(data_.get(), flags, device) != 0) {
    ++counters_.connect_failures;
    log::warning(kComponent, "gpsd at ", endpoint(), " refused the watch request");
    last_connect_failed_ = true;
    close_connection();
    schedule_reconnect();
    return;
  }
  boost::system::error_code ec;
  descriptor_.assign(data_->gps_fd, ec);
  if (ec) {
    ++counters_.connect_failures;
    log::error(kComponent, "cannot watch the gpsd socket: ", ec.message());
    close_connection();
    schedule_reconnect();
    return;
  }
  ++counters_.connects;
  last_connect_failed_ = false;
  state_ = State::streaming;
  log::notice(kComponent, "connected to gpsd at ", endpoint(),
              options_.device.empty() ? std::string() : " watching " + options_.device);
  // Data may already be buffered in the socket: read before the first wait.
  drain();
}

void GpsdClient::wait_readable() {
  descriptor_.async_wait(asio::posix::descriptor_base::wait_read,
                         [this, alive = std::weak_ptr<int>(alive_),
                          id = connection_id_](const boost::system::error_code& ec) {
                           if (alive.expired() || id != connection_id_ || ec) {
                             return;  // destroyed, reconnected, or cancelled
                           }
                           drain();
                         });
}

void GpsdClient::drain() {
  for (int n = 0; n < kReportsPerTurn; ++n) {
    errno = 0;
    const int r = gps_read(data_.get(), nullptr, 0);
    if (r > 0) {
      handle_report(std::chrono::system_clock::now(), std::chrono::steady_clock::now());
      if (!open_) {
        return;  // a handler stopped the client
      }
      continue;
    }
    if (r == 0) {
      if (errno == EAGAIN) {  // == EWOULDBLOCK on Linux
        // Socket empty: epoll is edge-triggered, so waiting is only safe now.
        wait_readable();
        return;
      }
      continue;  // a partial line (or EINTR): read again until EAGAIN
    }
    const int err = errno;
    drop_connection(err == 0 ? std::string("gpsd closed the connection")
                             : std::string(std::strerror(err)));
    return;
  }
  // Many reports waiting: let other work run, then continue.
  asio::post(io_, [this, alive = std::weak_ptr<int>(alive_), id = connection_id_] {
    if (!alive.expired() && id == connection_id_) {
      drain();
    }
  });
}

void GpsdClient::handle_report(std::chrono::system_clock::time_point now,
                               std::chrono::steady_clock::time_point now_steady) {
  ++counters_.reports;
  if (!got_report_on_connection_) {
    got_report_on_connection_ = true;
    backoff_ = options_.reconnect_min;
  }
  if ((data_->set & SATELLITE_SET) != 0) {
    satellites_used_ = data_->satellites_used;
  }
  if (!is_tpv_report(*data_)) {
    return;
  }
  ++counters_.tpv_reports;
  const GpsFix fix = decode_fix(*data_, now, now_steady, satellites_used_);
  if (fix.has_fix()) {
    ++counters_.fixes;
  }
  publish(fix);
  if (fix.has_fix() && fix.time && time_handler_) {
    time_handler_(*fix.time, now);
  }
  if (fix.has_fix()) {
    arm_stale_timer();
  } else {
    stale_timer_.cancel();
  }
}

void GpsdClient::publish(const GpsFix& fix) {
  if (fix.mode != logged_mode_) {
    if (fix.has_fix()) {
      log::info(kComponent, "GPS fix: ", to_string(fix.mode));
    } else {
      log::notice(kComponent, "GPS fix lost");
    }
    logged_mode_ = fix.mode;
  }
  last_fix_ = fix;
  if (fix_handler_) {
    fix_handler_(fix);
  }
}

void GpsdClient::arm_stale_timer() {
  stale_timer_.expires_at(last_fix_.observed_steady + options_.max_fix_age);
  stale_timer_.async_wait(
      [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
        if (alive.expired() || ec || !last_fix_.has_fix()) {
          return;
        }
        if (std::chrono::steady_clock::now() - last_fix_.observed_steady < options_.max_fix_age) {
          arm_stale_timer();  // a newer fix moved the deadline
          return;
        }
        ++counters_.stale_fixes;
        log::warning(kComponent, "no GPS report for ", options_.max_fix_age.count(),
                     " ms: the last fix is stale");
        publish(GpsFix::no_fix(std::chrono::system_clock::now(), std::chrono::steady_clock::now()));
      });
}

void GpsdClient::drop_connection(const std::string& reason) {
  ++counters_.disconnects;
  log::warning(kComponent, "lost the gpsd connection to ", endpoint(), ": ", reason);
  close_connection();
  stale_timer_.cancel();
  if (last_fix_.has_fix()) {
    publish(GpsFix::no_fix(std::chrono::system_clock::now(), std::chrono::steady_clock::now()));
  }
  last_connect_failed_ = false;
  schedule_reconnect();
}

void GpsdClient::schedule_reconnect() {
  state_ = State::waiting_to_reconnect;
  const auto delay = backoff_;
  backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
  reconnect_timer_.expires_after(delay);
  reconnect_timer_.async_wait(
      [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
        if (alive.expired() || ec || state_ != State::waiting_to_reconnect) {
          return;
        }
        connect();
      });
}

GpsFix GpsdClient::current_fix() const {
  const auto now = std::chrono::steady_clock::now();
  if (!last_fix_.has_fix() || now - last_fix_.observed_steady >= options_.max_fix_age) {
    return GpsFix::no_fix(std::chrono::system_clock::now(), now);
  }
  return last_fix_;
}

}  // namespace canhose::gps
