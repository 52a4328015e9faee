#include "can/can_metrics.hpp"

#include <cstdint>
#include <functional>

namespace canhose::can {

metrics::MetricRegistry::Collector metrics_collector(const SocketCanSource& source) {
  return [&source](std::vector<metrics::MetricFamily>& out) {
    using metrics::MetricType;
    const auto& channels = source.channels();
    // One family per metric, one sample per interface.
    auto family =
        [&](const char* name, const char* help, MetricType type,
            const std::function<double(const CanInterfaceChannel&, const CanFrameReaderStats&)>&
                value) {
          metrics::MetricFamily f{name, help, type, {}};
          for (const auto& channel : channels) {
            const CanFrameReaderStats stats = channel->stats();
            f.samples.push_back({{{"interface", channel->name()}}, value(*channel, stats)});
          }
          out.push_back(std::move(f));
        };
    const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
    family("canhose_can_frames_total", "CAN frames received (data and error frames)",
           MetricType::counter, [&](auto&, const auto& s) { return d(s.frames); });
    family("canhose_can_fd_frames_total", "CAN FD frames received", MetricType::counter,
           [&](auto&, const auto& s) { return d(s.fd_frames); });
    family("canhose_can_error_frames_total", "CAN error frames received", MetricType::counter,
           [&](auto&, const auto& s) { return d(s.errors.error_frames); });
    family("canhose_can_bus_off_total", "error frames reporting bus-off", MetricType::counter,
           [&](auto&, const auto& s) { return d(s.errors.bus_off); });
    family("canhose_can_error_passive_total", "error frames reporting error passive",
           MetricType::counter, [&](auto&, const auto& s) { return d(s.errors.error_passive); });
    family("canhose_can_kernel_drops_total", "frames the kernel dropped (SO_RXQ_OVFL)",
           MetricType::counter, [&](auto&, const auto& s) { return d(s.kernel_drops); });
    family("canhose_can_malformed_total", "received records of the wrong size or out of range",
           MetricType::counter, [&](auto&, const auto& s) { return d(s.malformed); });
    family("canhose_can_opens_total", "successful socket opens (the first and every reopen)",
           MetricType::counter,
           [&](const CanInterfaceChannel& c, const auto&) { return d(c.opens()); });
    family("canhose_can_open_failures_total", "failed attempts to open the interface",
           MetricType::counter,
           [&](const CanInterfaceChannel& c, const auto&) { return d(c.failed_opens()); });
    family("canhose_can_interface_up", "1 while the interface is open and up", MetricType::gauge,
           [](const CanInterfaceChannel& c, const auto&) {
             return c.state() == CanInterfaceChannel::State::running ? 1.0 : 0.0;
           });
    family("canhose_can_bus_state",
           "controller state from error frames: 0 active, 1 warning, 2 passive, 3 bus-off, "
           "-1 unknown",
           MetricType::gauge, [](const CanInterfaceChannel& c, const auto&) {
             return static_cast<double>(static_cast<int>(c.bus_state()));
           });
  };
}

metrics::MetricRegistry::Collector metrics_collector(const ReplaySource& source) {
  return [&source](std::vector<metrics::MetricFamily>& out) {
    using metrics::MetricType;
    const ReplayStats s = source.stats();
    auto add = [&out](const char* name, const char* help, MetricType type, double value) {
      out.push_back({name, help, type, {{{}, value}}});
    };
    add("canhose_replay_frames_total", "frames delivered from the candump log", MetricType::counter,
        static_cast<double>(s.frames));
    add("canhose_replay_filtered_total", "frames dropped by the replay filters",
        MetricType::counter, static_cast<double>(s.filtered));
    add("canhose_replay_malformed_lines_total", "log lines that are not candump frames",
        MetricType::counter, static_cast<double>(s.malformed));
    add("canhose_replay_passes_total", "complete passes over the log file", MetricType::counter,
        static_cast<double>(s.passes));
    add("canhose_replay_finished", "1 once a non-looping replay reached the end", MetricType::gauge,
        source.finished() ? 1 : 0);
    add("canhose_replay_pauses_total", "times the replay waited for room in the queue's memory",
        MetricType::counter, static_cast<double>(s.pauses));
  };
}

}  // namespace canhose::can
