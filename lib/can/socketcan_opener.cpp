#include "can/socketcan_opener.hpp"

#include <linux/can.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace canhose::can {

namespace {

OpenFailure classify(int e) {
  switch (e) {
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
      return OpenFailure::af_can_unavailable;
    case ENODEV:
    case ENXIO:
      return OpenFailure::interface_missing;
    case EPERM:
    case EACCES:
      return OpenFailure::not_permitted;
    default:
      return OpenFailure::other;
  }
}

CanChannelOpen failed(int fd, const CanInterfaceOptions& o, const char* step, int e) {
  if (fd >= 0) {
    ::close(fd);
  }
  CanChannelOpen r;
  r.error = std::error_code(e, std::generic_category());
  r.failure = classify(e);
  r.message = o.name + ": " + step + " failed: " + r.error.message();
  if (r.failure == OpenFailure::af_can_unavailable) {
    r.message +=
        " (this kernel has no SocketCAN: load the can and can_raw modules, e.g. "
        "\"modprobe can_raw\")";
  } else if (r.failure == OpenFailure::interface_missing) {
    r.message += " (no such CAN interface)";
  }
  return r;
}

}  // namespace

CanChannelOpen SocketCanOpener::open(const CanInterfaceOptions& o) {
  const int fd = ::socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_RAW);
  if (fd < 0) {
    return failed(-1, o, "socket(PF_CAN, SOCK_RAW, CAN_RAW)", errno);
  }
  const int on = 1;
  if (o.fd && ::setsockopt(fd, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &on, sizeof on) != 0) {
    return failed(fd, o, "setsockopt(CAN_RAW_FD_FRAMES) (does the kernel support CAN FD?)", errno);
  }
  if (!o.filters.empty()) {
    std::vector<can_filter> kernel;
    kernel.reserve(o.filters.size());
    for (const CanIdFilter& f : o.filters) {
      kernel.push_back(f.to_kernel());
    }
    if (::setsockopt(fd, SOL_CAN_RAW, CAN_RAW_FILTER, kernel.data(),
                     static_cast<socklen_t>(kernel.size() * sizeof(can_filter))) != 0) {
      return failed(fd, o, "setsockopt(CAN_RAW_FILTER)", errno);
    }
  }
  const can_err_mask_t err_mask = o.error_frames ? CAN_ERR_MASK : 0;
  if (::setsockopt(fd, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &err_mask, sizeof err_mask) != 0) {
    return failed(fd, o, "setsockopt(CAN_RAW_ERR_FILTER)", errno);
  }
  if (::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0) {
    return failed(fd, o, "setsockopt(SO_TIMESTAMPNS)", errno);
  }
  if (::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on) != 0) {
    return failed(fd, o, "setsockopt(SO_RXQ_OVFL)", errno);
  }
  if (o.receive_buffer.bytes != 0) {
    const int size = static_cast<int>(std::min<std::uint64_t>(o.receive_buffer.bytes, 1u << 30));
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) != 0) {
      return failed(fd, o, "setsockopt(SO_RCVBUF)", errno);
    }
  }
  const unsigned ifindex = ::if_nametoindex(o.name.c_str());
  if (ifindex == 0) {
    return failed(fd, o, "if_nametoindex", errno == 0 ? ENODEV : errno);
  }
  sockaddr_can addr{};
  addr.can_family = AF_CAN;
  addr.can_ifindex = static_cast<int>(ifindex);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return failed(fd, o, "bind", errno);
  }
  CanChannelOpen r;
  r.fd = fd;
  r.ifindex = ifindex;
  ifreq req{};
  std::strncpy(req.ifr_name, o.name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, SIOCGIFFLAGS, &req) == 0) {
    r.link_up = (req.ifr_flags & IFF_UP) != 0;
  }
  return r;
}

}  // namespace canhose::can
