#include "metrics/metric_registry.hpp"

namespace canhose::metrics {

std::vector<MetricFamily> MetricRegistry::collect() const {
  std::vector<MetricFamily> families;
  for (const Collector& c : collectors_) {
    c(families);
  }
  return families;
}

}  // namespace canhose::metrics
