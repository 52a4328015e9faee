#pragma once
// SimulatedCanBus: connects one tester (the OBD-II poller) and any number of
// EcuSimulators through an io_context, so every exchange runs on real asio timers: the
// tester's frames reach the ECUs through asio::post, and the frames an ECU sends in reply
// to one frame are delivered one after another with the delays the simulator asked for
// (steady_timer), the first counted from the frame it answers — so a slow ECU answers
// each request its delay after that request, like a real one. An ECU waiting for flow
// control gives the transfer up after N_Bs (1000 ms by default).
//
// Lifetime: handlers capture `this`; destroy the bus before running the io_context again,
// or after it stopped (io_context destruction discards pending handlers without calling
// them).

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "asio/asio.hpp"
#include "obd/obd_frame.hpp"
#include "support/ecu_simulator.hpp"

namespace canhose::test {

class SimulatedCanBus {
 public:
  struct Event {
    bool from_tester = false;
    std::chrono::steady_clock::time_point when;
    obd::ObdFrame frame;
  };

  explicit SimulatedCanBus(asio::io_context& io) : io_(io) {}
  SimulatedCanBus(const SimulatedCanBus&) = delete;
  SimulatedCanBus& operator=(const SimulatedCanBus&) = delete;

  // The ECU must outlive the bus.
  void add_ecu(EcuSimulator& ecu);
  // Where frames for the tester go (e.g. the poller's on_frame).
  void set_tester(std::function<void(const obd::ObdFrame&)> on_frame) {
    tester_ = std::move(on_frame);
  }
  // The tester's send function object.
  obd::FrameSender tester_sender() {
    return [this](const obd::ObdFrame& f) { transmit_from_tester(f); };
  }

  std::chrono::milliseconds n_bs{1000};
  // Everything on the bus, in order.
  std::vector<Event> log;

 private:
  struct Port {
    explicit Port(asio::io_context& io, EcuSimulator& e) : ecu(e), n_bs_timer(io) {}
    EcuSimulator& ecu;
    asio::steady_timer n_bs_timer;
  };
  // The frames one ECU sends in reply to one frame; keeps itself alive through its handler.
  struct Reply {
    explicit Reply(asio::io_context& io) : timer(io) {}
    std::deque<EcuSimulator::Output> queue;
    asio::steady_timer timer;
  };

  void transmit_from_tester(const obd::ObdFrame& f);
  void pump(Port& port, std::shared_ptr<Reply> reply);

  asio::io_context& io_;
  std::function<void(const obd::ObdFrame&)> tester_;
  std::vector<std::unique_ptr<Port>> ports_;
};

// Runs `io` until `done()` holds or `limit` passes; returns done(). Never a timed assertion:
// the limit only bounds a test that would otherwise hang.
bool run_until(asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = std::chrono::seconds(10));
// Runs `io` for `span` (to let something that must NOT happen have its chance).
void run_for(asio::io_context& io, std::chrono::milliseconds span);

}  // namespace canhose::test
