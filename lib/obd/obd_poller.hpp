#pragma once
// ObdPoller: asks the vehicle for mode 01 PIDs over ISO 15765-4 (11-bit CAN) and
// publishes decoded values, the VIN and derived CO2.
//
// Protocol, in order:
//   1. Discovery: functional request 01 00 on request_id (0x7DF); every ECU that answers
//      within response_timeout is recorded with its bitmap; while an ECU advertises the
//      next range (PID 0x20, 0x40, ...), that bitmap is read too. Configured PIDs no ECU
//      supports are logged once (notice) and never polled. No answer at all (ignition off)
//      retries with backoff.
//   2. VIN: 09 02 once, when the options give no VIN (multi-frame ISO-TP, flow control by
//      IsoTpReceiver); retried with backoff until a valid VIN arrives.
//   3. Polling: each supported PID when due, earliest due first, ONE PID PER REQUEST (old
//      ECUs reject multi-PID requests with 7F 01 12) and ONE REQUEST OUTSTANDING at a time
//      (functional requests are answered by every ECU; answers carry no request id).
//   4. Trouble codes: PID 0x01 (monitor status) is published as mil and dtc_count; while
//      it reports the MIL on or DTCs counted, mode 03 reads the stored DTCs — at once when
//      that status changes, then every dtc_interval — and publishes them as dtcs.
//
// An exchange ends when every ECU that advertised the PID has answered (so a normal poll
// costs one round trip, not a timeout), or at response_timeout, extended to
// pending_timeout by a 7F xx 78 "response pending" and by an ISO-TP transfer in progress
// (bounded by N_Cr). Each ECU's answer is kept (answer()); the published value comes from
// the lowest response id that answered positively — 0x7E8, the engine ECU by ISO 15765-4
// convention, when it answers. A PID with no positive answer failures_before_backoff times
// in a row is backed off exponentially up to max_backoff; negative responses are logged
// with their NRC name (the logger rate-limits repeats).
//
// Threading: everything runs on the io_context's thread; on_frame must be called there.
// Lifetime: timers capture a liveness guard, so destroying the poller on the event loop
// thread with handlers still queued is safe.

#include <array>
#include <bitset>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "asio/asio.hpp"
#include "lifecycle/component.hpp"
#include "obd/co2_estimator.hpp"
#include "obd/dtc.hpp"
#include "obd/isotp_receiver.hpp"
#include "obd/obd_exchange.hpp"
#include "obd/obd_frame.hpp"
#include "obd/obd_options.hpp"
#include "obd/pid_schedule.hpp"
#include "obd/pid_table.hpp"
#include "obd/supported_pids.hpp"

namespace canhose::obd {

struct ObdCallbacks {
  // name: field name ("speed", "co2_g_per_s"); unit: "km/h", "g/s"; timestamp: Unix ns of
  // the frame that completed the answer.
  std::function<void(std::string_view name, double value, std::string_view unit,
                     std::int64_t timestamp_ns)>
      on_value;
  std::function<void(const std::string& vin)> on_vin;
  // Integer fields ("mil" 0/1, "dtc_count") and text fields ("dtcs": "P0301 C0123", "" for
  // none); timestamp as above.
  std::function<void(std::string_view name, std::int64_t value, std::int64_t timestamp_ns)>
      on_integer;
  std::function<void(std::string_view name, const std::string& text, std::int64_t timestamp_ns)>
      on_text;
};

struct ObdPollerStats {
  std::uint64_t requests = 0;             // requests sent (discovery, PIDs, VIN, DTCs)
  std::uint64_t positive_answers = 0;     // per ECU
  std::uint64_t negative_answers = 0;     // per ECU, excluding response pending
  std::uint64_t pending_answers = 0;      // 7F xx 78
  std::uint64_t malformed_answers = 0;    // complete ISO-TP messages that make no sense
  std::uint64_t unsolicited_answers = 0;  // not matching the outstanding request (late)
  std::uint64_t timeouts = 0;             // exchanges with no answer at all
  std::uint64_t values_published = 0;
  std::uint64_t dtc_reads = 0;          // mode 03 exchanges with a usable answer
  std::uint64_t dtc_read_failures = 0;  // mode 03 exchanges without one (NRC, none, malformed)
};

struct EcuAnswer {
  double value = 0;
  std::int64_t timestamp_ns = 0;
};

class ObdPoller final : public lifecycle::Component {
 public:
  static constexpr std::uint32_t first_response_id = ObdExchange::first_response_id;  // 0x7E8
  static constexpr std::size_t max_ecus = ObdExchange::max_ecus;                      // 0x7E8-0x7EF

  // Throws std::invalid_argument when check_options(options) finds a problem.
  ObdPoller(asio::io_context& io, ObdOptions options, FrameSender send, ObdCallbacks callbacks);
  ~ObdPoller() override;

  // Every received frame; ids other than 0x7E8-0x7EF are ignored cheaply.
  void on_frame(const ObdFrame& frame);

  std::string_view name() const override { return "obd"; }
  void start() override;
  void async_stop(std::chrono::steady_clock::time_point deadline,
                  std::function<void()> done) override;
  std::string status() const override;

  // The last positive answer of ECU `response_id` (0x7E8-0x7EF) for `pid`.
  std::optional<EcuAnswer> answer(std::uint8_t pid, std::uint32_t response_id) const;
  const std::optional<std::string>& vin() const { return vin_; }
  bool discovery_done() const { return phase_ == Phase::polling; }
  // Configured PIDs the vehicle supports / does not support (after discovery).
  std::vector<std::uint8_t> polled_pids() const;
  std::vector<std::uint8_t> unsupported_pids() const;
  // Whether `pid` is currently backed off after repeated failures.
  bool backed_off(std::uint8_t pid) const;
  const ObdPollerStats& stats() const { return stats_; }
  IsoTpReceiverStats isotp_stats() const;  // summed over all ECUs
  // The last monitor status (PID 0x01), merged over the ECUs: the MIL is on when any ECU
  // commands it, the count is the sum of theirs. nullopt before the first answer.
  const std::optional<MonitorStatus>& monitor_status() const { return status_; }
  // The stored DTCs as published in "dtcs"; nullopt while unknown (not read yet since the
  // status changed).
  const std::optional<std::string>& dtcs() const { return dtcs_; }

 private:
  // exchange_ runs one request at a time (ISO-TP, NRCs, deadlines); schedule_ says what to
  // ask for next; the poller interprets the answers, publishes and moves through the phases.
  enum class Phase { idle, discovering, polling, stopped };
  using Kind = ObdExchange::Kind;
  using Exchange = ObdExchange::State;
  using Clock = std::chrono::steady_clock;
  // The last positive answer of each ECU to one PID.
  using EcuAnswers = std::array<std::optional<EcuAnswer>, max_ecus>;

  bool on_answer(Exchange& x, std::size_t ecu, std::span<const std::uint8_t> payload,
                 std::int64_t ts);
  void on_exchange_finished(const Exchange& x);
  void finish_discovery(const Exchange& x);
  void finish_pid(const Exchange& x);
  void finish_vin(const Exchange& x);
  // Trouble codes (obd_poller_dtcs.cpp).
  bool on_dtc_answer(Exchange& x, std::size_t ecu, std::span<const std::uint8_t> payload,
                     std::int64_t ts);
  void on_monitor_status(const Exchange& x, std::int64_t ts);
  void finish_dtcs(const Exchange& x);
  void publish(std::string_view name, double value, std::string_view unit, std::int64_t ts);
  void publish_integer(std::string_view name, std::int64_t value, std::int64_t ts);
  void publish_text(std::string_view name, const std::string& text, std::int64_t ts);
  void schedule_next();
  void post_schedule();

  asio::io_context& io_;
  ObdOptions options_;
  ObdCallbacks callbacks_;
  Co2Estimator co2_;
  ObdPollerStats stats_;
  ObdExchange exchange_;  // counts requests, answers and timeouts in stats_
  PidSchedule schedule_;
  std::vector<EcuAnswers> answers_;  // one per schedule_.entries()
  std::array<SupportedPids, max_ecus> supported_;
  std::bitset<max_ecus> responders_;
  Phase phase_ = Phase::idle;
  asio::steady_timer schedule_timer_;
  bool discovery_silence_logged_ = false;
  std::optional<std::string> vin_;
  std::optional<MonitorStatus> status_;
  ObdExchange::EcuSet status_ecus_;  // the ECUs that answered the last monitor status
  std::array<std::vector<std::uint16_t>, max_ecus> dtc_answers_;  // of the current read
  std::optional<std::string> dtcs_;
  bool dtc_failure_logged_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace canhose::obd
