#include "can/replay_source.hpp"

#include <time.h>

#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "log/logger.hpp"

namespace canhose::can {

std::optional<double> parse_replay_speed(std::string_view t) {
  if (t == "max") {
    return 0.0;
  }
  if (!t.empty() && (t.back() == 'x' || t.back() == 'X')) {
    t.remove_suffix(1);
  }
  double v = 0;
  const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  if (v != 0.0 && (v < 0.001 || v > 1000.0)) {
    return std::nullopt;
  }
  return v;
}

std::vector<std::string> validate(const ReplayOptions& o) {
  std::vector<std::string> problems;
  if (o.enabled && o.file.empty()) {
    problems.push_back("file: expected the path of a candump log");
  }
  if (!std::isfinite(o.speed) || (o.speed != 0.0 && (o.speed < 0.001 || o.speed > 1000.0))) {
    problems.push_back("speed: expected 0 (\"max\") or 0.001..1000");
  }
  if (o.batch < 1 || o.batch > 4096) {
    problems.push_back("batch: expected 1..4096");
  }
  if (o.interface_name.size() > 15) {
    problems.push_back("interface_name: expected at most 15 characters");
  }
  return problems;
}

namespace {

std::int64_t wall_clock_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

ReplaySource::ReplaySource(asio::io_context& io, ReplayOptions options, FrameBatchHandler on_frames)
    : io_(io),
      options_(std::move(options)),
      on_frames_(std::move(on_frames)),
      filter_(options_.filters),
      timer_(io) {
  const std::vector<std::string> problems = validate(options_);
  if (!problems.empty()) {
    std::string text = "invalid sources.replay options:";
    for (const std::string& p : problems) {
      text += "\n  " + p;
    }
    throw std::invalid_argument(text);
  }
  batch_.reserve(options_.batch);
}

ReplaySource::~ReplaySource() {
  alive_.reset();
}

void ReplaySource::start() {
  if (running_) {
    return;
  }
  if (const std::error_code ec = reader_.open(options_.file)) {
    throw std::runtime_error(reader_.last_error());
  }
  running_ = true;
  finished_ = false;
  frames_this_pass_ = 0;
  log::info(
      "replay", "replaying ", options_.file, " at ",
      options_.speed == 0.0 ? std::string("maximum speed") : std::to_string(options_.speed) + "x",
      options_.loop ? ", looping" : "");
  has_pending_ = load_next();
  if (!has_pending_) {
    finish();
    return;
  }
  log_t0_ns_ = pending_.timestamp_ns;
  wall_t0_ = std::chrono::steady_clock::now();
  step();
}

void ReplaySource::async_stop(std::chrono::steady_clock::time_point /*deadline*/,
                              std::function<void()> done) {
  running_ = false;
  timer_.cancel();
  asio::post(io_, std::move(done));
}

std::chrono::steady_clock::time_point ReplaySource::due(const CanFrame& f) const {
  const double offset_ns = static_cast<double>(f.timestamp_ns - log_t0_ns_) / options_.speed;
  return wall_t0_ + std::chrono::nanoseconds(static_cast<std::int64_t>(offset_ns));
}

bool ReplaySource::load_next() {
  for (;;) {
    switch (reader_.next(pending_)) {
      case CandumpFileReader::Status::frame:
        ++frames_this_pass_;
        if (!options_.interface_name.empty()) {
          pending_.interface = options_.interface_name;
        }
        return true;
      case CandumpFileReader::Status::io_error:
        return false;
      case CandumpFileReader::Status::end_of_file:
        ++stats_.passes;
        if (!options_.loop || !running_) {
          return false;
        }
        if (frames_this_pass_ == 0) {
          log::error("replay", options_.file, " has no valid frame: nothing to loop over");
          return false;
        }
        if (reader_.rewind()) {
          return false;
        }
        frames_this_pass_ = 0;
        // Timing restarts with the first frame of the new pass.
        if (reader_.next(pending_) != CandumpFileReader::Status::frame) {
          return false;
        }
        ++frames_this_pass_;
        if (!options_.interface_name.empty()) {
          pending_.interface = options_.interface_name;
        }
        log_t0_ns_ = pending_.timestamp_ns;
        wall_t0_ = std::chrono::steady_clock::now();
        return true;
    }
  }
}

void ReplaySource::step() {
  if (!running_ || paused_) {
    return;
  }
  if (flow_.has_room && !flow_.has_room()) {
    paused_ = true;
    ++stats_.pauses;
    std::weak_ptr<int> alive = alive_;
    flow_.wait_for_room([this, alive] {
      if (!alive.expired()) {
        paused_ = false;
        step();
      }
    });
    return;
  }
  const bool max_speed = options_.speed == 0.0;
  const auto now = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point next_due{};
  while (has_pending_ && batch_.size() < options_.batch) {
    if (!max_speed) {
      const auto d = due(pending_);
      if (d > now) {
        next_due = d;
        break;
      }
    }
    if (filter_.passes(pending_)) {
      batch_.push_back(pending_);
    } else {
      ++stats_.filtered;
    }
    has_pending_ = load_next();
  }
  if (!batch_.empty()) {
    if (!options_.original_timestamps) {
      const std::int64_t stamp = wall_clock_ns();
      for (CanFrame& f : batch_) {
        f.timestamp_ns = stamp;
        f.timestamp_source = TimestampSource::wall_clock;
      }
    }
    stats_.frames += batch_.size();
    std::weak_ptr<int> alive = alive_;
    on_frames_(std::span<const CanFrame>(batch_.data(), batch_.size()));
    if (alive.expired()) {
      return;
    }
    batch_.clear();
  }
  if (!running_) {
    return;
  }
  if (!has_pending_) {
    finish();
    return;
  }
  std::weak_ptr<int> alive = alive_;
  if (next_due == std::chrono::steady_clock::time_point{}) {
    // A full batch with more due: yield to the loop, then go on.
    asio::post(io_, [this, alive] {
      if (!alive.expired()) {
        step();
      }
    });
    return;
  }
  timer_.expires_at(next_due);
  timer_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (!ec && !alive.expired()) {
      step();
    }
  });
}

void ReplaySource::finish() {
  running_ = false;
  finished_ = true;
  const ReplayStats s = stats();
  log::notice("replay", "finished ", options_.file, ": ", s.frames, " frames in ", s.passes,
              " passes, ", s.malformed, " malformed lines");
  if (on_finished_) {
    on_finished_();
  }
}

ReplayStats ReplaySource::stats() const {
  ReplayStats s = stats_;
  s.malformed = reader_.stats().malformed;
  return s;
}

std::string ReplaySource::status() const {
  std::ostringstream out;
  const ReplayStats s = stats();
  out << "replay "
      << (finished_   ? "finished"
          : !running_ ? "stopped"
          : paused_   ? "paused (waiting for the queue)"
                      : "running")
      << ' ' << s.frames << " frames";
  if (s.malformed != 0) {
    out << ' ' << s.malformed << " malformed";
  }
  return out.str();
}

}  // namespace canhose::can
