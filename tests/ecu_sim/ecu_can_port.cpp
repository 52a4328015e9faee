#include "ecu_can_port.hpp"

#include <linux/can.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace canhose::test {

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

EcuCanPort::EcuCanPort(asio::io_context& io, const std::string& interface) : io_(io), socket_(io) {
  const int fd = ::socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_RAW);
  if (fd < 0) {
    throw_errno("socket(PF_CAN)");
  }
  socket_.assign(fd);
  // Functional requests and the physical ids 0x7E0-0x7E7 (requests, flow control).
  const can_filter filters[] = {{0x7DF, CAN_SFF_MASK | CAN_EFF_FLAG | CAN_RTR_FLAG},
                                {0x7E0, 0x7F8 | CAN_EFF_FLAG | CAN_RTR_FLAG}};
  if (::setsockopt(fd, SOL_CAN_RAW, CAN_RAW_FILTER, filters, sizeof filters) != 0) {
    throw_errno("setsockopt(CAN_RAW_FILTER)");
  }
  const unsigned index = ::if_nametoindex(interface.c_str());
  if (index == 0) {
    throw_errno("if_nametoindex(" + interface + ")");
  }
  sockaddr_can address{};
  address.can_family = AF_CAN;
  address.can_ifindex = static_cast<int>(index);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    throw_errno("bind(" + interface + ")");
  }
}

void EcuCanPort::add_ecu(EcuSimulator& ecu) {
  ports_.push_back(std::make_unique<Port>(io_, ecu));
}

void EcuCanPort::start() {
  read_next();
}

void EcuCanPort::stop() {
  boost::system::error_code ignored;
  socket_.cancel(ignored);
  for (auto& port : ports_) {
    port->n_bs_timer.cancel();
  }
}

void EcuCanPort::read_next() {
  socket_.async_wait(asio::posix::stream_descriptor::wait_read, [this](std::error_code ec) {
    if (!ec) {
      on_readable();
      read_next();
    }
  });
}

void EcuCanPort::on_readable() {
  for (;;) {
    can_frame k{};
    const ssize_t n = ::read(socket_.native_handle(), &k, sizeof k);
    if (n != static_cast<ssize_t>(sizeof k)) {
      return;  // EAGAIN, or a frame of another size (not OBD-II)
    }
    obd::ObdFrame frame;
    frame.id = k.can_id & CAN_SFF_MASK;
    frame.len = k.len;
    std::memcpy(frame.data.data(), k.data, sizeof k.data);
    if (on_received) {
      on_received(frame);
    }
    for (auto& port : ports_) {
      Port& p = *port;
      auto reply = std::make_shared<Reply>(io_);
      for (auto& out : p.ecu.on_frame(frame)) {
        reply->queue.push_back(std::move(out));
      }
      if (!reply->queue.empty()) {
        pump(p, std::move(reply));
      }
      if (p.ecu.awaiting_flow_control()) {
        p.n_bs_timer.expires_after(n_bs);
        p.n_bs_timer.async_wait([&p](std::error_code ec) {
          if (!ec && p.ecu.awaiting_flow_control()) {
            p.ecu.flow_control_timeout();
          }
        });
      } else {
        p.n_bs_timer.cancel();
      }
    }
  }
}

void EcuCanPort::pump(Port& port, std::shared_ptr<Reply> reply) {
  const auto delay = reply->queue.front().delay;
  reply->timer.expires_after(delay);
  reply->timer.async_wait([this, &port, reply](std::error_code ec) {
    if (ec) {
      return;
    }
    transmit(reply->queue.front().frame);
    reply->queue.pop_front();
    if (!reply->queue.empty()) {
      pump(port, reply);
    }
  });
}

void EcuCanPort::transmit(const obd::ObdFrame& frame) {
  can_frame k{};
  k.can_id = frame.id;
  k.len = static_cast<std::uint8_t>(frame.len);
  std::memcpy(k.data, frame.data.data(), sizeof k.data);
  if (::write(socket_.native_handle(), &k, sizeof k) != static_cast<ssize_t>(sizeof k)) {
    ++send_failures;  // ENOBUFS under a flood, ENETDOWN: the tester times out, as on a bus
    return;
  }
  if (on_sent) {
    on_sent(frame);
  }
}

}  // namespace canhose::test
