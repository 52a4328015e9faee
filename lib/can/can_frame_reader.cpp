#include "can/can_frame_reader.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include "can/receive_metadata.hpp"
#include "log/logger.hpp"

namespace canhose::can {

namespace {

constexpr std::size_t kControlSize = 128;  // timestamp (32) + drop counter (24), aligned

std::int64_t wall_clock_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

CanFrameReader::CanFrameReader(asio::io_context& io, int fd, std::string interface,
                               std::uint32_t ifindex, CanFrameReaderOptions options,
                               CanFrameReaderCallbacks callbacks)
    : descriptor_(io),
      interface_(std::move(interface)),
      ifindex_(ifindex),
      options_(options),
      callbacks_(std::move(callbacks)) {
  options_.read_batch = std::clamp<std::size_t>(options_.read_batch, 1, 1024);
  options_.max_batches_per_wake = std::max<std::size_t>(options_.max_batches_per_wake, 1);
  if (options_.stream_record_size != CANFD_MTU) {
    options_.stream_record_size = CAN_MTU;
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) {
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  }
  int type = 0;
  socklen_t type_len = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) == 0) {
    eof_on_empty_ = type == SOCK_SEQPACKET || type == SOCK_STREAM;
  }
  descriptor_.assign(fd);

  const std::size_t n = options_.read_batch;
  headers_.resize(n);
  iovecs_.resize(n);
  records_.resize(n * CANFD_MTU);
  control_.resize(n * kControlSize);
  batch_.resize(n);
  for (CanFrame& f : batch_) {
    f.interface = interface_;
    f.ifindex = ifindex_;
  }
  // The parts of the headers the kernel does not change; read_messages() resets the rest.
  for (std::size_t i = 0; i < n; ++i) {
    iovecs_[i].iov_base = records_.data() + i * CANFD_MTU;
    iovecs_[i].iov_len = CANFD_MTU;
    msghdr& h = headers_[i].msg_hdr;
    h = msghdr{};
    h.msg_iov = &iovecs_[i];
    h.msg_iovlen = 1;
    h.msg_control = control_.data() + i * kControlSize;
    h.msg_controllen = kControlSize;
  }
}

CanFrameReader::~CanFrameReader() {
  alive_.reset();
  boost::system::error_code ignored;
  descriptor_.close(ignored);
}

void CanFrameReader::start() {
  if (running_ || !descriptor_.is_open()) {
    return;
  }
  running_ = true;
  arm();
}

void CanFrameReader::stop() {
  running_ = false;
  boost::system::error_code ignored;
  descriptor_.cancel(ignored);
}

void CanFrameReader::arm() {
  std::weak_ptr<int> alive = alive_;
  descriptor_.async_wait(asio::posix::stream_descriptor::wait_read,
                         [this, alive](const boost::system::error_code& ec) {
                           if (alive.expired() || !running_) {
                             return;
                           }
                           if (ec) {
                             close_with(std::error_code(ec.value(), std::generic_category()));
                             return;
                           }
                           on_readable();
                         });
}

void CanFrameReader::on_readable() {
  std::weak_ptr<int> alive = alive_;
  for (std::size_t i = 0; i < options_.max_batches_per_wake; ++i) {
    const Drain d = stream_mode_ ? read_stream() : read_messages();
    if (alive.expired() || !running_ || d == Drain::closed) {
      return;
    }
    if (d == Drain::wait) {
      break;
    }
  }
  arm();
}

CanFrameReader::Drain CanFrameReader::read_messages() {
  const std::size_t n = options_.read_batch;
  const int got = ::recvmmsg(descriptor_.native_handle(), headers_.data(), static_cast<unsigned>(n),
                             MSG_DONTWAIT, nullptr);
  if (got < 0) {
    const int e = errno;
    if (e == EAGAIN || e == EINTR) {  // EWOULDBLOCK == EAGAIN on Linux
      return Drain::wait;
    }
    if (e == ENOTSOCK) {
      stream_mode_ = true;
      stream_buffer_.resize(n * options_.stream_record_size);
      log::info("can", interface_, ": descriptor is not a socket, reading ",
                options_.stream_record_size, "-byte records with read()");
      return read_stream();
    }
    if (e == ENETDOWN) {
      if (callbacks_.transient_error) {
        callbacks_.transient_error(std::error_code(e, std::generic_category()));
      }
      return Drain::wait;
    }
    close_with(std::error_code(e, std::generic_category()));
    return Drain::closed;
  }
  ++stats_.read_calls;
  std::int64_t wall_ns = 0;
  bool end_of_stream = false;
  for (int i = 0; i < got; ++i) {
    mmsghdr& m = headers_[static_cast<std::size_t>(i)];
    if (m.msg_len == 0 && eof_on_empty_) {
      end_of_stream = true;
      break;
    }
    take_record(records_.data() + static_cast<std::size_t>(i) * CANFD_MTU, m.msg_len,
                (m.msg_hdr.msg_flags & MSG_TRUNC) != 0, &m.msg_hdr, wall_ns);
    // recvmmsg() fills in msg_len, msg_flags and msg_controllen (the control bytes used)
    // of the messages it returns; the buffer's size is the only input to restore.
    m.msg_hdr.msg_controllen = kControlSize;
  }
  std::weak_ptr<int> alive = alive_;
  deliver();
  if (alive.expired() || !running_) {
    return Drain::closed;
  }
  if (end_of_stream) {
    close_with(std::make_error_code(std::errc::connection_reset));
    return Drain::closed;
  }
  return static_cast<std::size_t>(got) < n ? Drain::wait : Drain::again;
}

CanFrameReader::Drain CanFrameReader::read_stream() {
  const std::size_t size = options_.stream_record_size;
  const std::size_t requested = stream_buffer_.size() - stream_fill_;
  const ssize_t got =
      ::read(descriptor_.native_handle(), stream_buffer_.data() + stream_fill_, requested);
  if (got < 0) {
    const int e = errno;
    if (e == EAGAIN || e == EINTR) {  // EWOULDBLOCK == EAGAIN on Linux
      return Drain::wait;
    }
    if (e == ENETDOWN) {
      if (callbacks_.transient_error) {
        callbacks_.transient_error(std::error_code(e, std::generic_category()));
      }
      return Drain::wait;
    }
    close_with(std::error_code(e, std::generic_category()));
    return Drain::closed;
  }
  if (got == 0) {
    if (stream_fill_ != 0) {
      ++stats_.malformed;  // a torn record at end of stream
      log::warning("can", interface_, ": stream ended inside a record (", stream_fill_, " of ",
                   size, " bytes)");
      stream_fill_ = 0;
    }
    close_with(std::make_error_code(std::errc::connection_reset));
    return Drain::closed;
  }
  ++stats_.read_calls;
  stream_fill_ += static_cast<std::size_t>(got);
  std::int64_t wall_ns = 0;
  std::size_t offset = 0;
  for (; offset + size <= stream_fill_; offset += size) {
    take_record(stream_buffer_.data() + offset, size, false, nullptr, wall_ns);
  }
  std::memmove(stream_buffer_.data(), stream_buffer_.data() + offset, stream_fill_ - offset);
  stream_fill_ -= offset;
  std::weak_ptr<int> alive = alive_;
  deliver();
  if (alive.expired() || !running_) {
    return Drain::closed;
  }
  return static_cast<std::size_t>(got) < requested ? Drain::wait : Drain::again;
}

bool CanFrameReader::reject_malformed(const std::uint8_t* record, std::size_t size,
                                      bool truncated) {
  if (truncated || (size != CAN_MTU && size != CANFD_MTU)) {
    ++stats_.malformed;
    log::warning("can", interface_, ": skipping malformed record of ",
                 truncated ? "more than 72" : std::to_string(size),
                 " bytes (expected 16 for CAN, 72 for CAN FD)");
    return true;
  }
  // can_frame and canfd_frame share the id at offset 0 and the length at offset 4.
  const std::uint8_t len = record[offsetof(can_frame, len)];
  if (size == CAN_MTU && len > CAN_MAX_DLEN) {
    ++stats_.malformed;
    log::warning("can", interface_, ": skipping CAN frame with length ", static_cast<unsigned>(len),
                 " (at most 8)");
    return true;
  }
  if (size == CANFD_MTU && !is_valid_fd_length(len)) {
    ++stats_.malformed;
    log::warning("can", interface_, ": skipping CAN FD frame with invalid length ",
                 static_cast<unsigned>(len));
    return true;
  }
  return false;
}

// Inlined into the read loops: this runs for every frame.
[[gnu::always_inline]] inline void CanFrameReader::take_record(const std::uint8_t* record,
                                                               std::size_t size, bool truncated,
                                                               const msghdr* header,
                                                               std::int64_t& wall_ns) {
  if (truncated || size != CAN_MTU || record[offsetof(can_frame, len)] > CAN_MAX_DLEN) {
    if (reject_malformed(record, size, truncated)) {
      return;
    }
  }
  // Built in place in the next free slot (the same fields frame_from_kernel() sets).
  CanFrame& f = batch_[batch_count_];
  const std::uint8_t previous_len = f.len;
  canid_t k = 0;
  std::memcpy(&k, record, sizeof k);
  const std::uint8_t len = record[offsetof(can_frame, len)];
  f.error = (k & CAN_ERR_FLAG) != 0;
  f.extended = !f.error && (k & CAN_EFF_FLAG) != 0;
  f.id = f.error ? (k & CAN_ERR_MASK) : f.extended ? (k & CAN_EFF_MASK) : (k & CAN_SFF_MASK);
  f.len = len;
  if (size == CAN_MTU) {
    f.rtr = !f.error && (k & CAN_RTR_FLAG) != 0;
    f.fd = false;
    f.brs = false;
    f.esi = false;
    // All 8 data bytes at once, those past len cleared.
    std::uint64_t bytes = 0;
    std::memcpy(&bytes, record + offsetof(can_frame, data), sizeof bytes);
    if (len < 8) {
      bytes &= (std::uint64_t{1} << (8 * len)) - 1;
    }
    std::memcpy(f.data.data(), &bytes, sizeof bytes);
    if (previous_len > 8) {
      std::memset(f.data.data() + 8, 0, previous_len - 8u);
    }
  } else {
    const std::uint8_t flags = record[offsetof(canfd_frame, flags)];
    f.rtr = false;  // FD frames have no RTR
    f.fd = true;
    f.brs = (flags & CANFD_BRS) != 0;
    f.esi = (flags & CANFD_ESI) != 0;
    std::memcpy(f.data.data(), record + offsetof(canfd_frame, data), len);
    if (previous_len > len) {
      std::memset(f.data.data() + len, 0, previous_len - len);
    }
  }
  if (!take_kernel_timestamp(f, header)) {
    take_metadata(f, header, wall_ns);
  }
  if (f.error) {
    take_error_frame(f);
  } else if (filtering_ && !filter_.passes(f)) {
    ++stats_.filtered;
    return;
  }
  if (f.fd) {
    ++stats_.fd_frames;
  }
  ++stats_.frames;
  ++batch_count_;
}

[[gnu::always_inline]] inline bool CanFrameReader::take_kernel_timestamp(CanFrame& f,
                                                                         const msghdr* header) {
  // The usual case on a CAN socket: one control message, SO_TIMESTAMPNS with two 64-bit
  // integers (SO_TIMESTAMPNS_OLD on 64-bit systems, _NEW with 64-bit time on 32-bit).
  // Anything else (a drop counter, microseconds, 32-bit layouts) goes to take_metadata().
  constexpr std::size_t kTimestampSpace = CMSG_SPACE(16);
  if (header == nullptr || header->msg_controllen != kTimestampSpace) {
    return false;
  }
  const auto* control = static_cast<const unsigned char*>(header->msg_control);
  cmsghdr c;
  std::memcpy(&c, control, sizeof c);
  if (c.cmsg_level != SOL_SOCKET || (c.cmsg_type != 35 && c.cmsg_type != 64) ||
      c.cmsg_len != CMSG_LEN(16)) {
    return false;
  }
  std::int64_t seconds = 0;
  std::int64_t nanoseconds = 0;
  std::memcpy(&seconds, control + CMSG_LEN(0), 8);
  std::memcpy(&nanoseconds, control + CMSG_LEN(0) + 8, 8);
  f.timestamp_ns = seconds * 1'000'000'000 + nanoseconds;
  f.timestamp_source = TimestampSource::kernel;
  return true;
}

void CanFrameReader::take_metadata(CanFrame& f, const msghdr* header, std::int64_t& wall_ns) {
  ReceiveMetadata meta;
  if (header != nullptr) {
    meta = parse_receive_metadata(*header);
  }
  if (meta.timestamp_ns) {
    f.timestamp_ns = *meta.timestamp_ns;
    f.timestamp_source = TimestampSource::kernel;
  } else {
    if (wall_ns == 0) {
      wall_ns = wall_clock_ns();
    }
    f.timestamp_ns = wall_ns;
    f.timestamp_source = TimestampSource::wall_clock;
  }
  if (meta.drop_count) {
    if (last_drop_count_ && *meta.drop_count != *last_drop_count_) {
      const std::uint32_t delta = *meta.drop_count - *last_drop_count_;  // wraps correctly
      stats_.kernel_drops += delta;
      log::warning("can", interface_, ": the kernel dropped ", delta,
                   " frames (receive queue full); ", stats_.kernel_drops, " in total");
    } else if (!last_drop_count_ && *meta.drop_count != 0) {
      stats_.kernel_drops += *meta.drop_count;
      log::warning("can", interface_, ": the kernel dropped ", *meta.drop_count,
                   " frames (receive queue full)");
    }
    last_drop_count_ = meta.drop_count;
  }
}

void CanFrameReader::take_error_frame(const CanFrame& f) {
  const ErrorFrameInfo info = describe_error_frame(f);
  stats_.errors.count(f, info);
  if (info.bus_off || info.error_passive) {
    log::error("can", interface_, ": error frame: ", to_string(info));
  } else {
    log::warning("can", interface_, ": error frame: ", to_string(info));
  }
  if (callbacks_.error_frame) {
    callbacks_.error_frame(f, info);
  }
}

void CanFrameReader::deliver() {
  if (batch_count_ == 0) {
    return;
  }
  const std::size_t count = batch_count_;
  batch_count_ = 0;
  callbacks_.frames(std::span<const CanFrame>(batch_.data(), count));
}

void CanFrameReader::close_with(std::error_code ec) {
  running_ = false;
  boost::system::error_code ignored;
  descriptor_.close(ignored);
  if (callbacks_.closed) {
    callbacks_.closed(ec);
  }
}

}  // namespace canhose::can
