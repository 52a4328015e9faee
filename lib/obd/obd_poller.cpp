#include "obd/obd_poller.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "base/units.hpp"
#include "log/logger.hpp"
#include "obd/negative_response.hpp"
#include "obd/obd_text.hpp"
#include "obd/vin.hpp"

namespace canhose::obd {

namespace {

constexpr std::uint8_t pid_maf = 0x10;
constexpr std::uint8_t pid_fuel_rate = 0x5E;

}  // namespace

ObdPoller::ObdPoller(asio::io_context& io, ObdOptions options, FrameSender send,
                     ObdCallbacks callbacks)
    : io_(io),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      co2_(options_.fuel_type),
      exchange_(
          io, options_, std::move(send), stats_,
          {.on_answer = [this](Exchange& x, std::size_t ecu, std::span<const std::uint8_t> payload,
                               std::int64_t ts) { return on_answer(x, ecu, payload, ts); },
           .on_finished = [this](const Exchange& x) { on_exchange_finished(x); }}),
      schedule_(options_),
      answers_(options_.pids.size()),
      schedule_timer_(io) {
  if (std::string problem = check_options(options_); !problem.empty()) {
    throw std::invalid_argument("sources.obd: " + problem);
  }
  if (!options_.vin.empty()) {
    vin_ = options_.vin;
  }
}

ObdPoller::~ObdPoller() {
  *alive_ = false;
}

void ObdPoller::on_frame(const ObdFrame& frame) {
  if (phase_ == Phase::stopped) {
    return;
  }
  exchange_.on_frame(frame);
}

void ObdPoller::start() {
  if (phase_ != Phase::idle) {
    return;
  }
  phase_ = Phase::discovering;
  if (vin_ && callbacks_.on_vin) {
    callbacks_.on_vin(*vin_);
  }
  schedule_.want_vin(options_.vin_read && !vin_);
  log::info("obd", "asking for supported PIDs on ", hex(options_.request_id, 3));
  exchange_.send_request(Kind::discovery, 0x01, 0x00, 0, {});
}

void ObdPoller::async_stop(std::chrono::steady_clock::time_point /*deadline*/,
                           std::function<void()> done) {
  // Nothing in flight needs finishing: an unanswered request is simply forgotten.
  phase_ = Phase::stopped;
  exchange_.reset();
  schedule_timer_.cancel();
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
        << schedule_.entries().size() << " PIDs";
      if (status_ && (status_->mil || status_->dtc_count > 0)) {
        s << " MIL " << (status_->mil ? "on" : "off") << " DTCs "
          << (dtcs_ ? (dtcs_->empty() ? "none read" : *dtcs_) : "not read yet");
      }
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
  const std::vector<PidSchedule::Entry>& entries = schedule_.entries();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].definition->pid == pid) {
      return answers_[i][index];
    }
  }
  return std::nullopt;
}

std::vector<std::uint8_t> ObdPoller::polled_pids() const {
  std::vector<std::uint8_t> out;
  for (const PidSchedule::Entry& e : schedule_.entries()) {
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
  for (const PidSchedule::Entry& e : schedule_.entries()) {
    if (!e.supported) {
      out.push_back(e.definition->pid);
    }
  }
  return out;
}

bool ObdPoller::backed_off(std::uint8_t pid) const {
  return schedule_.backed_off(pid);
}

IsoTpReceiverStats ObdPoller::isotp_stats() const {
  return exchange_.isotp_stats();
}

bool ObdPoller::on_answer(Exchange& x, std::size_t ecu, std::span<const std::uint8_t> payload,
                          std::int64_t ts) {
  switch (x.kind) {
    case Kind::discovery:
      if (supported_[ecu].apply(x.pid, payload)) {
        responders_.set(ecu);
        return true;
      }
      return false;
    case Kind::pid:
      if (const auto decoded = decode_mode01_response(x.pid, payload)) {
        x.values[ecu] = decoded->value;
        x.timestamps[ecu] = ts;
        return true;
      }
      return false;
    case Kind::dtcs:
      return on_dtc_answer(x, ecu, payload, ts);
    case Kind::vin: {
      VinResult r = parse_vin_response(payload);
      if (r.vin) {
        if (!vin_) {
          vin_ = std::move(r.vin);
        }
        return true;
      }
      log::warning("obd", "ECU ", hex(static_cast<unsigned>(first_response_id + ecu), 3),
                   " sent an unusable VIN: ", r.error);
      return false;
    }
  }
  return false;
}

void ObdPoller::on_exchange_finished(const Exchange& x) {
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
    case Kind::dtcs:
      finish_dtcs(x);
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
    schedule_timer_.expires_after(schedule_.take_discovery_retry());
    schedule_timer_.async_wait(
        [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
          const auto guard = alive.lock();
          if (ec || !guard || !*guard || phase_ != Phase::discovering || exchange_.active()) {
            return;
          }
          exchange_.send_request(Kind::discovery, 0x01, 0x00, 0, {});
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
      exchange_.send_request(Kind::discovery, 0x01, static_cast<std::uint8_t>(next), 0,
                             advertisers);
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
  schedule_.start_polling(
      [this](std::uint8_t pid) {
        return std::any_of(supported_.begin(), supported_.end(),
                           [pid](const SupportedPids& s) { return s.supports(pid); });
      },
      Clock::now());
  for (const PidSchedule::Entry& e : schedule_.entries()) {
    if (!e.supported) {
      missing << (missing.tellp() > 0 ? ", " : "") << describe_pid(e.definition->pid);
    }
  }
  if (missing.tellp() > 0) {
    log::notice("obd", "the vehicle does not support PIDs ", missing.str(),
                "; they are not polled");
  }
  if (options_.co2) {
    const std::vector<PidSchedule::Entry>& entries = schedule_.entries();
    const bool maf = std::any_of(entries.begin(), entries.end(), [](const PidSchedule::Entry& e) {
      return e.supported && (e.definition->pid == pid_maf || e.definition->pid == pid_fuel_rate);
    });
    if (!maf) {
      log::notice("obd",
                  "co2_g_per_s needs PID 0x5E (fuel_rate) or 0x10 (maf) polled and "
                  "supported; it will not be published");
    }
  }
  phase_ = Phase::polling;
  post_schedule();
}

void ObdPoller::finish_pid(const Exchange& x) {
  const PidSchedule::Entry& e = schedule_.entries()[x.entry];
  const PidDefinition& d = *e.definition;
  const Clock::time_point now = Clock::now();
  if (x.positive.any()) {
    EcuAnswers& answers = answers_[x.entry];
    std::size_t preferred = max_ecus;
    for (std::size_t i = max_ecus; i-- > 0;) {
      if (x.positive.test(i)) {
        answers[i] = EcuAnswer{x.values[i], x.timestamps[i]};
        preferred = i;  // ends on the lowest id: 0x7E8, the engine ECU, when it answered
      }
    }
    const double value = x.values[preferred];
    const std::int64_t ts = x.timestamps[preferred];
    if (d.pid == pid_monitor_status) {
      on_monitor_status(x, ts);
    } else {
      publish(d.name, value, d.unit, ts);
    }
    if (options_.co2 && d.pid == pid_fuel_rate) {
      publish("co2_g_per_s", co2_.from_fuel_rate(value), "g/s", ts);
    } else if (options_.co2 && d.pid == pid_maf && !schedule_.answering(pid_fuel_rate)) {
      publish("co2_g_per_s", co2_.from_maf(value), "g/s", ts);
    }
    if (schedule_.answered(x.entry, now)) {
      log::notice("obd", "PID ", describe_pid(d.pid), " answers again; polling every ",
                  base::format_duration(e.period));
    }
    return;
  }
  if (schedule_.failed(x.entry, now)) {
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
    schedule_.vin_read();
    log::info("obd", "VIN ", *vin_);
    if (callbacks_.on_vin) {
      callbacks_.on_vin(*vin_);
    }
    return;
  }
  log::notice("obd", "no valid VIN", x.answered.none() ? " (no answer)" : "", "; asking again in ",
              base::format_duration(schedule_.vin_retry()));
  schedule_.vin_failed(Clock::now());
}

void ObdPoller::publish(std::string_view name, double value, std::string_view unit,
                        std::int64_t ts) {
  ++stats_.values_published;
  if (callbacks_.on_value) {
    callbacks_.on_value(name, value, unit, ts);
  }
}

void ObdPoller::publish_integer(std::string_view name, std::int64_t value, std::int64_t ts) {
  ++stats_.values_published;
  if (callbacks_.on_integer) {
    callbacks_.on_integer(name, value, ts);
  }
}

void ObdPoller::publish_text(std::string_view name, const std::string& text, std::int64_t ts) {
  ++stats_.values_published;
  if (callbacks_.on_text) {
    callbacks_.on_text(name, text, ts);
  }
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
  if (phase_ != Phase::polling || exchange_.active()) {
    return;
  }
  const PidSchedule::Next next = schedule_.next(Clock::now());
  switch (next.what) {
    case PidSchedule::Next::What::vin:
      exchange_.send_request(Kind::vin, 0x09, 0x02, 0, {});
      return;
    case PidSchedule::Next::What::pid: {
      const std::uint8_t pid = schedule_.entries()[next.entry].definition->pid;
      std::bitset<max_ecus> expected;
      for (std::size_t i = 0; i < max_ecus; ++i) {
        if (supported_[i].supports(pid)) {
          expected.set(i);
        }
      }
      exchange_.send_request(Kind::pid, 0x01, pid, next.entry, expected);
      return;
    }
    case PidSchedule::Next::What::dtcs:
      for (std::vector<std::uint16_t>& codes : dtc_answers_) {
        codes.clear();
      }
      // Every ECU that reported a monitor status answers mode 03, with 43 00 when it
      // stores none, so the read ends at the last answer instead of the timeout.
      exchange_.send_request_without_pid(Kind::dtcs, mode_stored_dtcs, status_ecus_);
      return;
    case PidSchedule::Next::What::nothing:
      return;  // nothing to poll: logged at the end of discovery
    case PidSchedule::Next::What::wait:
      break;
  }
  schedule_timer_.expires_at(next.wake);
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
