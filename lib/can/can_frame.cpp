#include "can/can_frame.hpp"

#include <algorithm>
#include <cstring>

namespace canhose::can {

canid_t CanFrame::kernel_id() const {
  if (error) {
    return (id & CAN_ERR_MASK) | CAN_ERR_FLAG;
  }
  canid_t k = extended ? ((id & CAN_EFF_MASK) | CAN_EFF_FLAG) : (id & CAN_SFF_MASK);
  if (rtr) {
    k |= CAN_RTR_FLAG;
  }
  return k;
}

namespace {

void set_id(CanFrame& f, canid_t k) {
  f.error = (k & CAN_ERR_FLAG) != 0;
  f.rtr = !f.error && (k & CAN_RTR_FLAG) != 0;
  if (f.error) {
    f.id = k & CAN_ERR_MASK;
  } else if ((k & CAN_EFF_FLAG) != 0) {
    f.extended = true;
    f.id = k & CAN_EFF_MASK;
  } else {
    f.id = k & CAN_SFF_MASK;
  }
}

}  // namespace

CanFrame frame_from_kernel(const can_frame& k) {
  CanFrame f;
  set_id(f, k.can_id);
  f.len = std::min<std::uint8_t>(k.len, CAN_MAX_DLEN);
  std::memcpy(f.data.data(), k.data, f.len);
  return f;
}

CanFrame frame_from_kernel(const canfd_frame& k) {
  CanFrame f;
  set_id(f, k.can_id);
  f.fd = true;
  f.rtr = false;  // FD frames have no RTR
  f.brs = (k.flags & CANFD_BRS) != 0;
  f.esi = (k.flags & CANFD_ESI) != 0;
  f.len = std::min<std::uint8_t>(k.len, CANFD_MAX_DLEN);
  std::memcpy(f.data.data(), k.data, f.len);
  return f;
}

can_frame to_can_frame(const CanFrame& f) {
  can_frame k{};
  k.can_id = f.kernel_id();
  k.len = std::min<std::uint8_t>(f.len, CAN_MAX_DLEN);
  std::memcpy(k.data, f.data.data(), k.len);
  return k;
}

canfd_frame to_canfd_frame(const CanFrame& f) {
  canfd_frame k{};
  k.can_id = f.kernel_id() & ~CAN_RTR_FLAG;
  k.len = std::min<std::uint8_t>(f.len, CANFD_MAX_DLEN);
  k.flags = static_cast<std::uint8_t>((f.brs ? CANFD_BRS : 0) | (f.esi ? CANFD_ESI : 0));
  std::memcpy(k.data, f.data.data(), k.len);
  return k;
}

std::uint8_t round_up_fd_length(std::uint8_t len) {
  if (len <= 8) {
    return len;
  }
  for (std::uint8_t v : {12, 16, 20, 24, 32, 48, 64}) {
    if (len <= v) {
      return v;
    }
  }
  return CANFD_MAX_DLEN;
}

bool is_valid_fd_length(std::uint8_t len) {
  return len <= 64 && round_up_fd_length(len) == len;
}

}  // namespace canhose::can
