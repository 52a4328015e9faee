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

// Adds the label `key`="`value`" to every sample of `families`: the families of a part that
// runs once per stream ({stream="..."}), before they join the others.
void add_label(std::vector<MetricFamily>& families, const std::string& key,
               const std::string& value);

// Joins families of the same name into the first (its help and type), keeping the order
// of first appearance: the text format allows one # HELP and # TYPE per name.
void merge_same_names(std::vector<MetricFamily>& families);

// Renders families in the Prometheus text exposition format (version 0.0.4).
std::string render_prometheus(const std::vector<MetricFamily>& families);

}  // namespace canhose::metrics
