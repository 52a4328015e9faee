// ObdExchange: sending an OBD-II request, taking each ECU's ISO-TP answer or negative
// response, and deciding when the exchange is over.
#include "obd/obd_exchange.hpp"

#include <algorithm>

#include "log/logger.hpp"
#include "obd/isotp_pci.hpp"
#include "obd/negative_response.hpp"
#include "obd/obd_poller.hpp"
#include "obd/obd_text.hpp"

namespace canhose::obd {

ObdExchange::ObdExchange(asio::io_context& io, const ObdOptions& options, FrameSender send,
                         ObdPollerStats& stats, Handlers handlers)
    : options_(options),
      send_(std::move(send)),
      stats_(stats),
      handlers_(std::move(handlers)),
      deadline_timer_(io) {
  for (std::size_t i = 0; i < max_ecus; ++i) {
    const auto response_id = static_cast<std::uint32_t>(first_response_id + i);
    IsoTpReceiver::Handlers receiver_handlers;
    receiver_handlers.on_message = [this, i](std::span<const std::uint8_t> payload,
                                             std::int64_t ts) { on_message(i, payload, ts); };
    receiver_handlers.on_aborted = [this, i](std::string_view reason) { on_aborted(i, reason); };
    // Flow control for the ECU answering on 0x7E8+n goes to its physical id 0x7E0+n.
    receivers_[i] =
        std::make_unique<IsoTpReceiver>(io, response_id, response_id - 8, send_,
                                        std::move(receiver_handlers), options_.isotp_timeout);
  }
}

ObdExchange::~ObdExchange() {
  *alive_ = false;
}

void ObdExchange::on_frame(const ObdFrame& frame) {
  const std::uint32_t index = frame.id - first_response_id;  // wraps for lower ids
  if (index >= max_ecus) {
    return;
  }
  receivers_[index]->on_frame(frame);
}

void ObdExchange::reset() {
  current_.reset();
  deadline_timer_.cancel();
  for (auto& r : receivers_) {
    r->reset();
  }
}

IsoTpReceiverStats ObdExchange::isotp_stats() const {
  IsoTpReceiverStats sum;
  for (const auto& r : receivers_) {
    const IsoTpReceiverStats& s = r->stats();
    sum.messages += s.messages;
    sum.malformed_frames += s.malformed_frames;
    sum.sequence_errors += s.sequence_errors;
    sum.unexpected_frames += s.unexpected_frames;
    sum.timeouts += s.timeouts;
    sum.overflows += s.overflows;
    sum.interrupted += s.interrupted;
  }
  return sum;
}

void ObdExchange::send_request(Kind kind, std::uint8_t mode, std::uint8_t pid, std::size_t entry,
                               EcuSet expected) {
  State x;
  x.kind = kind;
  x.mode = mode;
  x.pid = pid;
  x.entry = entry;
  x.expected = expected;
  send(x);
}

void ObdExchange::send_request_without_pid(Kind kind, std::uint8_t mode, EcuSet expected) {
  State x;
  x.kind = kind;
  x.mode = mode;
  x.has_pid = false;
  x.expected = expected;
  send(x);
}

void ObdExchange::send(const State& x) {
  current_ = x;
  ++stats_.requests;
  const std::array<std::uint8_t, 2> request{x.mode, x.pid};
  send_(isotp::make_single_frame(options_.request_id, std::span(request).first(x.has_pid ? 2 : 1)));
  arm_deadline(Clock::now() + options_.response_timeout);
}

void ObdExchange::arm_deadline(Clock::time_point deadline) {
  deadline_timer_.expires_at(deadline);
  deadline_timer_.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        const auto guard = alive.lock();
        if (ec || !guard || !*guard) {
          return;
        }
        if (deadline_timer_.expiry() > Clock::now()) {
          return;  // extended after this wait had already completed
        }
        on_deadline();
      });
}

void ObdExchange::on_message(std::size_t ecu, std::span<const std::uint8_t> payload,
                             std::int64_t ts) {
  if (!current_ || payload.empty()) {
    ++stats_.unsolicited_answers;
    return;
  }
  State& x = *current_;
  // Formatted only when a log line needs it: this is the per-answer path.
  const auto ecu_name = [ecu] { return hex(static_cast<unsigned>(first_response_id + ecu), 3); };
  const auto request_name = [&x] {
    return x.has_pid ? "mode " + hex(x.mode) + " PID " + describe_pid(x.pid)
                     : "mode " + hex(x.mode) + " (" + std::string(describe_mode(x.mode)) + ")";
  };
  if (const auto nr = parse_negative_response(payload)) {
    if (nr->service != x.mode) {
      ++stats_.unsolicited_answers;
      return;
    }
    if (nr->code == nrc_response_pending) {
      // The ECU promises an answer within P2*: wait up to pending_timeout from now.
      ++stats_.pending_answers;
      log::debug("obd", "ECU ", ecu_name(), " response pending for ", request_name());
      const Clock::time_point later = Clock::now() + options_.pending_timeout;
      if (later > deadline_timer_.expiry()) {
        arm_deadline(later);
      }
      return;
    }
    ++stats_.negative_answers;
    x.answered.set(ecu);
    x.last_nrc = nr->code;
    log::warning("obd", "ECU ", ecu_name(), " rejected ", request_name(), ": 7F ",
                 hex_byte(nr->service), " ", hex_byte(nr->code), " ", nrc_name(nr->code));
    maybe_finish();
    return;
  }
  if (payload[0] != x.mode + 0x40 || (x.has_pid && (payload.size() < 2 || payload[1] != x.pid))) {
    // A late answer to an earlier request, or one to somebody else's request.
    ++stats_.unsolicited_answers;
    return;
  }
  x.answered.set(ecu);
  if (handlers_.on_answer(x, ecu, payload, ts)) {
    x.positive.set(ecu);
  }
  if (x.positive.test(ecu)) {
    ++stats_.positive_answers;
  } else {
    ++stats_.malformed_answers;
    log::warning("obd", "ECU ", ecu_name(), " sent a malformed answer to ", request_name(), " (",
                 payload.size(), " bytes)");
  }
  maybe_finish();
}

void ObdExchange::on_aborted(std::size_t ecu, std::string_view reason) {
  log::warning("obd", "ECU ", hex(static_cast<unsigned>(first_response_id + ecu), 3),
               ": multi-frame answer abandoned: ", reason);
  maybe_finish();
}

bool ObdExchange::transfer_in_progress() const {
  return std::any_of(receivers_.begin(), receivers_.end(),
                     [](const auto& r) { return r->in_progress(); });
}

void ObdExchange::on_deadline() {
  if (!current_) {
    return;
  }
  current_->deadline_passed = true;
  maybe_finish();
}

void ObdExchange::maybe_finish() {
  if (!current_) {
    return;
  }
  const State& x = *current_;
  if (x.expected.any() && (x.answered & x.expected) == x.expected) {
    finish();
  } else if (x.kind == Kind::vin && x.positive.any()) {
    finish();
  } else if (x.deadline_passed && !transfer_in_progress()) {
    // A multi-frame answer still arriving holds the exchange open; N_Cr bounds the wait.
    finish();
  }
}

void ObdExchange::finish() {
  deadline_timer_.cancel();
  const State x = *current_;
  current_.reset();
  if (x.answered.none()) {
    ++stats_.timeouts;
  }
  handlers_.on_finished(x);
}

}  // namespace canhose::obd
