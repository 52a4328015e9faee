#pragma once
// The lifecycle every running part of the daemon shares; it knows no part and no
// configuration (a reload reaches a part through a hook the composition root registers).

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace canhose::lifecycle {

// One part of the running daemon (a source, the queue, delivery, the metrics endpoint).
// All calls come from the event loop thread. start() may throw std::runtime_error for a
// start-up failure the operator must fix (it is logged and canhosed exits 1).
class Component {
 public:
  virtual ~Component() = default;

  virtual std::string_view name() const = 0;
  virtual void start() = 0;
  // Stop taking new work and finish what is in flight; call `done` (once, on the event
  // loop) when finished. After `deadline` the daemon exits without waiting further, so
  // anything not finished must already be safe (e.g. durable in the queue).
  virtual void async_stop(std::chrono::steady_clock::time_point deadline,
                          std::function<void()> done) = 0;
  // A short fragment for the one-line status, e.g. "queue 1204 records 88KiB".
  virtual std::string status() const { return {}; }
};

}  // namespace canhose::lifecycle
