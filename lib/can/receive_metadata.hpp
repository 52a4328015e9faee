#pragma once
// What the kernel attaches to a received CAN record as control messages (cmsg):
// the software receive time (SO_TIMESTAMPNS, or SO_TIMESTAMP with microseconds) and the
// socket's cumulative drop counter (SO_RXQ_OVFL). Hardware timestamps (SO_TIMESTAMPING)
// are deliberately not requested: they are not Unix time unless converted.

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

namespace canhose::can {

struct ReceiveMetadata {
  std::optional<std::int64_t> timestamp_ns;  // Unix time
  std::optional<std::uint32_t> drop_count;   // cumulative, wraps at 2^32
};

namespace receive_metadata_detail {
// Applies one SOL_SOCKET control message (`payload` bytes at `data`) to `m`.
void apply(ReceiveMetadata& m, int type, const unsigned char* data, std::size_t payload);
}  // namespace receive_metadata_detail

// Reads the control messages of one received message. Unknown or short control messages
// are ignored, and a control message is read only if it lies wholly within
// msg_controllen. Handles both the old (native time_t) and the new (64-bit time) layouts,
// so 32-bit ARM with 64-bit time works. Inline: it runs for every received frame; the
// walk is written out (glibc's CMSG_NXTHDR is an out-of-line call).
inline ReceiveMetadata parse_receive_metadata(const msghdr& msg) {
  ReceiveMetadata m;
  const auto* control = static_cast<const unsigned char*>(msg.msg_control);
  if (control == nullptr) {
    return m;
  }
  constexpr std::size_t kAlign = sizeof(std::size_t);                              // CMSG_ALIGN
  constexpr std::size_t kHeader = (sizeof(cmsghdr) + kAlign - 1) & ~(kAlign - 1);  // CMSG_LEN(0)
  const std::size_t end = msg.msg_controllen;
  std::size_t at = 0;
  while (end - at >= sizeof(cmsghdr)) {
    cmsghdr c;
    std::memcpy(&c, control + at, sizeof c);
    if (c.cmsg_len < sizeof(cmsghdr) || c.cmsg_len > end - at) {
      break;
    }
    if (c.cmsg_level == SOL_SOCKET && c.cmsg_len >= kHeader) {
      const std::size_t payload = c.cmsg_len - kHeader;
      const unsigned char* data = control + at + kHeader;
      // The common case, SO_TIMESTAMPNS_OLD (35) or _NEW (64) with two 64-bit integers,
      // inline; everything else in apply().
      if ((c.cmsg_type == 35 || c.cmsg_type == 64) && payload == 16) {
        std::int64_t seconds = 0;
        std::int64_t nanoseconds = 0;
        std::memcpy(&seconds, data, 8);
        std::memcpy(&nanoseconds, data + 8, 8);
        m.timestamp_ns = seconds * 1'000'000'000 + nanoseconds;
      } else {
        receive_metadata_detail::apply(m, c.cmsg_type, data, payload);
      }
    }
    const std::size_t step = (c.cmsg_len + kAlign - 1) & ~(kAlign - 1);
    if (step > end - at) {
      break;
    }
    at += step;
  }
  return m;
}

}  // namespace canhose::can
