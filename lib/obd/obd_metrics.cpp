#include "obd/obd_metrics.hpp"

namespace canhose::obd {

metrics::MetricRegistry::Collector metrics_collector(const ObdSource& source) {
  return [&source](std::vector<metrics::MetricFamily>& out) {
    using metrics::MetricType;
    const ObdPoller& poller = source.poller();
    const ObdPollerStats& p = poller.stats();
    const ObdSourceStats& s = source.stats();
    const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
    auto add = [&out](const char* name, const char* help, MetricType type, double value) {
      out.push_back({name, help, type, {{{}, value}}});
    };
    add("canhose_obd_requests_total", "OBD-II requests sent (discovery, PIDs, VIN, DTCs)",
        MetricType::counter, d(p.requests));
    out.push_back({"canhose_obd_answers_total",
                   "answers per ECU, by result (negative = an NRC 7F xx nn)",
                   MetricType::counter,
                   {{{{"result", "positive"}}, d(p.positive_answers)},
                    {{{"result", "negative"}}, d(p.negative_answers)},
                    {{{"result", "pending"}}, d(p.pending_answers)},
                    {{{"result", "malformed"}}, d(p.malformed_answers)},
                    {{{"result", "unsolicited"}}, d(p.unsolicited_answers)}}});
    add("canhose_obd_timeouts_total", "exchanges no ECU answered", MetricType::counter,
        d(p.timeouts));
    add("canhose_obd_values_total", "values published to the records", MetricType::counter,
        d(p.values_published));
    out.push_back(
        {"canhose_obd_dtc_reads_total",
         "reads of the stored DTCs (mode 03), by result (failed = NRC, no answer or "
         "malformed)",
         MetricType::counter,
         {{{{"result", "ok"}}, d(p.dtc_reads)}, {{{"result", "failed"}}, d(p.dtc_read_failures)}}});
    add("canhose_obd_polled_pids", "configured PIDs the vehicle supports", MetricType::gauge,
        d(poller.polled_pids().size()));
    add("canhose_obd_unsupported_pids", "configured PIDs the vehicle does not support",
        MetricType::gauge, d(poller.unsupported_pids().size()));
    add("canhose_obd_discovery_done", "1 once the supported PIDs are known", MetricType::gauge,
        poller.discovery_done() ? 1 : 0);
    add("canhose_obd_vin_read", "1 once the VIN was read from the vehicle", MetricType::gauge,
        poller.vin() ? 1 : 0);
    add("canhose_obd_link_open", "1 while the OBD-II CAN socket is open", MetricType::gauge,
        source.link_open() ? 1 : 0);
    add("canhose_obd_frames_sent_total", "CAN frames written (requests and flow control)",
        MetricType::counter, d(s.frames_sent));
    add("canhose_obd_send_failures_total", "CAN frames that could not be written",
        MetricType::counter, d(s.send_failures));
  };
}

}  // namespace canhose::obd
