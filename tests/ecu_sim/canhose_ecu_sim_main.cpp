// canhose_ecu_sim: an OBD-II engine ECU (and optionally more ECUs) answering on a real CAN
// interface, for the VM tests and for trying canhose against vcan by hand:
//
//   canhose_ecu_sim [--interface vcan0] [--vin 1G1JC5444R7252367] [--ecus N]
//                   [--accept-multi-pid] [--delay-ms N] [--silent] [--nrc PID:CODE]...
//                   [--no-fuel-rate] [--duration-s S]
//
// The engine ECU (0x7E8) answers mode 01 PIDs with values that change over time
// (SimulatedEngine: speed, rpm, coolant, MAF, fuel rate, ...) and mode 09 PID 02 with the
// VIN as a multi-frame ISO-TP message that honours flow control. The protocol logic is
// tests/support/ecu_simulator (the same class the socketpair tests drive). Switches:
//   --ecus N            N ECUs (0x7E8..); the others answer only vehicle speed, always
//                       250 km/h, so a test sees whose value canhose published
//   --accept-multi-pid  answer requests for several PIDs (default: reject them with
//                       7F 01 12, as older ECUs do)
//   --delay-ms N        answer N ms after each request (default 1)
//   --silent            answer nothing (ignition off) until SIGUSR1 toggles it
//   --nrc PID:CODE      answer mode 01 PID with 7F 01 CODE
// Every frame sent is printed on stdout as "tx ID B0 B1 ...", every frame heard as
// "rx ID ...", then "ready"; at the end one "ecu ID requests=... multi_pid_requests=...
// flow_controls=... abandoned_transfers=..." line per ECU. SIGTERM/SIGINT end it.

#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "asio/asio.hpp"
#include "ecu_can_port.hpp"
#include "simulated_engine.hpp"
#include "support/ecu_simulator.hpp"

namespace {

using canhose::test::EcuCanPort;
using canhose::test::EcuSimulator;
using canhose::test::SimulatedEngine;

struct Arguments {
  std::string interface = "vcan0";
  std::string vin = "1G1JC5444R7252367";
  int ecus = 1;
  bool accept_multi_pid = false;
  int delay_ms = 1;
  bool silent = false;
  std::vector<std::pair<std::uint8_t, std::uint8_t>> nrcs;
  bool fuel_rate = true;
  int duration_s = 0;
};

void print_frame(const char* direction, const canhose::obd::ObdFrame& f) {
  std::printf("%s %03X", direction, static_cast<unsigned>(f.id));
  for (std::size_t i = 0; i < f.len; ++i) {
    std::printf(" %02X", f.data[i]);
  }
  std::printf("\n");
  std::fflush(stdout);
}

Arguments parse(int argc, char** argv) {
  Arguments a;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) {
        throw std::invalid_argument(arg + " needs a value");
      }
      return args[++i];
    };
    if (arg == "--interface") {
      a.interface = value();
    } else if (arg == "--vin") {
      a.vin = value();
    } else if (arg == "--ecus") {
      a.ecus = std::stoi(value());
      if (a.ecus < 1 || a.ecus > 8) {
        throw std::invalid_argument("--ecus must be 1..8");
      }
    } else if (arg == "--accept-multi-pid") {
      a.accept_multi_pid = true;
    } else if (arg == "--delay-ms") {
      a.delay_ms = std::stoi(value());
    } else if (arg == "--silent") {
      a.silent = true;
    } else if (arg == "--nrc") {
      const std::string& v = value();
      const auto colon = v.find(':');
      if (colon == std::string::npos) {
        throw std::invalid_argument("--nrc wants PID:CODE, e.g. 0x11:0x22");
      }
      a.nrcs.emplace_back(static_cast<std::uint8_t>(std::stoul(v.substr(0, colon), nullptr, 0)),
                          static_cast<std::uint8_t>(std::stoul(v.substr(colon + 1), nullptr, 0)));
    } else if (arg == "--no-fuel-rate") {
      a.fuel_rate = false;
    } else if (arg == "--duration-s") {
      a.duration_s = std::stoi(value());
    } else {
      throw std::invalid_argument("unknown argument " + arg);
    }
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  try {
    args = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "canhose_ecu_sim: " << e.what() << "\n";
    return 2;
  }
  canhose::asio::io_context io;
  SimulatedEngine engine;
  engine.fuel_rate = args.fuel_rate;
  std::vector<std::unique_ptr<EcuSimulator>> ecus;
  for (int i = 0; i < args.ecus; ++i) {
    auto ecu = std::make_unique<EcuSimulator>(0x7E8 + static_cast<std::uint32_t>(i));
    ecu->reject_multi_pid = !args.accept_multi_pid;
    ecu->response_delay = std::chrono::milliseconds(args.delay_ms);
    ecu->silent = args.silent;
    if (i == 0) {
      ecu->set_vin(args.vin);
      for (const auto& [pid, code] : args.nrcs) {
        ecu->set_negative(pid, code);
      }
    } else {
      ecu->set_pid(0x0D, {250});
    }
    ecus.push_back(std::move(ecu));
  }

  const auto start = std::chrono::steady_clock::now();
  // The engine ECU's values follow the simulated engine, refreshed every 100 ms.
  canhose::asio::steady_timer refresh(io);
  std::function<void()> update = [&] {
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    for (auto& [pid, data] : engine.pids(elapsed)) {
      ecus[0]->set_pid(pid, data);
    }
    refresh.expires_after(std::chrono::milliseconds(100));
    refresh.async_wait([&](std::error_code ec) {
      if (!ec) {
        update();
      }
    });
  };
  update();

  std::unique_ptr<EcuCanPort> port;
  try {
    port = std::make_unique<EcuCanPort>(io, args.interface);
  } catch (const std::system_error& e) {
    std::cerr << "canhose_ecu_sim: " << args.interface << ": " << e.what() << "\n";
    return 1;
  }
  for (auto& ecu : ecus) {
    port->add_ecu(*ecu);
  }
  port->on_sent = [](const canhose::obd::ObdFrame& f) { print_frame("tx", f); };
  port->on_received = [](const canhose::obd::ObdFrame& f) { print_frame("rx", f); };

  canhose::asio::steady_timer end_timer(io);
  auto finish = [&] {
    port->stop();
    refresh.cancel();
    end_timer.cancel();
    io.stop();
  };
  canhose::asio::signal_set stop_signals(io, SIGTERM, SIGINT);
  stop_signals.async_wait([&](std::error_code ec, int) {
    if (!ec) {
      finish();
    }
  });
  canhose::asio::signal_set toggle(io, SIGUSR1);
  std::function<void()> wait_toggle = [&] {
    toggle.async_wait([&](std::error_code ec, int) {
      if (ec) {
        return;
      }
      for (auto& ecu : ecus) {
        ecu->silent = !ecu->silent;
      }
      std::printf("silent %s\n", ecus[0]->silent ? "on" : "off");
      std::fflush(stdout);
      wait_toggle();
    });
  };
  wait_toggle();
  if (args.duration_s > 0) {
    end_timer.expires_after(std::chrono::seconds(args.duration_s));
    end_timer.async_wait([&](std::error_code ec) {
      if (!ec) {
        finish();
      }
    });
  }
  port->start();
  std::printf("ready\n");
  std::fflush(stdout);
  io.run();
  for (const auto& ecu : ecus) {
    std::printf(
        "ecu %03X requests=%d multi_pid_requests=%d flow_controls=%d abandoned_transfers=%d\n",
        static_cast<unsigned>(ecu->response_id()), ecu->requests, ecu->multi_pid_requests,
        ecu->flow_controls, ecu->abandoned_transfers);
  }
  std::fflush(stdout);
  return 0;
}
