#include "support/raw_http_request.hpp"

#include <stdexcept>

namespace canhose::test {

RawHttpRequest parse_raw_http_request(std::string_view text) {
  RawHttpRequest r;
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  std::size_t body_start = std::string_view::npos;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty() && !lines.empty()) {
      body_start = end + 1;
      break;
    }
    lines.push_back(line);
    start = end + 1;
  }
  if (body_start != std::string_view::npos && body_start <= text.size()) {
    r.body = std::string(text.substr(body_start));
  }
  if (lines.empty()) {
    throw std::runtime_error("empty request");
  }
  const std::string_view request_line = lines.front();
  const std::size_t first_space = request_line.find(' ');
  const std::size_t version = request_line.rfind(" HTTP/");
  if (first_space == std::string_view::npos || version == std::string_view::npos ||
      version <= first_space) {
    throw std::runtime_error("bad request line: " + std::string(request_line));
  }
  r.method = std::string(request_line.substr(0, first_space));
  const std::string_view uri = request_line.substr(first_space + 1, version - first_space - 1);
  const std::size_t q = uri.find('?');
  r.path = std::string(uri.substr(0, q));
  if (q != std::string_view::npos) {
    r.query = std::string(uri.substr(q + 1));
  }
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.front() == ' ' || line.front() == '\t') {
      if (r.headers.empty()) {
        throw std::runtime_error("continuation line before any header");
      }
      r.headers.back().second += '\n';
      r.headers.back().second += line;
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      throw std::runtime_error("header line without ':': " + std::string(line));
    }
    r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }
  return r;
}

}  // namespace canhose::test
