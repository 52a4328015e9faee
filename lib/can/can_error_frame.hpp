#pragma once
// What an error frame (CAN_ERR_FLAG, linux/can/error.h) says about the bus and the
// controller, and running counts of them per interface.

#include <cstdint>
#include <optional>
#include <string>

#include "can/can_frame.hpp"

namespace canhose::can {

struct ErrorFrameInfo {
  bool bus_off = false;
  bool error_passive = false;  // RX or TX error passive
  bool error_warning = false;  // RX or TX warning level
  bool back_to_active = false;
  bool controller_overflow = false;  // controller RX/TX buffer overflow
  bool restarted = false;
  bool no_ack = false;
  bool lost_arbitration = false;
  bool protocol_violation = false;
  bool transceiver = false;
  bool bus_error = false;
  bool tx_timeout = false;
  std::uint8_t tx_error_count = 0;  // data[6], data[7] when the driver reports them
  std::uint8_t rx_error_count = 0;
};

// Interprets an error frame (f.error must be set). Never fails: unknown bits are ignored.
ErrorFrameInfo describe_error_frame(const CanFrame& f);

// The controller state an error frame reports, as the number alert rules read in the
// field <interface>.bus_state: 0 error-active (back to active, or restarted after
// bus-off), 1 error warning, 2 error passive, 3 bus-off; nullopt when the frame says
// nothing about the state (a protocol violation, a missing ACK, ...). The worst state a
// frame reports wins.
std::optional<int> bus_state(const ErrorFrameInfo& info);

// "bus-off, error passive (tx 128 rx 0)" -- for the log.
std::string to_string(const ErrorFrameInfo& info);

// Cumulative counts per interface, for status and metrics.
struct ErrorFrameCounters {
  std::uint64_t error_frames = 0;
  std::uint64_t bus_off = 0;
  std::uint64_t error_passive = 0;
  std::uint64_t error_warning = 0;
  std::uint64_t controller_problems = 0;  // any CAN_ERR_CRTL report
  std::uint64_t protocol_violations = 0;
  std::uint64_t no_ack = 0;
  std::uint64_t restarted = 0;

  void count(const CanFrame& f, const ErrorFrameInfo& info);
};

}  // namespace canhose::can
