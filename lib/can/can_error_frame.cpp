#include "can/can_error_frame.hpp"

#include <linux/can/error.h>

#include <sstream>

namespace canhose::can {

ErrorFrameInfo describe_error_frame(const CanFrame& f) {
  ErrorFrameInfo i;
  const std::uint32_t cls = f.id;
  const auto byte = [&f](std::size_t n) -> std::uint8_t { return n < f.len ? f.data[n] : 0; };
  i.tx_timeout = (cls & CAN_ERR_TX_TIMEOUT) != 0;
  i.lost_arbitration = (cls & CAN_ERR_LOSTARB) != 0;
  i.protocol_violation = (cls & CAN_ERR_PROT) != 0;
  i.transceiver = (cls & CAN_ERR_TRX) != 0;
  i.no_ack = (cls & CAN_ERR_ACK) != 0;
  i.bus_off = (cls & CAN_ERR_BUSOFF) != 0;
  i.bus_error = (cls & CAN_ERR_BUSERROR) != 0;
  i.restarted = (cls & CAN_ERR_RESTARTED) != 0;
  if ((cls & CAN_ERR_CRTL) != 0) {
    const std::uint8_t c = byte(1);
    i.error_passive = (c & (CAN_ERR_CRTL_RX_PASSIVE | CAN_ERR_CRTL_TX_PASSIVE)) != 0;
    i.error_warning = (c & (CAN_ERR_CRTL_RX_WARNING | CAN_ERR_CRTL_TX_WARNING)) != 0;
    i.controller_overflow = (c & (CAN_ERR_CRTL_RX_OVERFLOW | CAN_ERR_CRTL_TX_OVERFLOW)) != 0;
    i.back_to_active = (c & CAN_ERR_CRTL_ACTIVE) != 0;
  }
  if ((cls & CAN_ERR_CNT) != 0) {
    i.tx_error_count = byte(6);
    i.rx_error_count = byte(7);
  }
  return i;
}

std::string to_string(const ErrorFrameInfo& i) {
  std::ostringstream s;
  const char* sep = "";
  const auto add = [&](bool on, const char* what) {
    if (on) {
      s << sep << what;
      sep = ", ";
    }
  };
  add(i.bus_off, "bus-off");
  add(i.error_passive, "error passive");
  add(i.error_warning, "error warning");
  add(i.back_to_active, "back to error active");
  add(i.controller_overflow, "controller buffer overflow");
  add(i.restarted, "controller restarted");
  add(i.no_ack, "no ACK");
  add(i.lost_arbitration, "lost arbitration");
  add(i.protocol_violation, "protocol violation");
  add(i.transceiver, "transceiver error");
  add(i.bus_error, "bus error");
  add(i.tx_timeout, "TX timeout");
  if (*sep == '\0') {
    s << "unspecified error";
  }
  if (i.tx_error_count != 0 || i.rx_error_count != 0) {
    s << " (tx errors " << static_cast<unsigned>(i.tx_error_count) << ", rx errors "
      << static_cast<unsigned>(i.rx_error_count) << ")";
  }
  return s.str();
}

void ErrorFrameCounters::count(const CanFrame& f, const ErrorFrameInfo& i) {
  ++error_frames;
  bus_off += i.bus_off ? 1 : 0;
  error_passive += i.error_passive ? 1 : 0;
  error_warning += i.error_warning ? 1 : 0;
  controller_problems += (f.id & CAN_ERR_CRTL) != 0 ? 1 : 0;
  protocol_violations += i.protocol_violation ? 1 : 0;
  no_ack += i.no_ack ? 1 : 0;
  restarted += i.restarted ? 1 : 0;
}

std::optional<int> bus_state(const ErrorFrameInfo& info) {
  if (info.bus_off) {
    return 3;
  }
  if (info.error_passive) {
    return 2;
  }
  if (info.error_warning) {
    return 1;
  }
  if (info.back_to_active || info.restarted) {
    return 0;
  }
  return std::nullopt;
}

}  // namespace canhose::can
