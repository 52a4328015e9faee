#pragma once
// ObdExchange: one OBD-II request/response exchange at a time over ISO-TP — the request,
// each ECU's answer (reassembled, with flow control, by an IsoTpReceiver per response id),
// negative responses and "response pending", and when the exchange ends. Internal to lib/obd.

#include <array>
#include <bitset>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "asio/asio.hpp"
#include "obd/isotp_receiver.hpp"
#include "obd/obd_frame.hpp"
#include "obd/obd_options.hpp"

namespace canhose::obd {

struct ObdPollerStats;  // obd_poller.hpp

// An exchange ends when every ECU expected to answer has answered, or at response_timeout
// after the request, extended to pending_timeout by a 7F xx 78 "response pending" and by
// an ISO-TP transfer in progress (bounded by N_Cr). A VIN exchange ends at its first
// positive answer. Negative responses are logged with their NRC name. Most requests are
// [mode, pid] and answered [mode + 0x40, pid, ...]; mode 03 (stored DTCs) is the single
// byte [03], answered [43, ...] without a PID.
class ObdExchange {
 public:
  static constexpr std::uint32_t first_response_id = 0x7E8;
  static constexpr std::size_t max_ecus = 8;  // 0x7E8-0x7EF
  using EcuSet = std::bitset<max_ecus>;       // bit n: the ECU answering on 0x7E8+n

  enum class Kind { discovery, pid, vin, dtcs };

  // One request and what the ECUs answered so far.
  struct State {
    Kind kind = Kind::pid;
    std::uint8_t mode = 0;
    std::uint8_t pid = 0;
    bool has_pid = true;    // false: the request is [mode] alone and answers echo no PID
    std::size_t entry = 0;  // Kind::pid: the requester's index of the PID
    EcuSet expected;        // empty: unknown, wait for the deadline
    EcuSet answered;
    EcuSet positive;
    std::array<double, max_ecus> values{};
    std::array<std::int64_t, max_ecus> timestamps{};
    std::optional<std::uint8_t> last_nrc;
    bool deadline_passed = false;
  };

  struct Handlers {
    // An answer from ECU `ecu` that matches the request's mode and PID ([mode + 0x40,
    // pid, ...]). Returns whether it is usable (positive); may record its value in `x`.
    std::function<bool(State& x, std::size_t ecu, std::span<const std::uint8_t> payload,
                       std::int64_t ts)>
        on_answer;
    // The exchange ended; no exchange is outstanding any more, so the handler may send
    // the next request.
    std::function<void(const State& x)> on_finished;
  };

  // `options` and `stats` must outlive the exchange; requests, answers and timeouts are
  // counted in `stats`.
  ObdExchange(asio::io_context& io, const ObdOptions& options, FrameSender send,
              ObdPollerStats& stats, Handlers handlers);
  ~ObdExchange();
  ObdExchange(const ObdExchange&) = delete;
  ObdExchange& operator=(const ObdExchange&) = delete;

  // A received frame; ids other than 0x7E8-0x7EF are ignored cheaply.
  void on_frame(const ObdFrame& frame);
  // Sends [mode, pid] as a single frame on options.request_id and waits for the answers.
  void send_request(Kind kind, std::uint8_t mode, std::uint8_t pid, std::size_t entry,
                    EcuSet expected);
  // Sends [mode] alone (mode 03), whose answers [mode + 0x40, ...] carry no PID.
  void send_request_without_pid(Kind kind, std::uint8_t mode, EcuSet expected);
  // Whether a request is outstanding.
  bool active() const { return current_.has_value(); }
  // Forgets the outstanding request and any transfer in progress, without reporting them.
  void reset();
  IsoTpReceiverStats isotp_stats() const;  // summed over all ECUs

 private:
  using Clock = std::chrono::steady_clock;

  void send(const State& x);
  void on_message(std::size_t ecu, std::span<const std::uint8_t> payload, std::int64_t ts);
  void on_aborted(std::size_t ecu, std::string_view reason);
  void arm_deadline(Clock::time_point deadline);
  void on_deadline();
  bool transfer_in_progress() const;
  void maybe_finish();
  void finish();

  const ObdOptions& options_;
  FrameSender send_;
  ObdPollerStats& stats_;
  Handlers handlers_;
  std::array<std::unique_ptr<IsoTpReceiver>, max_ecus> receivers_;
  std::optional<State> current_;
  asio::steady_timer deadline_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace canhose::obd
