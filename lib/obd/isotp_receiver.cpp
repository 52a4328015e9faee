#include "obd/isotp_receiver.hpp"

#include <algorithm>
#include <chrono>

#include "obd/isotp_pci.hpp"

namespace canhose::obd {

namespace {

std::int64_t timestamp_or_now(std::int64_t ts) {
  if (ts != 0) {
    return ts;
  }
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

IsoTpReceiver::IsoTpReceiver(asio::io_context& io, std::uint32_t response_id,
                             std::uint32_t flow_control_id, FrameSender send, Handlers handlers,
                             std::chrono::milliseconds n_cr, std::size_t max_message)
    : timer_(io),
      response_id_(response_id),
      flow_control_id_(flow_control_id),
      send_(std::move(send)),
      handlers_(std::move(handlers)),
      n_cr_(n_cr),
      max_message_(std::min(max_message, isotp::max_message_length)) {
  buffer_.reserve(max_message_);
}

IsoTpReceiver::~IsoTpReceiver() {
  *alive_ = false;
}

void IsoTpReceiver::on_frame(const ObdFrame& f) {
  if (f.id != response_id_) {
    return;
  }
  if (f.len > f.data.size()) {
    // Breaks ObdFrame's invariant (a CAN FD frame passed through unconverted?): never read
    // past the 8 bytes.
    ++stats_.malformed_frames;
    if (in_progress()) {
      abort("frame longer than 8 bytes");
    }
    return;
  }
  switch (isotp::frame_type(f)) {
    case isotp::FrameType::single:
      on_single(f);
      break;
    case isotp::FrameType::first:
      on_first(f);
      break;
    case isotp::FrameType::consecutive:
      on_consecutive(f);
      break;
    case isotp::FrameType::flow_control:
      // We never send multi-frame messages to an ECU, so no flow control is due to us.
      ++stats_.unexpected_frames;
      break;
    case isotp::FrameType::invalid:
      ++stats_.malformed_frames;
      if (in_progress()) {
        abort("malformed frame");
      }
      break;
  }
}

void IsoTpReceiver::on_single(const ObdFrame& f) {
  const std::size_t length = f.data[0] & 0x0F;
  if (length == 0 || length > 7 || length + 1 > f.len) {
    // SF_DL 0 is the CAN FD escape, which classic CAN must not use; a length beyond the
    // frame is a truncated frame.
    ++stats_.malformed_frames;
    if (in_progress()) {
      abort("malformed single frame");
    }
    return;
  }
  if (in_progress()) {
    // ISO 15765-2: a new single frame during reception ends the old transfer.
    ++stats_.interrupted;
    abort("interrupted by a single frame");
  }
  ++stats_.messages;
  if (handlers_.on_message) {
    handlers_.on_message(std::span<const std::uint8_t>(f.data.data() + 1, length),
                         timestamp_or_now(f.timestamp_ns));
  }
}

void IsoTpReceiver::on_first(const ObdFrame& f) {
  if (in_progress()) {
    ++stats_.interrupted;
    abort("interrupted by a first frame");
  }
  if (f.len < 8) {
    ++stats_.malformed_frames;
    return;
  }
  const std::size_t length = (std::size_t{f.data[0] & 0x0Fu} << 8) | f.data[1];
  if (length < 8) {
    // Zero is the escape for lengths above 4095; 1..7 fit a single frame and are invalid.
    if (length == 0) {
      ++stats_.overflows;
      send_(isotp::make_flow_control(flow_control_id_, isotp::FlowStatus::overflow, 0, 0));
    } else {
      ++stats_.malformed_frames;
    }
    return;
  }
  if (length > max_message_) {
    ++stats_.overflows;
    send_(isotp::make_flow_control(flow_control_id_, isotp::FlowStatus::overflow, 0, 0));
    return;
  }
  buffer_.assign(f.data.begin() + 2, f.data.begin() + 8);
  expected_ = length;
  next_sequence_ = 1;
  send_(isotp::make_flow_control(flow_control_id_, isotp::FlowStatus::clear_to_send, 0, 0));
  watch_n_cr();
}

void IsoTpReceiver::on_consecutive(const ObdFrame& f) {
  if (!in_progress()) {
    ++stats_.unexpected_frames;
    return;
  }
  const std::uint8_t sequence = f.data[0] & 0x0F;
  if (sequence != next_sequence_) {
    ++stats_.sequence_errors;
    abort("consecutive frame out of sequence");
    return;
  }
  const std::size_t remaining = expected_ - buffer_.size();
  const std::size_t available = f.len - 1u;
  if (available < std::min<std::size_t>(remaining, 7)) {
    // Every consecutive frame but the last carries 7 bytes, and the last carries the rest.
    ++stats_.malformed_frames;
    abort("short consecutive frame");
    return;
  }
  const std::size_t take = std::min(remaining, available);
  buffer_.insert(buffer_.end(), f.data.begin() + 1, f.data.begin() + 1 + static_cast<long>(take));
  next_sequence_ = static_cast<std::uint8_t>((next_sequence_ + 1) & 0x0F);
  if (buffer_.size() < expected_) {
    last_frame_ = Clock::now();
    return;
  }
  stop_timer();
  expected_ = 0;
  ++stats_.messages;
  if (handlers_.on_message) {
    // The span points into buffer_, which stays untouched until the handler returns.
    handlers_.on_message(std::span<const std::uint8_t>(buffer_.data(), buffer_.size()),
                         timestamp_or_now(f.timestamp_ns));
  }
  if (!in_progress()) {
    buffer_.clear();
  }
}

void IsoTpReceiver::abort(std::string_view reason) {
  stop_timer();
  expected_ = 0;
  buffer_.clear();
  if (handlers_.on_aborted) {
    handlers_.on_aborted(reason);
  }
}

void IsoTpReceiver::reset() {
  stop_timer();
  expected_ = 0;
  buffer_.clear();
}

void IsoTpReceiver::watch_n_cr() {
  last_frame_ = Clock::now();
  if (!timer_armed_) {
    arm_timer(last_frame_ + n_cr_);
  }
}

void IsoTpReceiver::stop_timer() {
  if (timer_armed_) {
    timer_.cancel();
    timer_armed_ = false;
  }
}

void IsoTpReceiver::arm_timer(Clock::time_point expiry) {
  timer_armed_ = true;
  timer_.expires_at(expiry);
  timer_.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        const auto guard = alive.lock();
        if (ec || !guard || !*guard) {
          return;  // cancelled (the state that cancelled it is already consistent) or gone
        }
        timer_armed_ = false;
        if (!in_progress()) {
          return;
        }
        // The timer is not moved on every consecutive frame (that would cost a timer queue
        // update, often a timerfd syscall, per frame); it checks the last frame's age instead.
        const Clock::time_point deadline = last_frame_ + n_cr_;
        if (deadline > Clock::now()) {
          arm_timer(deadline);
          return;
        }
        ++stats_.timeouts;
        abort("N_Cr timeout waiting for a consecutive frame");
      });
}

}  // namespace canhose::obd
