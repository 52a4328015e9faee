#include "can/receive_metadata.hpp"

namespace canhose::can::receive_metadata_detail {

namespace {

constexpr int kTimestampOld = 29;    // SO_TIMESTAMP_OLD: struct timeval (native longs)
constexpr int kTimestampNsOld = 35;  // SO_TIMESTAMPNS_OLD: struct timespec (native longs)
constexpr int kTimestampNew = 63;    // SO_TIMESTAMP_NEW: struct __kernel_sock_timeval
constexpr int kTimestampNsNew = 64;  // SO_TIMESTAMPNS_NEW: struct __kernel_timespec
constexpr int kRxqOverflow = 40;     // SO_RXQ_OVFL: __u32

// Two signed integers of the payload's width: 8 bytes -> two int32, 16 -> two int64.
bool read_pair(const unsigned char* p, std::size_t payload, std::int64_t& a, std::int64_t& b) {
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

void apply(ReceiveMetadata& m, int type, const unsigned char* data, std::size_t payload) {
  std::int64_t a = 0;
  std::int64_t b = 0;
  switch (type) {
    case kTimestampNsOld:
    case kTimestampNsNew:
      if (read_pair(data, payload, a, b)) {
        m.timestamp_ns = a * 1'000'000'000 + b;
      }
      break;
    case kTimestampOld:
    case kTimestampNew:
      if (!m.timestamp_ns && read_pair(data, payload, a, b)) {
        m.timestamp_ns = a * 1'000'000'000 + b * 1000;
      }
      break;
    case kRxqOverflow:
      if (payload >= sizeof(std::uint32_t)) {
        std::uint32_t drops = 0;
        std::memcpy(&drops, data, sizeof drops);
        m.drop_count = drops;
      }
      break;
    default:
      break;
  }
}

}  // namespace canhose::can::receive_metadata_detail
