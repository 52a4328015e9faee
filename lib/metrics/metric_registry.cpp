#include "metrics/metric_registry.hpp"

namespace canhose::metrics {

std::vector<MetricFamily> MetricRegistry::collect() const {
  std::vector<MetricFamily> families;
  for (const Collector& c : collectors_) {
    c(families);
  }
  merge_same_names(families);  // parts that run once per stream report the same names
  return families;
}

}  // namespace canhose::metrics
