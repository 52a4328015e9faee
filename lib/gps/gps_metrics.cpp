#include "gps/gps_metrics.hpp"

namespace canhose::gps {

metrics::MetricRegistry::Collector metrics_collector(const GpsdClient& client) {
  return [&client](std::vector<metrics::MetricFamily>& out) {
    using metrics::MetricType;
    const auto& c = client.counters();
    const GpsFix fix = client.current_fix();
    const double mode = fix.mode == FixMode::three_d ? 3 : fix.mode == FixMode::two_d ? 2 : 0;
    auto add = [&out](const char* name, const char* help, MetricType type, double value) {
      out.push_back({name, help, type, {{{}, value}}});
    };
    add("canhose_gps_connected", "1 while canhose streams reports from gpsd", MetricType::gauge,
        client.state() == GpsdClient::State::streaming ? 1 : 0);
    add("canhose_gps_fix_mode", "current fix: 0 none or stale, 2 = 2D, 3 = 3D", MetricType::gauge,
        mode);
    add("canhose_gps_connects_total", "successful connections to gpsd", MetricType::counter,
        static_cast<double>(c.connects));
    add("canhose_gps_connect_failures_total", "failed attempts to connect to gpsd",
        MetricType::counter, static_cast<double>(c.connect_failures));
    add("canhose_gps_disconnects_total", "established gpsd connections lost", MetricType::counter,
        static_cast<double>(c.disconnects));
    add("canhose_gps_reports_total", "TPV reports received from gpsd", MetricType::counter,
        static_cast<double>(c.tpv_reports));
    add("canhose_gps_stale_fixes_total", "fixes reported lost after max_fix_age without a report",
        MetricType::counter, static_cast<double>(c.stale_fixes));
  };
}

}  // namespace canhose::gps
