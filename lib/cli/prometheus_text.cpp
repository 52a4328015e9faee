#include "cli/prometheus_text.hpp"

#include <algorithm>

#include <cmath>
#include <cstdlib>
#include <limits>

namespace canhose::cli {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == ':';
}

std::optional<double> parse_number(std::string_view text) {
  if (text == "+Inf") {
    return std::numeric_limits<double>::infinity();
  }
  if (text == "-Inf") {
    return -std::numeric_limits<double>::infinity();
  }
  if (text == "NaN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const std::string copy(text);
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size()) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

PrometheusText PrometheusText::parse(std::string_view text) {
  PrometheusText out;
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (!out.parse_line(line)) {
      ++out.malformed_lines_;
    }
  }
  return out;
}

// name{label="value",...} number [timestamp]
bool PrometheusText::parse_line(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && is_name_char(line[i])) {
    ++i;
  }
  if (i == 0) {
    return false;
  }
  const std::string name(line.substr(0, i));
  Sample sample;
  if (i < line.size() && line[i] == '{') {
    ++i;
    for (;;) {
      while (i < line.size() && (line[i] == ',' || line[i] == ' ')) {
        ++i;
      }
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      const std::size_t key_start = i;
      while (i < line.size() && is_name_char(line[i])) {
        ++i;
      }
      if (i == key_start || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
        return false;
      }
      const std::string key(line.substr(key_start, i - key_start));
      i += 2;
      std::string value;
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < line.size()) {
          const char e = line[i++];
          value += e == 'n' ? '\n' : e;
        } else {
          value += c;
        }
      }
      if (!closed) {
        return false;
      }
      sample.labels[key] = std::move(value);
    }
  }
  while (i < line.size() && line[i] == ' ') {
    ++i;
  }
  std::string_view rest = line.substr(i);
  rest = rest.substr(0, rest.find(' '));  // an optional timestamp follows
  const auto number = parse_number(rest);
  if (!number) {
    return false;
  }
  sample.value = *number;
  families_[name].push_back(std::move(sample));
  return true;
}

const std::vector<PrometheusText::Sample>& PrometheusText::samples(const std::string& name) const {
  static const std::vector<Sample> none;
  const auto it = families_.find(name);
  return it == families_.end() ? none : it->second;
}

bool PrometheusText::matches(const Sample& sample, const Labels& where) {
  for (const auto& [k, v] : where) {
    const auto it = sample.labels.find(k);
    if (it == sample.labels.end() || it->second != v) {
      return false;
    }
  }
  return true;
}

std::optional<double> PrometheusText::value(const std::string& name, const Labels& labels) const {
  for (const Sample& s : samples(name)) {
    if (matches(s, labels)) {
      return s.value;
    }
  }
  return std::nullopt;
}

std::optional<std::string> PrometheusText::label(const std::string& name, const std::string& label,
                                                 const Labels& where) const {
  for (const Sample& s : samples(name)) {
    if (matches(s, where)) {
      const auto it = s.labels.find(label);
      if (it == s.labels.end()) {
        return std::nullopt;
      }
      return it->second;
    }
  }
  return std::nullopt;
}

std::vector<std::string> PrometheusText::label_values(const std::string& name,
                                                      const std::string& label) const {
  std::vector<std::string> values;
  for (const Sample& s : samples(name)) {
    const auto it = s.labels.find(label);
    if (it != s.labels.end() &&
        std::find(values.begin(), values.end(), it->second) == values.end()) {
      values.push_back(it->second);
    }
  }
  return values;
}

}  // namespace canhose::cli
