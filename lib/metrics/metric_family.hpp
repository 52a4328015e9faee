#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace canhose::metrics {

enum class MetricType { counter, gauge };

// One labelled sample: {"reason", "queue_full"} -> 17.
struct Sample {
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

// A metric as Prometheus sees it: a name, help text, type and its samples. Names
// follow Prometheus conventions: canhose_<part>_<what>_<unit>[_total].
struct MetricFamily {
  std::string name;
  std::string help;
  MetricType type = MetricType::gauge;
  std::vector<Sample> samples;
};

// Renders families in the Prometheus text exposition format (version 0.0.4).
std::string render_prometheus(const std::vector<MetricFamily>& families);

}  // namespace canhose::metrics
