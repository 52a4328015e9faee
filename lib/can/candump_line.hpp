#pragma once
// One line of a candump log (`candump -l` / `-L`, can-utils log format):
//
//   (1436509052.249713) vcan0 044#2A366C2BBA        classic data frame, 3 hex digit id
//   (1436509052.249713) vcan0 18FEF100#FF00         extended id: 8 hex digits
//   (1436509052.249713) vcan0 123#R                 RTR, length 0 ("123#R3": length 3)
//   (1436509052.249713) vcan0 123##1AABBCC          CAN FD: "##", a flags nibble
//                                                   (1 = BRS, 2 = ESI), then the data
//   (1436509052.249713) vcan0 20000080#0000000000000000   error frame (CAN_ERR_FLAG set
//                                                   in the 8-digit id; id = error class)
//
// Data bytes are hex pairs, optionally separated by '.'. A classic 8-byte frame may carry
// "_<dlc>" (len8_dlc 9..F), which is accepted and ignored. A trailing direction token
// ("R"/"T", written by newer candump -x) is ignored. The timestamp has 1..9 fraction
// digits and is converted exactly (no floating point). CAN FD data whose length is not a
// valid FD length is padded with zero bytes to the next valid one, as the kernel does.
// CAN XL ("###") is not supported and reported as such.

#include <cstdint>
#include <string>
#include <string_view>

#include "can/can_frame.hpp"

namespace canhose::can {

struct CandumpLine {
  CanFrame frame;              // timestamp_source = log; interface left empty (see `interface`)
  std::string_view interface;  // points into the parsed text
};

// Parses one line (without its newline). On success returns true and fills `out`; on
// failure returns false and sets `error` to what was wrong and what was expected.
// Never throws and never reads past `line`. On failure `out` is left unspecified.
bool parse_candump_line(std::string_view line, CandumpLine& out, std::string& error);

// Formats a frame as a candump log line (without newline), the inverse of the parser.
std::string format_candump_line(const CanFrame& f, std::string_view interface);

}  // namespace canhose::can
