#include "obd/obd_poller.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "base/units.hpp"
#include "log/logger.hpp"
#include "obd/isotp_pci.hpp"
#include "obd/negative_response.hpp"
#include "obd/vin.hpp"

namespace canhose::obd {

namespace {

constexpr std::uint8_t pid_maf = 0x10;
constexpr std::uint8_t pid_fuel_rate = 0x5E;

std::string hex(unsigned value, int digits = 2) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%0*X", digits, value);
  return text;
}

std::string hex_byte(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "%02X", value & 0xFFu);
  return text;
}

std::string describe_pid(std::uint8_t pid) {
  const PidDefinition* d = find_pid(pid);
  return hex(pid) + (d != nullptr ? " (" + std::string(d->name) + ")" : std::string());
}

}  // namespace

ObdPoller::ObdPoller(asio::io_context& io, ObdOptions options, FrameSender send,
                     ObdCallbacks callbacks)
    : io_(io),
      options_(std::move(options)),
      send_(std::move(send)),
      callbacks_(std::move(callbacks)),
      co2_(options_.fuel_type),
      deadline_timer_(io),
      schedule_timer_(io),
      discovery_retry_(options_.discovery_retry_initial),
      vin_retry_(options_.vin_retry_initial) {
  if (std::string problem = check_options(options_); !problem.empty()) {
    throw std::invalid_argument("sources.obd: " + problem);
  }
  for (std::size_t i = 0; i < max_ecus; ++i) {
    const auto response_id = static_cast<std::uint32_t>(first_response_id + i);
    IsoTpReceiver::Handlers handlers;
    handlers.on_message = [this, i](std::span<const std::uint8_t> payload, std::int64_t ts) {
      on_message(i, payload, ts);
    };
    handlers.on_aborted = [this, i](std::string_view reason) { on_aborted(i, reason); };
    // Flow control for the ECU answering on 0x7E8+n goes to its physical id 0x7E0+n.
    receivers_[i] = std::make_unique<IsoTpReceiver>(io, response_id, response_id - 8, send_,
                                                    std::move(handlers), options_.isotp_timeout);
  }
  for (const PidPoll& p : options_.pids) {
    Entry e;
    e.definition = find_pid(p.pid);
    e.period = p.period;
    entries_.push_back(e);
  }
  if (!options_.vin.empty()) {
    vin_ = options_.vin;
  }
}

ObdPoller::~ObdPoller() {
  *alive_ = false;
}

void ObdPoller::on_frame(const ObdFrame& frame) {
  const std::uint32_t index = frame.id - first_response_id;  // wraps for lower ids
  if (index >= max_ecus || phase_ == Phase::stopped) {
    return;
  }
  receivers_[index]->on_frame(frame);
}

void ObdPoller::start() {
  if (phase_ != Phase::idle) {
    return;
  }
  phase_ = Phase::discovering;
  if (vin_ && callbacks_.on_vin) {
    callbacks_.on_vin(*vin_);
  }
  vin_wanted_ = options_.vin_read && !vin_;
  log::info("obd", "asking for supported PIDs on ", hex(options_.request_id, 3));
  send_request(Kind::discovery, 0x01, 0x00, 0, {});
}

void ObdPoller::async_stop(std::chrono::steady_clock::time_point /*deadline*/,
                           std::function<void()> done) {
  // Nothing in flight needs finishing: an unanswered request is simply forgotten.
  phase_ = Phase::stopped;
  exchange_.reset();
  deadline_timer_.cancel();
  schedule_timer_.cancel();
  for (auto& r : receivers_) {
    r->reset();
  }
  asio::post(io_, std::move(done));
}

std::string ObdPoller::status() const {
  std::ostringstream s;
  switch (phase_) {
    case Phase::idle:
      s << "obd idle";
      break;
    case Phase::discovering:
      s << "obd discovering";
      break;
    case Phase::stopped:
      s << "obd stopped";
      break;
    case Phase::polling:
      s << "obd " << responders_.count() << " ECUs " << polled_pids().size() << "/"
        << entries_.size() << " PIDs";
      break;
  }
  s << " vin " << (vin_ ? *vin_ : std::string("none"));
  return s.str();
}

std::optional<EcuAnswer> ObdPoller::answer(std::uint8_t pid, std::uint32_t response_id) const {
  const std::uint32_t index = response_id - first_response_id;
  if (index >= max_ecus) {
    return std::nullopt;
  }
  for (const Entry& e : entries_) {
    if (e.definition->pid == pid) {
      return e.answers[index];
    }
  }
  return std::nullopt;
}

std::vector<std::uint8_t> ObdPoller::polled_pids() const {
  std::vector<std::uint8_t> out;
  for (const Entry& e : entries_) {
    if (e.supported) {
      out.push_back(e.definition->pid);
    }
  }
  return out;
}

std::vector<std::uint8_t> ObdPoller::unsupported_pids() const {
  std::vector<std::uint8_t> out;
  if (phase_ != Phase::polling) {
    return out;
  }
  for (const Entry& e : entries_) {
    if (!e.supported) {
      out.push_back(e.definition->pid);
    }
  }
  return out;
}

bool ObdPoller::backed_off(std::uint8_t pid) const {
  for (const Entry& e : entries_) {
    if (e.definition->pid == pid) {
      return e.failures >= options_.failures_before_backoff;
    }
  }
  return false;
}

IsoTpReceiverStats ObdPoller::isotp_stats() const {
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

void ObdPoller::send_request(Kind kind, std::uint8_t mode, std::uint8_t pid, std::size_t entry,
                             std::bitset<max_ecus> expected) {
  Exchange x;
  x.kind = kind;
  x.mode = mode;
  x.pid = pid;
  x.entry = entry;
  x.expected = expected;
  exchange_ = x;
  ++stats_.requests;
  const std::array<std::uint8_t, 2> request{mode, pid};
  send_(isotp::make_single_frame(options_.request_id, request));
  arm_deadline(Clock::now() + options_.response_timeout);
}

void ObdPoller::arm_deadline(Clock::time_point deadline) {
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

void ObdPoller::on_message(std::size_t ecu, std::span<const std::uint8_t> payload,
                           std::int64_t ts) {
  if (!exchange_ || payload.empty()) {
    ++stats_.unsolicited_answers;
    return;
  }
  Exchange& x = *exchange_;
  // Formatted only when a log line needs it: this is the per-answer path.
  const auto ecu_name = [ecu] { return hex(static_cast<unsigned>(first_response_id + ecu), 3); };
  if (const auto nr = parse_negative_response(payload)) {
    if (nr->service != x.mode) {
      ++stats_.unsolicited_answers;
      return;
    }
    if (nr->code == nrc_response_pending) {
      // The ECU promises an answer within P2*: wait up to pending_timeout from now.
      ++stats_.pending_answers;
      log::debug("obd", "ECU ", ecu_name(), " response pending for mode ", hex(x.mode), " PID ",
                 describe_pid(x.pid));
      const Clock::time_point later = Clock::now() + options_.pending_timeout;
      if (later > deadline_timer_.expiry()) {
        arm_deadline(later);
      }
      return;
    }
    ++stats_.negative_answers;
    x.answered.set(ecu);
    x.last_nrc = nr->code;
    log::warning("obd", "ECU ", ecu_name(), " rejected mode ", hex(x.mode), " PID ",
                 describe_pid(x.pid), ": 7F ", hex_byte(nr->service), " ", hex_byte(nr->code), " ",
                 nrc_name(nr->code));
    maybe_finish();
    return;
  }
  if (payload.size() < 2 || payload[0] != x.mode + 0x40 || payload[1] != x.pid) {
    // A late answer to an earlier request, or one to somebody else's request.
    ++stats_.unsolicited_answers;
    return;
  }
  x.answered.set(ecu);
  switch (x.kind) {
    case Kind::discovery:
      if (supported_[ecu].apply(x.pid, payload)) {
        responders_.set(ecu);
        x.positive.set(ecu);
      }
      break;
    case Kind::pid:
      if (const auto decoded = decode_mode01_response(x.pid, payload)) {
        x.positive.set(ecu);
        x.values[ecu] = decoded->value;
        x.timestamps[ecu] = ts;
      }
      break;
    case Kind::vin: {
      VinResult r = parse_vin_response(payload);
      if (r.vin) {
        x.positive.set(ecu);
        if (!vin_) {
          vin_ = std::move(r.vin);
        }
      } else {
        log::warning("obd", "ECU ", ecu_name(), " sent an unusable VIN: ", r.error);
      }
      break;
    }
  }
  if (x.positive.test(ecu)) {
    ++stats_.positive_answers;
  } else {
    ++stats_.malformed_answers;
    log::warning("obd", "ECU ", ecu_name(), " sent a malformed answer to mode ", hex(x.mode),
                 " PID ", describe_pid(x.pid), " (", payload.size(), " bytes)");
  }
  maybe_finish();
}

void ObdPoller::on_aborted(std::size_t ecu, std::string_view reason) {
  log::warning("obd", "ECU ", hex(static_cast<unsigned>(first_response_id + ecu), 3),
               ": multi-frame answer abandoned: ", reason);
  maybe_finish();
}

bool ObdPoller::transfer_in_progress() const {
  return std::any_of(receivers_.begin(), receivers_.end(),
                     [](const auto& r) { return r->in_progress(); });
}

void ObdPoller::on_deadline() {
  if (!exchange_) {
    return;
  }
  exchange_->deadline_passed = true;
  maybe_finish();
}

void ObdPoller::maybe_finish() {
  if (!exchange_) {
    return;
  }
  const Exchange& x = *exchange_;
  if (x.expected.any() && (x.answered & x.expected) == x.expected) {
    finish();
  } else if (x.kind == Kind::vin && x.positive.any()) {
    finish();
  } else if (x.deadline_passed && !transfer_in_progress()) {
    // A multi-frame answer still arriving holds the exchange open; N_Cr bounds the wait.
    finish();
  }
}

void ObdPoller::finish() {
  deadline_timer_.cancel();
  const Exchange x = *exchange_;
  exchange_.reset();
  if (x.answered.none()) {
    ++stats_.timeouts;
  }
  switch (x.kind) {
    case Kind::discovery:
      finish_discovery(x);
      return;  // discovery decides its own next step
    case Kind::pid:
      finish_pid(x);
      break;
    case Kind::vin:
      finish_vin(x);
      break;
  }
  post_schedule();
}

void ObdPoller::finish_discovery(const Exchange& x) {
  if (x.pid == 0x00 && responders_.none()) {
    if (!discovery_silence_logged_) {
      log::notice("obd", "no ECU answers on ", hex(options_.request_id, 3),
                  " (ignition off?); asking again with backoff up to ",
                  base::format_duration(options_.discovery_retry_max));
      discovery_silence_logged_ = true;
    }
    schedule_timer_.expires_after(discovery_retry_);
    discovery_retry_ = std::min(discovery_retry_ * 2, options_.discovery_retry_max);
    schedule_timer_.async_wait(
        [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
          const auto guard = alive.lock();
          if (ec || !guard || !*guard || phase_ != Phase::discovering || exchange_) {
            return;
          }
          send_request(Kind::discovery, 0x01, 0x00, 0, {});
        });
    return;
  }
  // The bitmap for `base` says in its last bit whether the one for base + 0x20 exists.
  const unsigned next = x.pid + 0x20u;
  if (next <= 0xE0) {
    std::bitset<max_ecus> advertisers;
    for (std::size_t i = 0; i < max_ecus; ++i) {
      if (supported_[i].supports(static_cast<std::uint8_t>(next))) {
        advertisers.set(i);
      }
    }
    if (advertisers.any()) {
      send_request(Kind::discovery, 0x01, static_cast<std::uint8_t>(next), 0, advertisers);
      return;
    }
  }

  std::ostringstream ecus;
  for (std::size_t i = 0; i < max_ecus; ++i) {
    if (responders_.test(i)) {
      ecus << ' ' << hex(static_cast<unsigned>(first_response_id + i), 3);
    }
  }
  log::info("obd", "ECUs answering:", ecus.str());
  std::ostringstream missing;
  const Clock::time_point now = Clock::now();
  for (Entry& e : entries_) {
    e.supported = std::any_of(supported_.begin(), supported_.end(), [&](const SupportedPids& s) {
      return s.supports(e.definition->pid);
    });
    e.due = now;
    if (!e.supported) {
      missing << (missing.tellp() > 0 ? ", " : "") << describe_pid(e.definition->pid);
    }
  }
  if (missing.tellp() > 0) {
    log::notice("obd", "the vehicle does not support PIDs ", missing.str(),
                "; they are not polled");
  }
  if (options_.co2) {
    const bool maf = std::any_of(entries_.begin(), entries_.end(), [](const Entry& e) {
      return e.supported && (e.definition->pid == pid_maf || e.definition->pid == pid_fuel_rate);
    });
    if (!maf) {
      log::notice("obd",
                  "co2_g_per_s needs PID 0x5E (fuel_rate) or 0x10 (maf) polled and "
                  "supported; it will not be published");
    }
  }
  phase_ = Phase::polling;
  vin_due_ = now;
  post_schedule();
}

void ObdPoller::finish_pid(const Exchange& x) {
  Entry& e = entries_[x.entry];
  const PidDefinition& d = *e.definition;
  const Clock::time_point now = Clock::now();
  const Clock::time_point next = std::max(e.due + e.period, now);
  if (x.positive.any()) {
    std::size_t preferred = max_ecus;
    for (std::size_t i = max_ecus; i-- > 0;) {
      if (x.positive.test(i)) {
        e.answers[i] = EcuAnswer{x.values[i], x.timestamps[i]};
        preferred = i;  // ends on the lowest id: 0x7E8, the engine ECU, when it answered
      }
    }
    const double value = x.values[preferred];
    const std::int64_t ts = x.timestamps[preferred];
    publish(d.name, value, d.unit, ts);
    if (options_.co2 && d.pid == pid_fuel_rate) {
      publish("co2_g_per_s", co2_.from_fuel_rate(value), "g/s", ts);
    } else if (options_.co2 && d.pid == pid_maf && !fuel_rate_usable()) {
      publish("co2_g_per_s", co2_.from_maf(value), "g/s", ts);
    }
    if (e.failures >= options_.failures_before_backoff) {
      log::notice("obd", "PID ", describe_pid(d.pid), " answers again; polling every ",
                  base::format_duration(e.period));
    }
    e.failures = 0;
    e.due = next;
    return;
  }
  ++e.failures;
  if (e.failures < options_.failures_before_backoff) {
    e.due = next;
    return;
  }
  const std::uint32_t doublings =
      std::min<std::uint32_t>(e.failures - options_.failures_before_backoff + 1, 16);
  const std::chrono::milliseconds grown(e.period.count() << doublings);
  const std::chrono::milliseconds delay = std::max(e.period, std::min(grown, options_.max_backoff));
  e.due = now + delay;
  if (e.failures == options_.failures_before_backoff) {
    std::string last = "no answer";
    if (x.last_nrc) {
      last = "7F " + hex_byte(x.mode) + " " + hex_byte(*x.last_nrc) + " " +
             std::string(nrc_name(*x.last_nrc));
    }
    log::warning("obd", "PID ", describe_pid(d.pid), " failed ", e.failures,
                 " times in a row (last: ", last, "); backing off up to ",
                 base::format_duration(options_.max_backoff));
  }
}

void ObdPoller::finish_vin(const Exchange& x) {
  if (vin_) {
    vin_wanted_ = false;
    log::info("obd", "VIN ", *vin_);
    if (callbacks_.on_vin) {
      callbacks_.on_vin(*vin_);
    }
    return;
  }
  log::notice("obd", "no valid VIN", x.answered.none() ? " (no answer)" : "", "; asking again in ",
              base::format_duration(vin_retry_));
  vin_due_ = Clock::now() + vin_retry_;
  vin_retry_ = std::min(vin_retry_ * 2, options_.vin_retry_max);
}

void ObdPoller::publish(std::string_view name, double value, std::string_view unit,
                        std::int64_t ts) {
  ++stats_.values_published;
  if (callbacks_.on_value) {
    callbacks_.on_value(name, value, unit, ts);
  }
}

bool ObdPoller::fuel_rate_usable() const {
  return std::any_of(entries_.begin(), entries_.end(), [this](const Entry& e) {
    return e.definition->pid == pid_fuel_rate && e.supported &&
           e.failures < options_.failures_before_backoff;
  });
}

void ObdPoller::post_schedule() {
  asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
    const auto guard = alive.lock();
    if (guard && *guard) {
      schedule_next();
    }
  });
}

void ObdPoller::schedule_next() {
  if (phase_ != Phase::polling || exchange_) {
    return;
  }
  const Clock::time_point now = Clock::now();
  if (vin_wanted_ && vin_due_ <= now) {
    send_request(Kind::vin, 0x09, 0x02, 0, {});
    return;
  }
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].supported && (!best || entries_[i].due < entries_[*best].due)) {
      best = i;
    }
  }
  std::optional<Clock::time_point> wake;
  if (best) {
    const Entry& e = entries_[*best];
    if (e.due <= now) {
      std::bitset<max_ecus> expected;
      for (std::size_t i = 0; i < max_ecus; ++i) {
        if (supported_[i].supports(e.definition->pid)) {
          expected.set(i);
        }
      }
      send_request(Kind::pid, 0x01, e.definition->pid, *best, expected);
      return;
    }
    wake = e.due;
  }
  if (vin_wanted_ && (!wake || vin_due_ < *wake)) {
    wake = vin_due_;
  }
  if (!wake) {
    return;  // nothing to poll: logged at the end of discovery
  }
  schedule_timer_.expires_at(*wake);
  schedule_timer_.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        const auto guard = alive.lock();
        if (ec || !guard || !*guard) {
          return;
        }
        schedule_next();
      });
}

}  // namespace canhose::obd
