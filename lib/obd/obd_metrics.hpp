#pragma once
// Prometheus metrics of the OBD-II source, read from the poller and the source at scrape
// time.
//
//   canhose_obd_requests_total                requests sent (discovery, PIDs, VIN, DTCs)
//   canhose_obd_answers_total{result=...}     answers per ECU: positive, negative (an NRC,
//                                             7F xx nn), pending (7F xx 78), malformed,
//                                             unsolicited
//   canhose_obd_timeouts_total                exchanges with no answer at all
//   canhose_obd_values_total                  values published to the records
//   canhose_obd_dtc_reads_total{result=...}   reads of the stored DTCs (mode 03): ok (at
//                                             least one ECU's list), failed (NRC, no answer,
//                                             malformed)
//   canhose_obd_polled_pids                   configured PIDs the vehicle supports
//   canhose_obd_unsupported_pids              configured PIDs the vehicle does not support
//   canhose_obd_discovery_done                1 once the supported PIDs are known
//   canhose_obd_vin_read                      1 once the VIN was read from the vehicle
//   canhose_obd_link_open                     1 while the CAN socket is open
//   canhose_obd_frames_sent_total             CAN frames written (requests, flow control)
//   canhose_obd_send_failures_total           frames that could not be written

#include "metrics/metric_registry.hpp"
#include "obd/obd_source.hpp"

namespace canhose::obd {

// The source must outlive the registry's use of the collector.
metrics::MetricRegistry::Collector metrics_collector(const ObdSource& source);

}  // namespace canhose::obd
