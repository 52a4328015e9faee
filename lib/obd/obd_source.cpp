#include "obd/obd_source.hpp"

#include <linux/can.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "can/can_filter.hpp"
#include "log/logger.hpp"

namespace canhose::obd {
namespace {

constexpr std::string_view kLog = "obd";
constexpr std::chrono::milliseconds kRetryInitial{1000};
constexpr std::chrono::milliseconds kRetryMax{30000};

// Answers (0x7E8-0x7EF) and the tester-side ids (0x7E0-0x7E7) of ISO 15765-4: 0x7E0/0x7F0.
can::CanInterfaceOptions link_options(const ObdOptions& options) {
  can::CanInterfaceOptions o;
  o.name = options.interface;
  o.error_frames = false;
  const can::CanIdFilterParse answers = can::parse_can_id_filter("0x7E0/0x7F0");
  if (answers.filter) {
    o.filters.push_back(*answers.filter);
  }
  return o;
}

}  // namespace

ObdSource::ObdSource(asio::io_context& io, ObdOptions options, can::CanChannelOpener& opener,
                     ObdCallbacks callbacks)
    : io_(io),
      options_(std::move(options)),
      opener_(opener),
      retry_timer_(io),
      retry_delay_(kRetryInitial) {
  poller_ = std::make_unique<ObdPoller>(
      io, options_, [this](const ObdFrame& f) { send(f); }, std::move(callbacks));
}

ObdSource::~ObdSource() {
  close_link();
}

void ObdSource::start() {
  running_ = true;
  open_link();
  poller_->start();
}

void ObdSource::open_link() {
  if (!running_ || link_open()) {
    return;
  }
  can::CanChannelOpen opened = opener_.open(link_options(options_));
  if (!opened.ok()) {
    ++stats_.open_failures;
    if (!open_failure_logged_) {
      log::warning(kLog, "cannot open ", options_.interface, " for OBD-II: ", opened.message,
                   "; retrying with backoff (requests go unanswered until then)");
      open_failure_logged_ = true;
    }
    retry_later();
    return;
  }
  write_fd_ = ::dup(opened.fd);
  if (write_fd_ < 0) {
    ::close(opened.fd);
    retry_later();
    return;
  }
  can::CanFrameReaderCallbacks callbacks;
  callbacks.frames = [this](std::span<const can::CanFrame> frames) {
    for (const can::CanFrame& f : frames) {
      if (f.extended || f.fd || f.rtr || f.error) {
        continue;
      }
      ObdFrame frame;
      frame.id = f.id;
      frame.len = std::min<std::uint8_t>(f.len, 8);
      std::copy_n(f.data.begin(), frame.len, frame.data.begin());
      frame.timestamp_ns = f.timestamp_ns;
      poller_->on_frame(frame);
    }
  };
  std::weak_ptr<int> alive = alive_;
  callbacks.closed = [this, alive](std::error_code ec) {
    // Called from inside the reader: tear down later, not under its feet.
    asio::post(io_, [this, alive, ec] {
      if (alive.expired()) {
        return;
      }
      log::warning(kLog, options_.interface, " OBD-II link closed (", ec.message(), "); reopening");
      close_link();
      retry_later();
    });
  };
  reader_ =
      std::make_unique<can::CanFrameReader>(io_, opened.fd, options_.interface, opened.ifindex,
                                            can::CanFrameReaderOptions{}, std::move(callbacks));
  if (opened.needs_user_filter) {
    reader_->set_user_filter(can::CanIdFilterSet(link_options(options_).filters));
  }
  reader_->start();
  ++stats_.opens;
  retry_delay_ = kRetryInitial;
  if (open_failure_logged_) {
    log::notice(kLog, options_.interface, " open for OBD-II again");
    open_failure_logged_ = false;
  }
}

void ObdSource::close_link() {
  if (reader_) {
    reader_->stop();
    reader_.reset();
  }
  if (write_fd_ >= 0) {
    ::close(write_fd_);
    write_fd_ = -1;
  }
}

void ObdSource::retry_later() {
  if (!running_) {
    return;
  }
  retry_timer_.expires_after(retry_delay_);
  retry_delay_ = std::min(retry_delay_ * 2, kRetryMax);
  std::weak_ptr<int> alive = alive_;
  retry_timer_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (!ec && !alive.expired()) {
      open_link();
    }
  });
}

void ObdSource::send(const ObdFrame& frame) {
  if (write_fd_ < 0) {
    ++stats_.send_failures;
    return;
  }
  can_frame out{};
  out.can_id = frame.id & CAN_SFF_MASK;
  out.len = frame.len;
  std::copy_n(frame.data.begin(), frame.len, out.data);
  // Non-blocking: a request that does not fit the socket buffer is not answered and the
  // poller's timeout handles it like any unanswered request.
  const ssize_t n = ::send(write_fd_, &out, sizeof out, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n == static_cast<ssize_t>(sizeof out)) {
    ++stats_.frames_sent;
    return;
  }
  if (n < 0 && errno == ENOTSOCK) {
    if (::write(write_fd_, &out, sizeof out) == static_cast<ssize_t>(sizeof out)) {
      ++stats_.frames_sent;
      return;
    }
  }
  ++stats_.send_failures;
  log::warning(kLog, "cannot send an OBD-II request on ", options_.interface, ": ",
               n < 0 ? std::strerror(errno) : "short write");
}

void ObdSource::async_stop(std::chrono::steady_clock::time_point deadline,
                           std::function<void()> done) {
  running_ = false;
  retry_timer_.cancel();
  poller_->async_stop(deadline, [this, done = std::move(done)] {
    close_link();
    done();
  });
}

std::string ObdSource::status() const {
  if (!link_open()) {
    return "obd " + options_.interface + " not open";
  }
  return poller_->status();
}

}  // namespace canhose::obd
