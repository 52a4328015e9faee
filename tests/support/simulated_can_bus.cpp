#include "support/simulated_can_bus.hpp"

#include <thread>

namespace canhose::test {

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void SimulatedCanBus::add_ecu(EcuSimulator& ecu) {
  ports_.push_back(std::make_unique<Port>(io_, ecu));
}

void SimulatedCanBus::transmit_from_tester(const obd::ObdFrame& f) {
  obd::ObdFrame stamped = f;
  stamped.timestamp_ns = now_ns();
  log.push_back({true, std::chrono::steady_clock::now(), stamped});
  asio::post(io_, [this, stamped] {
    for (auto& port : ports_) {
      std::vector<EcuSimulator::Output> out = port->ecu.on_frame(stamped);
      if (!port->ecu.awaiting_flow_control()) {
        port->n_bs_timer.cancel();
      }
      if (!out.empty()) {
        auto reply = std::make_shared<Reply>(io_);
        reply->queue.assign(out.begin(), out.end());
        pump(*port, std::move(reply));
      }
    }
  });
}

void SimulatedCanBus::pump(Port& port, std::shared_ptr<Reply> reply) {
  if (reply->queue.empty()) {
    return;
  }
  reply->timer.expires_after(reply->queue.front().delay);
  Reply& r = *reply;
  r.timer.async_wait([this, &port, reply = std::move(reply)](const boost::system::error_code& ec) {
    if (ec) {
      return;
    }
    obd::ObdFrame f = reply->queue.front().frame;
    reply->queue.pop_front();
    f.timestamp_ns = now_ns();
    log.push_back({false, std::chrono::steady_clock::now(), f});
    if ((f.data[0] >> 4) == 1 && port.ecu.awaiting_flow_control()) {
      // First frame out: the ECU now waits at most N_Bs for flow control.
      port.n_bs_timer.expires_after(n_bs);
      port.n_bs_timer.async_wait([&port](const boost::system::error_code& wait_ec) {
        if (!wait_ec) {
          port.ecu.flow_control_timeout();
        }
      });
    }
    if (tester_) {
      tester_(f);
    }
    pump(port, reply);
  });
}

bool run_until(asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  io.restart();
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    if (io.run_one_for(std::chrono::milliseconds(5)) == 0 && io.stopped()) {
      // No work at all: nothing can change done() but the clock.
      io.restart();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  return done();
}

void run_for(asio::io_context& io, std::chrono::milliseconds span) {
  const auto deadline = std::chrono::steady_clock::now() + span;
  run_until(
      io, [&] { return std::chrono::steady_clock::now() >= deadline; }, span * 2);
}

}  // namespace canhose::test
