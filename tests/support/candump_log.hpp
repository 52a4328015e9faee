#pragma once
// Small readers the daemon-level tests share: whitespace-separated words of an S3 line,
// and the CAN ids a candump log holds, as the YAML list `record.raw_frames.ids` takes.

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace canhose::test {

inline std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  std::string w;
  while (in >> w) {
    words.push_back(w);
  }
  return words;
}

// Every CAN id of a candump log as a YAML flow list of strings ("0x102", ...).
inline std::string candump_ids_yaml(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::set<std::string> ids;
  std::string ts;
  std::string iface;
  std::string frame;
  while (in >> ts >> iface >> frame) {
    ids.insert(frame.substr(0, frame.find('#')));
  }
  std::string list;
  for (const auto& id : ids) {
    list += (list.empty() ? "\"0x" : ", \"0x") + id + "\"";
  }
  return "[" + list + "]";
}

}  // namespace canhose::test
