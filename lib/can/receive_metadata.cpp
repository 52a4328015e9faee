#include "can/receive_metadata.hpp"

#include <linux/socket.h>

#include <cstring>

namespace canhose::can {

namespace {

constexpr int kTimestampOld = 29;    // SO_TIMESTAMP_OLD: struct timeval (native longs)
constexpr int kTimestampNsOld = 35;  // SO_TIMESTAMPNS_OLD: struct timespec (native longs)
constexpr int kTimestampNew = 63;    // SO_TIMESTAMP_NEW: struct __kernel_sock_timeval
constexpr int kTimestampNsNew = 64;  // SO_TIMESTAMPNS_NEW: struct __kernel_timespec
constexpr int kRxqOverflow = 40;     // SO_RXQ_OVFL: __u32

// Two signed integers of the payload's width: 8 bytes -> two int32, 16 -> two int64.
bool read_pair(const cmsghdr* c, std::int64_t& a, std::int64_t& b) {
  const std::size_t payload = c->cmsg_len - CMSG_LEN(0);
  const unsigned char* p = CMSG_DATA(c);
  if (payload == 16) {
    std::int64_t x = 0;
    std::int64_t y = 0;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, p + 8, 8);
    a = x;
    b = y;
    return true;
  }
  if (payload == 8) {
    std::int32_t x = 0;
    std::int32_t y = 0;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + 4, 4);
    a = x;
    b = y;
    return true;
  }
  return false;
}

}  // namespace

ReceiveMetadata parse_receive_metadata(const msghdr& msg) {
  ReceiveMetadata m;
  if (msg.msg_control == nullptr || msg.msg_controllen < sizeof(cmsghdr)) {
    return m;
  }
  // CMSG_NXTHDR is a macro from glibc full of C casts; use it through a const_cast-free copy.
  msghdr copy = msg;
  for (cmsghdr* c = CMSG_FIRSTHDR(&copy); c != nullptr; c = CMSG_NXTHDR(&copy, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_len < CMSG_LEN(0)) {
      continue;
    }
    std::int64_t a = 0;
    std::int64_t b = 0;
    switch (c->cmsg_type) {
      case kTimestampNsOld:
      case kTimestampNsNew:
        if (read_pair(c, a, b)) {
          m.timestamp_ns = a * 1'000'000'000 + b;
        }
        break;
      case kTimestampOld:
      case kTimestampNew:
        if (!m.timestamp_ns && read_pair(c, a, b)) {
          m.timestamp_ns = a * 1'000'000'000 + b * 1000;
        }
        break;
      case kRxqOverflow:
        if (c->cmsg_len >= CMSG_LEN(sizeof(std::uint32_t))) {
          std::uint32_t drops = 0;
          std::memcpy(&drops, CMSG_DATA(c), sizeof drops);
          m.drop_count = drops;
        }
        break;
      default:
        break;
    }
  }
  return m;
}

}  // namespace canhose::can
