#pragma once
// What the kernel attaches to a received CAN record as control messages (cmsg):
// the software receive time (SO_TIMESTAMPNS, or SO_TIMESTAMP with microseconds) and the
// socket's cumulative drop counter (SO_RXQ_OVFL). Hardware timestamps (SO_TIMESTAMPING)
// are deliberately not requested: they are not Unix time unless converted.

#include <sys/socket.h>

#include <cstdint>
#include <optional>

namespace canhose::can {

struct ReceiveMetadata {
  std::optional<std::int64_t> timestamp_ns;  // Unix time
  std::optional<std::uint32_t> drop_count;   // cumulative, wraps at 2^32
};

// Reads the control messages of one received message. Unknown or short control messages
// are ignored (never read past msg_controllen). Handles both the old (native time_t) and
// the new (64-bit time) layouts, so 32-bit ARM with 64-bit time works.
ReceiveMetadata parse_receive_metadata(const msghdr& msg);

}  // namespace canhose::can
