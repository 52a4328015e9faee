#pragma once
// Helpers the Queue's source files (queue*.cpp) share; not part of the queue's API.

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

#include "queue/queue_format.hpp"

namespace canhose::queue::detail {

inline constexpr std::string_view kLog = "queue";

using Clock = std::chrono::steady_clock;

inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::string segment_name(std::uint64_t first_seq) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%020llu", static_cast<unsigned long long>(first_seq));
  return std::string(buf.data()) + std::string(format::kSegmentSuffix);
}

// The disk (or the user's quota) has no room: a bound like max_bytes, not a failing disk.
inline bool is_no_space(std::error_code ec) {
  return ec == std::errc::no_space_on_device ||
         ec == std::error_condition(EDQUOT, std::generic_category());
}

}  // namespace canhose::queue::detail
