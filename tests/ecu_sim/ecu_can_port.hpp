#pragma once
// EcuCanPort: puts EcuSimulators on a real CAN interface. One CAN_RAW socket bound to the
// interface hears the tester's requests (0x7DF) and flow control (0x7E0-0x7E7); each
// simulator's answer frames go out on the same socket with the delays the simulator asks
// for (the first counted from the request it answers), one asio::steady_timer chain per
// answer, exactly as SimulatedCanBus does in-process. A simulator waiting for flow
// control gives the transfer up after N_Bs.
//
// Every frame sent is reported through `on_sent` (the program prints them, so a test can
// compare what canhose published with what the "vehicle" said).
//
// Lifetime: the simulators must outlive the port; handlers capture `this`, so the port
// must outlive the io_context's run.

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "asio/asio.hpp"
#include "support/ecu_simulator.hpp"

namespace canhose::test {

class EcuCanPort {
 public:
  // Opens and binds the socket; throws std::system_error naming the step on failure.
  EcuCanPort(asio::io_context& io, const std::string& interface);
  EcuCanPort(const EcuCanPort&) = delete;
  EcuCanPort& operator=(const EcuCanPort&) = delete;

  void add_ecu(EcuSimulator& ecu);
  void start();
  void stop();

  std::function<void(const obd::ObdFrame&)> on_sent;
  std::function<void(const obd::ObdFrame&)> on_received;
  std::chrono::milliseconds n_bs{1000};
  std::uint64_t send_failures = 0;

 private:
  struct Port {
    Port(asio::io_context& io, EcuSimulator& e) : ecu(e), n_bs_timer(io) {}
    EcuSimulator& ecu;
    asio::steady_timer n_bs_timer;
  };
  struct Reply {
    explicit Reply(asio::io_context& io) : timer(io) {}
    std::deque<EcuSimulator::Output> queue;
    asio::steady_timer timer;
  };

  void read_next();
  void on_readable();
  void pump(Port& port, std::shared_ptr<Reply> reply);
  void transmit(const obd::ObdFrame& frame);

  asio::io_context& io_;
  asio::posix::stream_descriptor socket_;
  std::vector<std::unique_ptr<Port>> ports_;
};

}  // namespace canhose::test
