#include "aws/ini_file.hpp"

#include "aws/crypto.hpp"

namespace canhose::aws {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}
}  // namespace

IniFile::ParseResult IniFile::parse(std::string_view text, std::string_view origin) {
  ParseResult result;
  Section* current = nullptr;
  bool in_nested_value = false;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    const std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    const std::string_view line = trim(raw);
    auto fail = [&](std::string_view what) {
      result.error =
          std::string(origin) + ":" + std::to_string(line_number) + ": " + std::string(what);
    };
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      continue;
    }
    const bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (indented && in_nested_value) {
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']') {
        fail("section header is missing its closing ']'");
        return result;
      }
      const std::string_view name = trim(line.substr(1, line.size() - 2));
      if (name.empty()) {
        fail("empty section name");
        return result;
      }
      current = &result.file.sections_[std::string(name)];
      in_nested_value = false;
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      fail("expected 'key = value' or '[section]'");
      return result;
    }
    if (current == nullptr) {
      fail("'key = value' before any [section]");
      return result;
    }
    const std::string_view key = trim(line.substr(0, eq));
    const std::string_view value = trim(line.substr(eq + 1));
    if (key.empty()) {
      fail("empty key before '='");
      return result;
    }
    (*current)[std::string(key)] = std::string(value);
    in_nested_value = value.empty();
  }
  return result;
}

IniFile::~IniFile() {
  for (auto& [name, section] : sections_) {
    for (auto& [key, value] : section) {
      crypto::cleanse(value.data(), value.size());
    }
  }
}

const IniFile::Section* IniFile::section(std::string_view name) const {
  auto it = sections_.find(name);
  return it == sections_.end() ? nullptr : &it->second;
}

}  // namespace canhose::aws
