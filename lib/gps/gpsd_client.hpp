#pragma once
// A gpsd client on libgps whose socket is driven by the event loop.
//
// Connection: gps_open() to host:port, then gps_stream(WATCH_ENABLE | WATCH_JSON
// [| WATCH_DEVICE]). libgps leaves the socket non-blocking; an asio stream_descriptor
// waits for readability (async_wait(wait_read)) and gps_read() is called until it reports
// EAGAIN, at most kReportsPerTurn reports per turn of the loop (then the rest is posted),
// so nothing ever blocks or starves the loop. The descriptor belongs to libgps: it is
// released from asio before gps_close().
//
// Reconnect: when gpsd is unreachable or the connection drops (gpsd stopped, restarted,
// killed), the client closes everything, reports "no fix", and retries after a delay
// that starts at reconnect_min and doubles up to reconnect_max; it returns to
// reconnect_min once a connection has delivered a report. Each state change is logged
// once (repeated connect failures are debug-level).
//
// Staleness: a fix with no newer report for max_fix_age is reported as "no fix" (the
// fix handler is called with a no-fix value, and current_fix() returns one).
//
// GPS time: every TPV with mode >= 2D and a valid time calls the time handler with
// (UTC from the receiver, local system_clock when the report arrived), for the AWS
// clock-offset estimate.
//
// Never blocking on connect: gps_open() resolves and connects synchronously, so the client
// first resolves the host and connects with asio (async, kConnectTimeout), closes that
// probe connection, and hands libgps the numeric address that answered; libgps's own
// connect then returns at once. (gpsd sees one short extra connection per attempt.)
//
// Lifetime: all methods on the event-loop thread. Destroying the client closes the
// connection; handlers still queued in the io_context see it is gone and do nothing.

#include <gps.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "asio/asio.hpp"
#include "gps/gps_fix.hpp"
#include "gps/gpsd_options.hpp"

namespace canhose::gps {

class GpsdClient {
 public:
  using FixHandler = std::function<void(const GpsFix&)>;
  using TimeHandler = std::function<void(std::chrono::sys_time<std::chrono::milliseconds> gps_utc,
                                         std::chrono::system_clock::time_point local_observed)>;

  enum class State { stopped, connecting, streaming, waiting_to_reconnect };

  struct Counters {
    std::uint64_t connects = 0;          // successful connections
    std::uint64_t connect_failures = 0;  // gps_open()/gps_stream() failures
    std::uint64_t disconnects = 0;       // established connections lost
    std::uint64_t reports = 0;           // messages unpacked (any class)
    std::uint64_t tpv_reports = 0;       // TPV messages
    std::uint64_t fixes = 0;             // TPVs with a 2D/3D fix
    std::uint64_t stale_fixes = 0;       // fixes that aged past max_fix_age
  };

  static constexpr int kReportsPerTurn = 64;
  static constexpr std::chrono::seconds kConnectTimeout{5};

  GpsdClient(asio::io_context& io, GpsdOptions options);
  GpsdClient(const GpsdClient&) = delete;
  GpsdClient& operator=(const GpsdClient&) = delete;
  ~GpsdClient();

  // Called for every TPV report, for disconnects and for staleness (with a no-fix value).
  void on_fix(FixHandler handler) { fix_handler_ = std::move(handler); }
  void on_gps_time(TimeHandler handler) { time_handler_ = std::move(handler); }

  void start();  // connects (first attempt immediately)
  void stop();   // closes the connection and cancels retries; start() may follow

  State state() const { return state_; }
  // The latest fix, or "no fix" if none arrived within max_fix_age.
  GpsFix current_fix() const;
  const Counters& counters() const { return counters_; }
  const GpsdOptions& options() const { return options_; }

 private:
  void connect();
  void connect_failed(const std::string& reason);
  void open_stream(const std::string& numeric_host);
  void wait_readable();
  void drain();
  void handle_report(std::chrono::system_clock::time_point now,
                     std::chrono::steady_clock::time_point now_steady);
  void publish(const GpsFix& fix);
  void arm_stale_timer();
  void drop_connection(const std::string& reason);
  void schedule_reconnect();
  void close_connection();
  std::string endpoint() const;

  asio::io_context& io_;
  GpsdOptions options_;
  std::unique_ptr<gps_data_t> data_;  // large (skyview tables): kept off the stack
  bool open_ = false;                 // gps_open() succeeded and gps_close() is due
  asio::ip::tcp::resolver resolver_;
  asio::ip::tcp::socket probe_;  // the asynchronous reachability check before gps_open()
  asio::steady_timer connect_timer_;
  std::uint64_t attempt_id_ = 0;  // bumps per connect attempt and on stop()
  asio::posix::stream_descriptor descriptor_;
  asio::steady_timer reconnect_timer_;
  asio::steady_timer stale_timer_;
  std::chrono::milliseconds backoff_;
  std::uint64_t connection_id_ = 0;  // bumps on every connect/close: stale completions
                                     // of an earlier connection are ignored
  bool got_report_on_connection_ = false;
  bool last_connect_failed_ = false;
  State state_ = State::stopped;
  std::optional<int> satellites_used_;  // from the latest SKY on this connection
  GpsFix last_fix_;
  FixMode logged_mode_ = FixMode::none;
  FixHandler fix_handler_;
  TimeHandler time_handler_;
  Counters counters_;
  // Handlers hold a weak_ptr to this token: once the client is gone they do nothing.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

std::string_view to_string(GpsdClient::State state);

}  // namespace canhose::gps
