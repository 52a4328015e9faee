#include "can/can_interface_channel.hpp"

#include <sstream>

#include "log/logger.hpp"

namespace canhose::can {

const char* to_string(CanInterfaceChannel::State s) {
  switch (s) {
    case CanInterfaceChannel::State::stopped:
      return "stopped";
    case CanInterfaceChannel::State::opening:
      return "opening";
    case CanInterfaceChannel::State::running:
      return "running";
    case CanInterfaceChannel::State::link_down:
      return "link down";
    case CanInterfaceChannel::State::waiting_retry:
      return "waiting to retry";
  }
  return "?";
}

void add(CanFrameReaderStats& t, const CanFrameReaderStats& m) {
  t.frames += m.frames;
  t.fd_frames += m.fd_frames;
  t.filtered += m.filtered;
  t.malformed += m.malformed;
  t.kernel_drops += m.kernel_drops;
  t.read_calls += m.read_calls;
  t.errors.error_frames += m.errors.error_frames;
  t.errors.bus_off += m.errors.bus_off;
  t.errors.error_passive += m.errors.error_passive;
  t.errors.error_warning += m.errors.error_warning;
  t.errors.controller_problems += m.errors.controller_problems;
  t.errors.protocol_violations += m.errors.protocol_violations;
  t.errors.no_ack += m.errors.no_ack;
  t.errors.restarted += m.errors.restarted;
}

CanInterfaceChannel::CanInterfaceChannel(asio::io_context& io, CanInterfaceOptions options,
                                         const CanSourceOptions& common, CanChannelOpener& opener,
                                         FrameBatchHandler on_frames)
    : io_(io),
      options_(std::move(options)),
      retry_initial_(common.retry_initial),
      retry_max_(common.retry_max),
      retry_delay_(common.retry_initial),
      opener_(opener),
      on_frames_(std::move(on_frames)),
      controller_(options_.name),
      retry_timer_(io),
      restart_timer_(io) {
  reader_options_.read_batch = common.read_batch;
  reader_options_.stream_record_size = options_.fd ? CANFD_MTU : CAN_MTU;
}

CanInterfaceChannel::~CanInterfaceChannel() {
  alive_.reset();
}

void CanInterfaceChannel::start() {
  if (state_ != State::stopped) {
    return;
  }
  retry_delay_ = retry_initial_;
  set_state(State::opening, "");
  try_open();
}

void CanInterfaceChannel::stop() {
  retry_timer_.cancel();
  restart_timer_.cancel();
  if (reader_) {
    reader_->stop();
    retire_reader();  // safe even when stop() is called from the frame handler
  }
  set_state(State::stopped, "");
}

void CanInterfaceChannel::set_state(State s, const std::string& why) {
  if (s == state_ && why == state_reason_) {
    return;
  }
  state_ = s;
  state_reason_ = why;
  const std::string text =
      why.empty() ? std::string(to_string(s)) : std::string(to_string(s)) + ": " + why;
  switch (s) {
    case State::running:
    case State::stopped:
    case State::opening:
      log::info("can", options_.name, ": ", text);
      break;
    case State::link_down:
    case State::waiting_retry:
      log::warning("can", options_.name, ": ", text);
      break;
  }
}

void CanInterfaceChannel::try_open() {
  // No state change here: a retry that fails the same way must not log again.
  if (options_.manage_interface && !configured_) {
    const CanControlResult r = controller_.configure(
        options_.bitrate, static_cast<std::uint32_t>(options_.restart_ms.count()));
    if (r.ok) {
      configured_ = true;
      last_control_error_.clear();
      log::info("can", options_.name, ": configured through libsocketcan (bitrate ",
                options_.bitrate == 0 ? std::string("unchanged") : std::to_string(options_.bitrate),
                ", restart_ms ", options_.restart_ms.count(), ")");
    } else if (r.message != last_control_error_) {
      last_control_error_ = r.message;
      log::error("can", r.message);
    }
  }
  CanChannelOpen opened = opener_.open(options_);
  if (!opened.ok()) {
    ++failed_opens_;
    last_failure_ = opened.message;
    set_state(State::waiting_retry, opened.message);
    schedule_retry();
    return;
  }
  ++opens_;
  last_failure_.clear();
  bus_state_ = CanControllerState::error_active;
  retry_delay_ = retry_initial_;
  std::weak_ptr<int> alive = alive_;
  CanFrameReaderCallbacks callbacks;
  callbacks.frames = [this](std::span<const CanFrame> frames) {
    if (state_ != State::running) {
      set_state(State::running, "receiving");
    }
    on_frames_(frames);
  };
  callbacks.error_frame = [this](const CanFrame&, const ErrorFrameInfo& info) {
    on_error_frame(info);
  };
  callbacks.transient_error = [this](std::error_code ec) {
    set_state(State::link_down, "interface is down (" + ec.message() + ")");
  };
  callbacks.closed = [this](std::error_code ec) { on_closed(ec); };
  reader_ = std::make_unique<CanFrameReader>(io_, opened.fd, options_.name, opened.ifindex,
                                             reader_options_, std::move(callbacks));
  if (opened.needs_user_filter) {
    reader_->set_user_filter(CanIdFilterSet(options_.filters));
  }
  reader_->start();
  if (options_.manage_interface) {
    const CanControlResult st = controller_.read_state();
    if (st.ok) {
      log::info("can", options_.name, ": controller state ", to_string(st.state));
    } else if (st.message != last_control_error_) {
      last_control_error_ = st.message;
      log::warning("can", st.message);
    }
  }
  if (opened.link_up) {
    set_state(State::running, "");
  } else {
    set_state(State::link_down, "interface is down; frames flow when it comes up");
  }
}

void CanInterfaceChannel::schedule_retry() {
  retry_timer_.expires_after(retry_delay_);
  std::weak_ptr<int> alive = alive_;
  retry_timer_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (ec || alive.expired() || state_ != State::waiting_retry) {
      return;
    }
    try_open();
  });
  retry_delay_ = std::min(retry_delay_ * 2, retry_max_);
}

void CanInterfaceChannel::retire_reader() {
  if (!reader_) {
    return;
  }
  add(retired_stats_, reader_->stats());
  // We may be inside one of the reader's callbacks: destroy it once they have returned.
  asio::post(io_, [r = std::shared_ptr<CanFrameReader>(std::move(reader_))] {});
}

void CanInterfaceChannel::on_closed(std::error_code ec) {
  retire_reader();
  set_state(State::waiting_retry, "descriptor closed (" + ec.message() + "); reopening");
  schedule_retry();
}

void CanInterfaceChannel::on_error_frame(const ErrorFrameInfo& info) {
  if (info.bus_off) {
    bus_state_ = CanControllerState::bus_off;
  } else if (info.error_passive) {
    bus_state_ = CanControllerState::error_passive;
  } else if (info.error_warning) {
    bus_state_ = CanControllerState::error_warning;
  } else if (info.back_to_active || info.restarted) {
    bus_state_ = CanControllerState::error_active;
  }
  if (!info.bus_off || !options_.manage_interface || options_.restart_ms.count() != 0) {
    return;
  }
  restart_timer_.expires_after(options_.bus_off_restart_delay);
  std::weak_ptr<int> alive = alive_;
  restart_timer_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (ec || alive.expired()) {
      return;
    }
    const CanControlResult r = controller_.restart();
    if (r.ok) {
      log::notice("can", options_.name, ": restarted after bus-off");
    } else {
      log::error("can", r.message);
    }
  });
}

CanFrameReaderStats CanInterfaceChannel::stats() const {
  CanFrameReaderStats s = retired_stats_;
  if (reader_) {
    add(s, reader_->stats());
  }
  return s;
}

std::string CanInterfaceChannel::status() const {
  const CanFrameReaderStats s = stats();
  std::ostringstream out;
  out << options_.name << ' ' << to_string(state_) << ' ' << s.frames << " frames";
  if (s.errors.error_frames != 0) {
    out << ' ' << s.errors.error_frames << " error frames";
  }
  if (s.kernel_drops != 0) {
    out << ' ' << s.kernel_drops << " dropped";
  }
  if (s.malformed != 0) {
    out << ' ' << s.malformed << " malformed";
  }
  return out.str();
}

}  // namespace canhose::can
