#pragma once

#include <memory>

#include "lifecycle/component.hpp"
#include "metrics/metric_family.hpp"
#include "queue/queue.hpp"

namespace canhose::queue {

// The queue's place in the daemon's lifecycle. It starts first and stops last: at
// stop, what is still in memory is written and fsynced and the cursor is saved.
class QueueComponent final : public lifecycle::Component {
 public:
  explicit QueueComponent(std::unique_ptr<Queue> queue) : queue_(std::move(queue)) {}

  std::string_view name() const override { return "queue"; }
  void start() override {}
  void async_stop(std::chrono::steady_clock::time_point deadline,
                  std::function<void()> done) override;
  std::string status() const override;

  Queue& queue() { return *queue_; }
  void collect_metrics(std::vector<metrics::MetricFamily>& out) const;

 private:
  std::unique_ptr<Queue> queue_;
};

}  // namespace canhose::queue
