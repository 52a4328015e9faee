#pragma once
// CanInterfaceChannel: one configured CAN interface, kept open for the life of the source.
//
//   opening --ok--> running <--frames-- link_down (ENETDOWN: interface set down; the
//      ^              |                             socket stays bound and receives again
//      |           closed/error                     when it comes back up)
//      +-- waiting_retry <--+  (backoff: retry_initial doubling to retry_max; reset after
//                               a successful open)
//
// Each state change is logged once (a missing interface retried every 30 s logs once, not
// every 30 s). With manage_interface, the interface is configured through libsocketcan
// before the first successful open, and restarted after bus-off when restart_ms is 0.
// Everything runs on the event loop; stop() cancels the timers and the reader.

#include <memory>
#include <string>

#include "asio/asio.hpp"
#include "can/can_channel_opener.hpp"
#include "can/can_frame_reader.hpp"
#include "can/can_interface_controller.hpp"
#include "can/can_options.hpp"

namespace canhose::can {

class CanInterfaceChannel {
 public:
  enum class State { stopped, opening, running, link_down, waiting_retry };

  CanInterfaceChannel(asio::io_context& io, CanInterfaceOptions options,
                      const CanSourceOptions& common, CanChannelOpener& opener,
                      FrameBatchHandler on_frames);
  ~CanInterfaceChannel();
  CanInterfaceChannel(const CanInterfaceChannel&) = delete;
  CanInterfaceChannel& operator=(const CanInterfaceChannel&) = delete;

  void start();
  void stop();

  State state() const { return state_; }
  const std::string& name() const { return options_.name; }
  // Totals over every descriptor this channel has had.
  CanFrameReaderStats stats() const;
  std::uint64_t opens() const { return opens_; }
  std::uint64_t failed_opens() const { return failed_opens_; }
  // The last open failure's message (empty after a successful open).
  const std::string& last_failure() const { return last_failure_; }
  // The controller state the last error frame reported (error_active after an open, until
  // an error frame says otherwise): for status and metrics.
  CanControllerState bus_state() const { return bus_state_; }
  std::string status() const;

 private:
  void try_open();
  void schedule_retry();
  void on_closed(std::error_code ec);
  void on_error_frame(const ErrorFrameInfo& info);
  void set_state(State s, const std::string& why);
  void retire_reader();

  asio::io_context& io_;
  CanInterfaceOptions options_;
  CanFrameReaderOptions reader_options_;
  base::Duration retry_initial_;
  base::Duration retry_max_;
  base::Duration retry_delay_;
  CanChannelOpener& opener_;
  FrameBatchHandler on_frames_;
  CanInterfaceController controller_;
  bool configured_ = false;
  std::string last_control_error_;

  State state_ = State::stopped;
  std::string state_reason_;
  std::unique_ptr<CanFrameReader> reader_;
  CanFrameReaderStats retired_stats_;
  asio::steady_timer retry_timer_;
  asio::steady_timer restart_timer_;
  std::uint64_t opens_ = 0;
  std::uint64_t failed_opens_ = 0;
  std::string last_failure_;
  CanControllerState bus_state_ = CanControllerState::unknown;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

const char* to_string(CanInterfaceChannel::State s);
void add(CanFrameReaderStats& total, const CanFrameReaderStats& more);

}  // namespace canhose::can
