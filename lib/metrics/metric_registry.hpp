#pragma once

#include <functional>
#include <string>
#include <vector>

#include "metrics/metric_family.hpp"

namespace canhose::metrics {

// Each part registers a collector that reports its current counters and gauges when
// asked (a scrape, `canhose status`, the periodic summary), so nothing is copied on the
// hot path and there is one source of truth per value. Used from the event loop only.
class MetricRegistry {
 public:
  using Collector = std::function<void(std::vector<MetricFamily>&)>;

  void add_collector(Collector collector) { collectors_.push_back(std::move(collector)); }
  std::vector<MetricFamily> collect() const;
  std::string render() const { return render_prometheus(collect()); }

 private:
  std::vector<Collector> collectors_;
};

}  // namespace canhose::metrics
