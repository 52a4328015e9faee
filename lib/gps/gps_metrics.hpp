#pragma once
// Prometheus metrics of the gpsd source, read from the client at scrape time.
//
//   canhose_gps_connected                 1 while streaming from gpsd
//   canhose_gps_fix_mode                  0 no fix (or stale), 2, 3
//   canhose_gps_connects_total            successful connections
//   canhose_gps_connect_failures_total    failed connection attempts
//   canhose_gps_disconnects_total         established connections lost
//   canhose_gps_reports_total             TPV reports received
//   canhose_gps_stale_fixes_total         fixes that aged past max_fix_age

#include "gps/gpsd_client.hpp"
#include "metrics/metric_registry.hpp"

namespace canhose::gps {

// The client must outlive the registry's use of the collector.
metrics::MetricRegistry::Collector metrics_collector(const GpsdClient& client);

}  // namespace canhose::gps
