#pragma once
// ObdSource puts the OBD-II poller on a CAN interface: it opens a CAN_RAW socket bound to
// sources.obd.interface with a kernel filter for the answer ids (0x7E0-0x7EF), reads the
// answers with the CAN layer's reader and writes the poller's requests and flow-control
// frames as struct can_frame. If the interface is missing or the socket fails, it logs once
// and retries with backoff; the poller keeps its schedule meanwhile (unanswered requests
// time out, as with the ignition off).
//
// The opener is an interface so tests can hand it a socketpair with a simulated ECU on the
// other end (this machine's kernel has no AF_CAN); the daemon uses SocketCanOpener.

#include <memory>
#include <string>

#include "asio/asio.hpp"
#include "can/can_channel_opener.hpp"
#include "can/can_frame_reader.hpp"
#include "lifecycle/component.hpp"
#include "obd/obd_poller.hpp"

namespace canhose::obd {

struct ObdSourceStats {
  std::uint64_t frames_sent = 0;
  std::uint64_t send_failures = 0;  // socket full, interface down, not open
  std::uint64_t opens = 0;
  std::uint64_t open_failures = 0;
};

class ObdSource final : public lifecycle::Component {
 public:
  // Throws std::invalid_argument when the options are unusable (start-up failure).
  ObdSource(asio::io_context& io, ObdOptions options, can::CanChannelOpener& opener,
            ObdCallbacks callbacks);
  ~ObdSource() override;

  std::string_view name() const override { return "obd"; }
  void start() override;
  void async_stop(std::chrono::steady_clock::time_point deadline,
                  std::function<void()> done) override;
  std::string status() const override;

  const ObdPoller& poller() const { return *poller_; }
  const ObdSourceStats& stats() const { return stats_; }
  bool link_open() const { return reader_ != nullptr && write_fd_ >= 0; }

 private:
  void open_link();
  void close_link();
  void retry_later();
  void send(const ObdFrame& frame);

  asio::io_context& io_;
  ObdOptions options_;
  can::CanChannelOpener& opener_;
  std::unique_ptr<ObdPoller> poller_;
  std::unique_ptr<can::CanFrameReader> reader_;
  int write_fd_ = -1;  // a dup of the reader's socket: requests go out on the same socket
  asio::steady_timer retry_timer_;
  std::chrono::milliseconds retry_delay_;
  bool running_ = false;
  bool open_failure_logged_ = false;
  ObdSourceStats stats_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace canhose::obd
