#include "metrics/metric_family.hpp"

#include <cmath>
#include <cstdio>
#include <iterator>
#include <unordered_map>

namespace canhose::metrics {
namespace {

// Label values escape backslash, double quote and newline; help text backslash and newline.
std::string escape(const std::string& text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

}  // namespace

void add_label(std::vector<MetricFamily>& families, const std::string& key,
               const std::string& value) {
  for (MetricFamily& family : families) {
    for (Sample& sample : family.samples) {
      std::vector<std::pair<std::string, std::string>> labels;
      labels.reserve(sample.labels.size() + 1);
      labels.emplace_back(key, value);
      for (auto& label : sample.labels) {
        labels.push_back(std::move(label));
      }
      sample.labels = std::move(labels);
    }
  }
}

void merge_same_names(std::vector<MetricFamily>& families) {
  std::unordered_map<std::string_view, std::size_t> first;  // name -> index among kept
  std::size_t kept = 0;
  for (std::size_t i = 0; i < families.size(); ++i) {
    const auto found = first.find(families[i].name);
    if (found == first.end()) {
      if (kept != i) {
        std::swap(families[kept], families[i]);
      }
      first.emplace(families[kept].name, kept);
      ++kept;
      continue;
    }
    std::vector<Sample>& into = families[found->second].samples;
    for (Sample& sample : families[i].samples) {
      into.push_back(std::move(sample));
    }
  }
  families.erase(families.begin() + static_cast<std::ptrdiff_t>(kept), families.end());
}

std::string render_prometheus(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const MetricFamily& f : families) {
    out += "# HELP " + f.name + " " + escape(f.help, false) + "\n";
    out += "# TYPE " + f.name + (f.type == MetricType::counter ? " counter\n" : " gauge\n");
    for (const Sample& s : f.samples) {
      out += f.name;
      if (!s.labels.empty()) {
        out += '{';
        for (std::size_t i = 0; i < s.labels.size(); ++i) {
          if (i > 0) {
            out += ',';
          }
          out += s.labels[i].first + "=\"" + escape(s.labels[i].second, true) + "\"";
        }
        out += '}';
      }
      out += ' ' + format_value(s.value) + '\n';
    }
  }
  return out;
}

}  // namespace canhose::metrics
