#pragma once
// Prometheus metrics of the CAN sources, read from their counters at scrape time (the
// receive path only increments plain integers).
//
// SocketCAN (`sources.can`), one sample per interface (label interface="can0"):
//   canhose_can_frames_total             frames received (data and error frames)
//   canhose_can_fd_frames_total          of which CAN FD
//   canhose_can_error_frames_total       error frames (CAN_ERR_FLAG)
//   canhose_can_bus_off_total            error frames reporting bus-off
//   canhose_can_error_passive_total      error frames reporting error passive
//   canhose_can_kernel_drops_total       frames the kernel dropped (SO_RXQ_OVFL)
//   canhose_can_malformed_total          records of the wrong size or out of range
//   canhose_can_opens_total              successful socket opens (1 + reopens)
//   canhose_can_open_failures_total      failed open attempts
//   canhose_can_interface_up             1 while the channel is running
//   canhose_can_bus_state                controller state from error frames: 0 error
//                                        active, 1 warning, 2 passive, 3 bus-off, -1 unknown
//
// Replay (`sources.replay`):
//   canhose_replay_frames_total          frames delivered from the candump log
//   canhose_replay_filtered_total        frames dropped by the replay filters
//   canhose_replay_malformed_lines_total lines that are not candump frames
//   canhose_replay_passes_total          complete passes over the file
//   canhose_replay_finished              1 once a non-looping replay reached the end
//   canhose_replay_pauses_total          times it waited for room in the queue's memory

#include "can/replay_source.hpp"
#include "can/socketcan_source.hpp"
#include "metrics/metric_registry.hpp"

namespace canhose::can {

// The source must outlive the registry's use of the collector.
metrics::MetricRegistry::Collector metrics_collector(const SocketCanSource& source);
metrics::MetricRegistry::Collector metrics_collector(const ReplaySource& source);

}  // namespace canhose::can
