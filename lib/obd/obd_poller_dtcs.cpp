// ObdPoller: the malfunction indicator lamp and the stored trouble codes — the monitor
// status (mode 01 PID 0x01) published as mil and dtc_count, and the mode 03 reads it
// calls for, published as dtcs.
#include <algorithm>

#include "base/units.hpp"
#include "log/logger.hpp"
#include "obd/negative_response.hpp"
#include "obd/obd_poller.hpp"
#include "obd/obd_text.hpp"

namespace canhose::obd {

bool ObdPoller::on_dtc_answer(Exchange& x, std::size_t ecu, std::span<const std::uint8_t> payload,
                              std::int64_t ts) {
  StoredDtcs r = parse_stored_dtcs(payload);
  if (!r.codes) {
    log::warning("obd", "ECU ", hex(static_cast<unsigned>(first_response_id + ecu), 3),
                 " sent an unusable list of stored DTCs: ", r.error);
    return false;
  }
  dtc_answers_[ecu] = std::move(*r.codes);
  x.timestamps[ecu] = ts;
  return true;
}

void ObdPoller::on_monitor_status(const Exchange& x, std::int64_t ts) {
  // The vehicle's MIL is on when any ECU commands it (a transmission fault lights the same
  // lamp), and each ECU counts only its own DTCs.
  MonitorStatus merged;
  unsigned count = 0;
  for (std::size_t i = 0; i < max_ecus; ++i) {
    if (x.positive.test(i)) {
      const MonitorStatus s = decode_monitor_status(static_cast<std::uint8_t>(x.values[i]));
      merged.mil = merged.mil || s.mil;
      count += s.dtc_count;
    }
  }
  merged.dtc_count = static_cast<std::uint8_t>(std::min(count, 255u));
  const bool changed =
      !status_ || status_->mil != merged.mil || status_->dtc_count != merged.dtc_count;
  const bool wanted = merged.mil || merged.dtc_count > 0;
  status_ = merged;
  status_ecus_ = x.positive;
  publish_integer("mil", merged.mil ? 1 : 0, ts);
  publish_integer("dtc_count", merged.dtc_count, ts);
  if (!wanted) {
    if (dtcs_ && !dtcs_->empty()) {
      log::notice("obd", "MIL off and no DTCs stored any more (were: ", *dtcs_, ")");
    }
    dtcs_ = std::string();  // known: none, without asking
  } else if (changed) {
    log::notice("obd", "MIL ", merged.mil ? "on" : "off", ", ", unsigned{merged.dtc_count},
                " DTCs reported; reading the stored DTCs");
    dtcs_.reset();  // the last list is out of date until the read that follows now
  }
  schedule_.want_dtcs(wanted, changed, Clock::now());
  // The list is as current as the status that confirms it, so it is published with every
  // status: a record never holds a fresh mil next to a dtcs that went missing for age.
  if (dtcs_) {
    publish_text("dtcs", *dtcs_, ts);
  }
}

void ObdPoller::finish_dtcs(const Exchange& x) {
  schedule_.dtcs_read(Clock::now());
  if (x.positive.none()) {
    ++stats_.dtc_read_failures;
    if (!dtc_failure_logged_) {
      std::string last = x.answered.none() ? "no answer" : "unusable answer";
      if (x.last_nrc) {
        last = "7F " + hex_byte(x.mode) + " " + hex_byte(*x.last_nrc) + " " +
               std::string(nrc_name(*x.last_nrc));
      }
      log::warning("obd", "cannot read the stored DTCs (mode 03; last: ", last,
                   "); asking again every ", base::format_duration(options_.dtc_interval),
                   " while the MIL is on or DTCs are counted");
      dtc_failure_logged_ = true;
    }
    return;
  }
  if (dtc_failure_logged_) {
    log::notice("obd", "the stored DTCs are read again");
    dtc_failure_logged_ = false;
  }
  ++stats_.dtc_reads;
  // Several ECUs may store the same code; an ECU that did not answer adds nothing, and the
  // ones that did still give a list worth publishing.
  std::vector<std::uint16_t> codes;
  std::int64_t ts = 0;
  for (std::size_t i = 0; i < max_ecus; ++i) {
    if (x.positive.test(i)) {
      codes.insert(codes.end(), dtc_answers_[i].begin(), dtc_answers_[i].end());
      ts = std::max(ts, x.timestamps[i]);
    }
  }
  std::string text = dtc_list_text(std::move(codes));
  if (text != dtcs_) {
    log::notice("obd", "stored DTCs: ", text.empty() ? "none" : text);
  }
  dtcs_ = std::move(text);
  publish_text("dtcs", *dtcs_, ts);
}

}  // namespace canhose::obd
