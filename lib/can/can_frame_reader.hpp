#pragma once
// CanFrameReader: reads struct can_frame (16 bytes) / canfd_frame (72 bytes) records from
// any file descriptor, on the event loop, in batches.
//
//   - Readiness comes from asio (posix::stream_descriptor::async_wait(wait_read)); the
//     reads are non-blocking recvmmsg() of up to `read_batch` records, so a saturated bus
//     costs one system call per batch. Descriptors that are not sockets (recvmmsg fails
//     with ENOTSOCK) are read with read() as a byte stream of fixed-size records
//     (`stream_record_size`).
//   - Classic and FD are told apart by the record size; any other size, a truncated
//     record (MSG_TRUNC) or a length field out of range is counted as malformed and
//     skipped, never delivered and never fatal.
//   - Timestamps: SO_TIMESTAMPNS/SO_TIMESTAMP control messages when present, else the wall
//     clock read once per batch.
//   - Drops: SO_RXQ_OVFL's cumulative counter is turned into a running total.
//   - Error frames (CAN_ERR_FLAG) are counted, logged (bus-off and error passive as
//     errors, the rest as warnings; the logger rate-limits repeats) and delivered.
//   - At most `max_batches_per_wake` batches are read per readiness event, then the wait
//     is re-armed, so one busy interface cannot starve the rest of the loop.
//
// Lifetime: the reader owns the descriptor and closes it on destruction. Callbacks run on
// the event loop; they may call stop() but must not destroy the reader. After stop() or
// destruction no callback runs.

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "asio/asio.hpp"
#include "can/can_error_frame.hpp"
#include "can/can_filter.hpp"
#include "can/can_frame.hpp"

namespace canhose::can {

struct CanFrameReaderOptions {
  std::size_t read_batch = 32;               // records per recvmmsg call, 1..1024
  std::size_t max_batches_per_wake = 16;     // fairness bound, >= 1
  std::size_t stream_record_size = CAN_MTU;  // non-socket descriptors: CAN_MTU or CANFD_MTU
};

struct CanFrameReaderStats {
  std::uint64_t frames = 0;        // delivered (data and error frames)
  std::uint64_t fd_frames = 0;     // of which CAN FD
  std::uint64_t filtered = 0;      // dropped by the user-space filter
  std::uint64_t malformed = 0;     // records of the wrong size, truncated or out of range
  std::uint64_t kernel_drops = 0;  // SO_RXQ_OVFL: frames the kernel dropped for us
  std::uint64_t read_calls = 0;    // recvmmsg/read calls that returned data
  ErrorFrameCounters errors;
};

struct CanFrameReaderCallbacks {
  FrameBatchHandler frames;  // required
  // Optional: each error frame, after counting and logging (e.g. to restart on bus-off).
  std::function<void(const CanFrame&, const ErrorFrameInfo&)> error_frame;
  // Optional: a read error the reader survives (ENETDOWN when the interface goes down:
  // the socket stays bound and frames flow again when it comes back up).
  std::function<void(std::error_code)> transient_error;
  // End of stream (peer closed) or a fatal error: the reader has stopped and closed the
  // descriptor. The owner reopens (with backoff) if it wants to.
  std::function<void(std::error_code)> closed;
};

class CanFrameReader {
 public:
  // Takes ownership of `fd` (made non-blocking here). `interface` names the frames.
  CanFrameReader(asio::io_context& io, int fd, std::string interface, std::uint32_t ifindex,
                 CanFrameReaderOptions options, CanFrameReaderCallbacks callbacks);
  ~CanFrameReader();
  CanFrameReader(const CanFrameReader&) = delete;
  CanFrameReader& operator=(const CanFrameReader&) = delete;

  void start();
  void stop();
  // Frames not passing are counted in `filtered` (for descriptors without kernel filters).
  void set_user_filter(CanIdFilterSet filter) {
    filter_ = std::move(filter);
    filtering_ = !filter_.empty();
  }

  const CanFrameReaderStats& stats() const { return stats_; }
  const std::string& interface() const { return interface_; }
  bool running() const { return running_; }

 private:
  enum class Drain { again, wait, closed };

  void arm();
  void on_readable();
  Drain read_messages();
  Drain read_stream();
  void take_record(const std::uint8_t* record, std::size_t size, bool truncated,
                   const msghdr* header, std::int64_t& wall_ns);
  bool reject_malformed(const std::uint8_t* record, std::size_t size, bool truncated);
  bool take_kernel_timestamp(CanFrame& f, const msghdr* header);
  void take_metadata(CanFrame& f, const msghdr* header, std::int64_t& wall_ns);
  void take_error_frame(const CanFrame& f);
  void deliver();
  void close_with(std::error_code ec);

  asio::posix::stream_descriptor descriptor_;
  std::string interface_;
  std::uint32_t ifindex_;
  CanFrameReaderOptions options_;
  CanFrameReaderCallbacks callbacks_;
  CanIdFilterSet filter_;
  bool filtering_ = false;  // !filter_.empty(), checked per frame
  CanFrameReaderStats stats_;
  bool running_ = false;
  bool stream_mode_ = false;
  bool eof_on_empty_ = false;  // SOCK_SEQPACKET/SOCK_STREAM: a 0-byte read is end of stream
  std::optional<std::uint32_t> last_drop_count_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);

  // Receive buffers, sized once (bounded memory): one CANFD_MTU slot, one control buffer
  // and one CanFrame per message of a batch. Frames are built in place in `batch_`
  // (batch_count_ of them are ready); a slot's data bytes past its `len` are always zero,
  // so filling a slot clears only what the previous frame in it left.
  std::vector<mmsghdr> headers_;
  std::vector<iovec> iovecs_;
  std::vector<std::uint8_t> records_;
  std::vector<std::uint8_t> control_;
  std::vector<std::uint8_t> stream_buffer_;
  std::size_t stream_fill_ = 0;
  std::vector<CanFrame> batch_;
  std::size_t batch_count_ = 0;
};

}  // namespace canhose::can
