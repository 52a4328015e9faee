#pragma once
// ReplaySource: plays a candump log through the same FrameBatchHandler as the live
// SocketCAN source, so everything downstream is source-agnostic. For demos, tests,
// benchmarks and field debugging.
//
// Timing: frame k is due at start + (t_k - t_0) / speed on the steady clock; due frames
// are delivered in batches of at most `batch`, then a steady_timer waits for the next due
// frame. A log's burst (many frames with one timestamp) is therefore delivered at once, in
// batches. At speed 0 ("max") every batch is followed by asio::post, so other work on the
// loop runs between batches: the replay never monopolises the loop. Timestamps going
// backwards in the log are delivered at once.
//
// Memory: the file is read incrementally (CandumpFileReader, 64 KiB), whatever its size.
// Malformed lines are counted and logged with their line number, never fatal.
// Looping: at the end of the file the reader rewinds and timing restarts from the first
// frame. A pass that yields no frame at all ends the replay (nothing to loop over).
//
// Backpressure: a live bus cannot wait, a file can. With a FlowControl set (the daemon
// sets one on the queue's memory buffer) the replay asks before each batch whether
// downstream has room, and pauses until it says so again: a replay at any speed then
// loses nothing to a full buffer. Frames that came due meanwhile follow at once.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "asio/asio.hpp"
#include "can/can_filter.hpp"
#include "can/candump_file_reader.hpp"
#include "can/replay_options.hpp"
#include "lifecycle/component.hpp"

namespace canhose::can {

struct ReplayStats {
  std::uint64_t frames = 0;    // delivered
  std::uint64_t filtered = 0;  // dropped by `filters`
  std::uint64_t passes = 0;    // complete passes over the file
  std::uint64_t malformed = 0;
  std::uint64_t pauses = 0;  // times the replay waited for downstream room (FlowControl)
};

// Backpressure from downstream: has_room() is asked before each batch; when it says no,
// the replay pauses, and wait_for_room(resume) must call resume on the loop once there
// is room again (or never, if downstream closes).
struct FlowControl {
  std::function<bool()> has_room;
  std::function<void(std::function<void()> resume)> wait_for_room;
};

class ReplaySource final : public lifecycle::Component {
 public:
  // Throws std::invalid_argument when the options are invalid.
  ReplaySource(asio::io_context& io, ReplayOptions options, FrameBatchHandler on_frames);
  ~ReplaySource() override;

  std::string_view name() const override { return "replay"; }
  // Throws std::runtime_error when the file cannot be opened.
  void start() override;
  void async_stop(std::chrono::steady_clock::time_point deadline,
                  std::function<void()> done) override;
  std::string status() const override;

  // Called once when a non-looping replay reaches the end of the file (or fails).
  void set_finished_handler(std::function<void()> handler) { on_finished_ = std::move(handler); }
  // Unset (the default): the replay never waits.
  void set_flow_control(FlowControl flow) { flow_ = std::move(flow); }
  bool paused() const { return paused_; }
  bool finished() const { return finished_; }
  ReplayStats stats() const;
  const std::string& last_error() const { return reader_.last_error(); }

 private:
  void step();
  bool load_next();  // fills pending_; false at the end (after looping if enabled)
  void finish();
  std::chrono::steady_clock::time_point due(const CanFrame& f) const;

  asio::io_context& io_;
  ReplayOptions options_;
  FrameBatchHandler on_frames_;
  std::function<void()> on_finished_;
  FlowControl flow_;
  bool paused_ = false;
  CanIdFilterSet filter_;
  CandumpFileReader reader_;
  asio::steady_timer timer_;
  std::vector<CanFrame> batch_;
  CanFrame pending_;
  bool has_pending_ = false;
  bool running_ = false;
  bool finished_ = false;
  std::uint64_t frames_this_pass_ = 0;
  std::int64_t log_t0_ns_ = 0;
  std::chrono::steady_clock::time_point wall_t0_;
  ReplayStats stats_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace canhose::can
