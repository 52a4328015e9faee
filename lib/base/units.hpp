#pragma once
// Durations and sizes as people write them in the config file.
//
//   durations: "250ms", "5s", "15m", "2h", "1d", and sums such as "1h30m"; "0" alone.
//   sizes:     "512B", "64KiB", "512MiB", "1GiB" (powers of 1024), "4MB" (powers of 1000),
//              or a plain number of bytes. Units are case-insensitive ("64kib" == "64KiB").

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace canhose::base {

using Duration = std::chrono::milliseconds;

// A byte count. A distinct type so a size is never mistaken for a count of records.
struct ByteSize {
  std::uint64_t bytes = 0;
  friend auto operator<=>(const ByteSize&, const ByteSize&) = default;
};

std::optional<Duration> parse_duration(std::string_view text);
std::optional<ByteSize> parse_byte_size(std::string_view text);

// The shortest exact spelling: 1500ms -> "1500ms", 90000ms -> "1m30s", 0 -> "0s".
std::string format_duration(Duration d);
// 65536 -> "64KiB", 1000 -> "1000B", 3 GiB -> "3GiB".
std::string format_byte_size(ByteSize s);

}  // namespace canhose::base
