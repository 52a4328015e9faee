#pragma once
// EcuSimulator: the protocol logic of one OBD-II ECU on ISO 15765-4 (11-bit CAN), with
// knobs for the awkward behaviours real vehicles show. It maps each frame it hears to the
// frames it would send and when; it has no clock and no I/O, so the same class can be
// driven by SimulatedCanBus (asio timers, in-process) or later by a CAN socket.
//
// Behaviour (SAE J1979 / ISO 15765-4):
//   - Listens on the functional id 0x7DF and its physical id (response id - 8).
//   - Mode 01: PIDs 0x00, 0x20, ... answer with bitmaps built from the configured PIDs
//     (the range bit is set when a higher range has PIDs); configured PIDs answer
//     [41 pid data]; unsupported PIDs get no answer (as ECUs do for functional requests).
//     A request for several PIDs is rejected with 7F 01 12 when reject_multi_pid is on
//     (old ECUs), else answered [41 p1 d1 p2 d2 ...].
//   - Mode 09 PID 02: the VIN as [49 02 01 + 17 chars], a multi-frame ISO-TP message:
//     first frame, then consecutive frames only after a flow control, honouring its block
//     size and STmin. Mode 09 PID 00 advertises PID 02 when a VIN is set.
//   - Trouble codes, once set_dtcs() was called: PID 01 (monitor status) answers
//     [A 07 65 00] with A = MIL in bit 7 and the number of stored DTCs; mode 03 (the
//     single byte 03) answers [43 N code...], multi-frame beyond two codes, and 43 00
//     when none are stored (as ISO 15765-4 ECUs do).
//   - Answers are padded to 8 bytes with `padding`.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "obd/obd_frame.hpp"

namespace canhose::test {

class EcuSimulator {
 public:
  enum class Fault {
    none,
    truncated_frame,      // single frame whose declared length exceeds its DLC
    short_answer,         // positive answer missing its last data byte
    wrong_sequence,       // multi-frame: the second consecutive frame skips a number
    ignore_flow_control,  // multi-frame: first frame, then nothing
    invalid_pci,          // a frame with PCI type 0x4
  };

  struct Output {
    std::chrono::microseconds delay;  // after the previous output (or the request)
    obd::ObdFrame frame;
  };

  explicit EcuSimulator(std::uint32_t response_id = 0x7E8);

  std::uint32_t response_id() const { return response_id_; }
  std::uint32_t physical_id() const { return response_id_ - 8; }

  // Knobs.
  void set_pid(std::uint8_t pid, std::vector<std::uint8_t> data) { pids_[pid] = std::move(data); }
  void set_vin(std::string vin) { vin_ = std::move(vin); }
  // The MIL and the stored DTCs (16-bit J2012 codes, 0x0301 = P0301), in the order mode 03
  // lists them. Until the first call the ECU supports neither PID 01 nor mode 03.
  void set_dtcs(std::vector<std::uint16_t> codes, bool mil);
  // Negative answer to every request of a mode without PIDs (mode 03: 7F 03 nrc).
  void set_mode_negative(std::uint8_t mode, std::uint8_t nrc) { mode_negative_[mode] = nrc; }
  void clear_mode_negative(std::uint8_t mode) { mode_negative_.erase(mode); }
  void set_negative(std::uint8_t pid, std::uint8_t nrc) { negative_[pid] = nrc; }
  void clear_negative(std::uint8_t pid) { negative_.erase(pid); }
  // Answer `pid` with `count` times 7F 01 78, `interval` apart, then the real answer.
  void set_pending(std::uint8_t pid, int count, std::chrono::milliseconds interval) {
    pending_[pid] = {count, interval};
  }
  // `pid` 0x00 for mode 03, whose requests carry none.
  void set_fault(std::uint8_t mode, std::uint8_t pid, Fault f, int times = 1000000) {
    faults_[{mode, pid}] = {f, times};
  }
  // Advertises `pid` but never answers it.
  void set_silent_pid(std::uint8_t pid) { silent_pids_[pid] = true; }
  bool silent = false;                          // answers nothing at all
  std::chrono::milliseconds response_delay{1};  // before the first frame of an answer
  bool reject_multi_pid = true;
  std::uint8_t padding = 0xAA;

  // A frame heard on the bus; returns what to send, in order.
  std::vector<Output> on_frame(const obd::ObdFrame& frame);
  // Waiting for flow control after a first frame.
  bool awaiting_flow_control() const { return !pending_payload_.empty(); }
  // N_Bs expired: the sender gives the transfer up.
  void flow_control_timeout();

  // What it heard.
  int requests = 0;            // single-frame requests addressed to it
  int dtc_requests = 0;        // of which mode 03 (stored DTCs)
  int multi_pid_requests = 0;  // of which asking for more than one PID
  int flow_controls = 0;
  std::vector<obd::ObdFrame> flow_control_frames;
  int abandoned_transfers = 0;

 private:
  struct Pending {
    int count = 0;
    std::chrono::milliseconds interval{};
  };
  struct FaultUse {
    Fault fault = Fault::none;
    int remaining = 0;
  };

  std::vector<Output> answer(std::uint8_t mode, const std::vector<std::uint8_t>& pids);
  std::optional<std::vector<std::uint8_t>> mode01_data(std::uint8_t pid) const;
  std::vector<std::uint8_t> bitmap(std::uint8_t base) const;
  Fault take_fault(std::uint8_t mode, std::uint8_t pid);
  void send_payload(const std::vector<std::uint8_t>& payload, Fault fault,
                    std::chrono::microseconds delay, std::vector<Output>& out);
  void send_consecutive(std::uint8_t block_size, std::chrono::microseconds st_min,
                        std::vector<Output>& out);

  std::uint32_t response_id_;
  std::map<std::uint8_t, std::vector<std::uint8_t>> pids_;
  std::optional<std::string> vin_;
  std::optional<std::vector<std::uint16_t>> dtcs_;  // set: answers PID 01 and mode 03
  std::map<std::uint8_t, std::uint8_t> mode_negative_;
  std::map<std::uint8_t, std::uint8_t> negative_;
  std::map<std::uint8_t, Pending> pending_;
  std::map<std::pair<std::uint8_t, std::uint8_t>, FaultUse> faults_;
  std::map<std::uint8_t, bool> silent_pids_;

  // Multi-frame transfer in progress: payload bytes not yet sent, next sequence number.
  std::vector<std::uint8_t> pending_payload_;
  std::uint8_t next_sequence_ = 1;
  Fault transfer_fault_ = Fault::none;
};

// "P0301" -> 0x0301, "C0123" -> 0x4123 (SAE J2012); nullopt for anything else.
std::optional<std::uint16_t> parse_dtc(std::string_view text);

}  // namespace canhose::test
