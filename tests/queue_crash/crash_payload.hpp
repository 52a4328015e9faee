#pragma once
// The payload the crash-test child writes for a sequence number, so the test can check
// every record it reads back without the child having to tell it.

#include <cstdint>
#include <string>

namespace canhose::queue::crash {

inline std::string payload_for_seq(std::uint64_t seq) {
  const std::size_t size = 16 + static_cast<std::size_t>((seq * 7919) % 3000);
  std::string s = "seq=" + std::to_string(seq) + ";";
  while (s.size() < size) {
    s.push_back(static_cast<char>('A' + (s.size() * 31 + seq) % 26));
  }
  s.resize(size);
  return s;
}

}  // namespace canhose::queue::crash
