#pragma once
// PrometheusText: the samples of one scrape in the Prometheus text exposition format
// (version 0.0.4), as canhosed's metrics endpoint serves them, looked up by name and
// labels. Comment lines (# HELP, # TYPE) are skipped; lines that do not parse are counted
// in malformed_lines(), never fatal: `canhose status` shows what it could read.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace canhose::cli {

class PrometheusText {
 public:
  using Labels = std::map<std::string, std::string>;
  struct Sample {
    Labels labels;
    double value = 0;
  };

  static PrometheusText parse(std::string_view text);

  // Every sample of `name`, in the order served.
  const std::vector<Sample>& samples(const std::string& name) const;
  bool has(const std::string& name) const { return families_.count(name) != 0; }
  // The sample of `name` whose labels include every pair in `labels` (the first one).
  std::optional<double> value(const std::string& name, const Labels& labels = {}) const;
  // The value of label `label` on the first sample of `name` (info gauges) whose labels
  // include every pair in `where`.
  std::optional<std::string> label(const std::string& name, const std::string& label,
                                   const Labels& where = {}) const;
  // The values label `label` takes on the samples of `name`, each once, in the order served
  // (e.g. the streams of canhose_queue_records).
  std::vector<std::string> label_values(const std::string& name, const std::string& label) const;
  static bool matches(const Sample& sample, const Labels& where);
  std::size_t malformed_lines() const { return malformed_lines_; }

 private:
  bool parse_line(std::string_view line);

  std::map<std::string, std::vector<Sample>> families_;
  std::size_t malformed_lines_ = 0;
};

}  // namespace canhose::cli
