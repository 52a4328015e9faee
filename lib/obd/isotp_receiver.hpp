#pragma once
// IsoTpReceiver: reassembles the ISO 15765-2 messages one ECU sends on one response id
// (e.g. 0x7E8) and answers its first frames with flow control on that ECU's physical
// request id (e.g. 0x7E0): "clear to send", block size 0, STmin 0 — send everything, as
// fast as you like.
//
// Robustness: every frame is checked against the PCI rules; a malformed frame, a
// consecutive frame out of sequence or a silence longer than N_Cr aborts the transfer in
// progress, is counted in stats() and reported through on_aborted — never a crash. The
// reassembly buffer is bounded by `max_message` (at most 4095, the 12-bit first-frame
// limit); a longer announced message is refused with a flow control "overflow".
//
// Lifetime: the receiver owns an asio timer; destroy it on the event loop thread. Handlers
// that are already queued see a dead guard and do nothing.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "asio/asio.hpp"
#include "obd/obd_frame.hpp"

namespace canhose::obd {

struct IsoTpReceiverStats {
  std::uint64_t messages = 0;           // complete messages delivered
  std::uint64_t malformed_frames = 0;   // bad PCI, impossible lengths, short frames
  std::uint64_t sequence_errors = 0;    // consecutive frame with the wrong sequence number
  std::uint64_t unexpected_frames = 0;  // consecutive frame with no transfer, flow control
  std::uint64_t timeouts = 0;           // N_Cr expired mid-transfer
  std::uint64_t overflows = 0;          // announced length above max_message
  std::uint64_t interrupted = 0;        // a new single/first frame replaced a transfer
};

class IsoTpReceiver {
 public:
  struct Handlers {
    // A complete message; the span is valid only during the call.
    std::function<void(std::span<const std::uint8_t> payload, std::int64_t timestamp_ns)>
        on_message;
    // A transfer in progress was abandoned; `reason` is a static string.
    std::function<void(std::string_view reason)> on_aborted;
  };

  IsoTpReceiver(asio::io_context& io, std::uint32_t response_id, std::uint32_t flow_control_id,
                FrameSender send, Handlers handlers,
                std::chrono::milliseconds n_cr = std::chrono::milliseconds(1000),
                std::size_t max_message = 4095);
  ~IsoTpReceiver();
  IsoTpReceiver(const IsoTpReceiver&) = delete;
  IsoTpReceiver& operator=(const IsoTpReceiver&) = delete;

  // A frame received on response_id(). Frames with another id are a programmer error
  // (the caller demultiplexes) and are ignored.
  void on_frame(const ObdFrame& frame);
  // Drops any transfer in progress without reporting it (e.g. at shutdown).
  void reset();

  bool in_progress() const { return expected_ > 0; }
  std::uint32_t response_id() const { return response_id_; }
  const IsoTpReceiverStats& stats() const { return stats_; }

 private:
  void on_single(const ObdFrame& f);
  void on_first(const ObdFrame& f);
  void on_consecutive(const ObdFrame& f);
  void abort(std::string_view reason);
  using Clock = std::chrono::steady_clock;
  void watch_n_cr();
  void stop_timer();
  void arm_timer(Clock::time_point expiry);

  asio::steady_timer timer_;
  std::uint32_t response_id_;
  std::uint32_t flow_control_id_;
  FrameSender send_;
  Handlers handlers_;
  std::chrono::milliseconds n_cr_;
  std::size_t max_message_;
  std::vector<std::uint8_t> buffer_;  // capacity reserved once: max_message_
  std::size_t expected_ = 0;          // total length of the transfer in progress, 0 = idle
  std::uint8_t next_sequence_ = 0;
  Clock::time_point last_frame_{};  // arrival of the transfer's latest frame (for N_Cr)
  bool timer_armed_ = false;
  IsoTpReceiverStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace canhose::obd
