// canhose_ecu_sim: an OBD-II engine ECU (and optionally more ECUs) answering on a real CAN
// interface, for the VM tests and for trying canhose against vcan by hand:
//
//   canhose_ecu_sim [--interface vcan0] [--vin 1G1JC5444R7252367] [--ecus N]
//                   [--accept-multi-pid] [--delay-ms N] [--silent] [--nrc PID:CODE]...
//                   [--no-fuel-rate] [--dtcs P0301,P0420,...] [--mil-on-after-s S]
//                   [--mil-off] [--duration-s S]
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
//   --dtcs CODES        the engine stores these DTCs (SAE J2012, comma-separated) with its
//                       MIL on: from the start, after --mil-on-after-s S, or (--mil-off)
//                       only when SIGUSR2 toggles the MIL. Without --dtcs (or before
//                       then) it reports the MIL off and no DTCs (PID 01, mode 03 43 00).
//   --mil-on-after-s S  light the MIL with the --dtcs codes S seconds after start
//   --mil-off           keep the MIL off until SIGUSR2
// SIGUSR2 toggles the MIL: on with the --dtcs codes, off with the codes cleared.
// Every frame sent is printed on stdout as "tx ID B0 B1 ...", every frame heard as
// "rx ID ...", then "ready", and "mil on"/"mil off" when the MIL changes; at the end one
// "ecu ID requests=... multi_pid_requests=... flow_controls=... abandoned_transfers=...
// dtc_requests=..." line per ECU. SIGTERM/SIGINT end it.

#include <algorithm>
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
  std::vector<std::uint16_t> dtcs;
  int mil_on_after_s = 0;
  bool mil_off = false;
  int duration_s = 0;
};

std::vector<std::uint16_t> parse_dtc_list(const std::string& text) {
  std::vector<std::uint16_t> codes;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    const auto code = canhose::test::parse_dtc(item);
    if (!code) {
      throw std::invalid_argument("--dtcs wants SAE J2012 codes such as P0301,C0123, not '" + item +
                                  "'");
    }
    codes.push_back(*code);
    start = comma + 1;
  }
  return codes;
}

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
    } else if (arg == "--dtcs") {
      a.dtcs = parse_dtc_list(value());
    } else if (arg == "--mil-on-after-s") {
      a.mil_on_after_s = std::stoi(value());
    } else if (arg == "--mil-off") {
      a.mil_off = true;
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
      ecu->set_dtcs({}, false);  // a healthy engine until the MIL comes on
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

  // The MIL: on with the --dtcs codes, or off with none stored (as after mode 04).
  bool mil = false;
  auto set_mil = [&](bool on) {
    mil = on;
    ecus[0]->set_dtcs(on ? args.dtcs : std::vector<std::uint16_t>{}, on);
    std::printf("mil %s\n", on ? "on" : "off");
    std::fflush(stdout);
  };
  canhose::asio::steady_timer mil_timer(io);
  if (!args.dtcs.empty() && !args.mil_off) {
    if (args.mil_on_after_s <= 0) {
      set_mil(true);
    } else {
      mil_timer.expires_after(std::chrono::seconds(args.mil_on_after_s));
      mil_timer.async_wait([&](std::error_code ec) {
        if (!ec) {
          set_mil(true);
        }
      });
    }
  }
  canhose::asio::signal_set mil_toggle(io, SIGUSR2);
  std::function<void()> wait_mil_toggle = [&] {
    mil_toggle.async_wait([&](std::error_code ec, int) {
      if (ec) {
        return;
      }
      mil_timer.cancel();
      set_mil(!mil);
      wait_mil_toggle();
    });
  };
  wait_mil_toggle();

  canhose::asio::steady_timer end_timer(io);
  auto finish = [&] {
    port->stop();
    refresh.cancel();
    end_timer.cancel();
    mil_timer.cancel();
    mil_toggle.cancel();
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
        "ecu %03X requests=%d multi_pid_requests=%d flow_controls=%d abandoned_transfers=%d "
        "dtc_requests=%d\n",
        static_cast<unsigned>(ecu->response_id()), ecu->requests, ecu->multi_pid_requests,
        ecu->flow_controls, ecu->abandoned_transfers, ecu->dtc_requests);
  }
  std::fflush(stdout);
  return 0;
}
