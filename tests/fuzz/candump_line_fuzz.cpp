// The candump log line parser (lib/can/candump_line.cpp) on arbitrary bytes: replay
// files come from anywhere (other loggers, edited by hand, cut short).
//
// Invariant checked beyond "no crash": an accepted line formats back to a line that
// parses to the same frame. The formatter writes microseconds, as candump does, so
// timestamps are compared to the microsecond.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "can/candump_line.hpp"

namespace {

bool same_frame(const canhose::can::CanFrame& a, const canhose::can::CanFrame& b) {
  return a.id == b.id && a.len == b.len && a.extended == b.extended && a.rtr == b.rtr &&
         a.error == b.error && a.fd == b.fd && a.brs == b.brs && a.esi == b.esi &&
         a.timestamp_ns / 1000 == b.timestamp_ns / 1000 && a.data == b.data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  canhose::can::CandumpLine parsed;
  std::string error;
  if (!canhose::can::parse_candump_line(line, parsed, error)) {
    return 0;
  }
  const std::string formatted = canhose::can::format_candump_line(parsed.frame, parsed.interface);
  canhose::can::CandumpLine again;
  if (!canhose::can::parse_candump_line(formatted, again, error) ||
      !same_frame(parsed.frame, again.frame) || parsed.interface != again.interface) {
    std::abort();  // the formatter and the parser disagree
  }
  return 0;
}
