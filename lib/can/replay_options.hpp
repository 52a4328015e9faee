#pragma once
// Options of the candump replay source (YAML: sources.replay.*).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "can/can_filter.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::can {

struct ReplayOptions {
  bool enabled = false;  // sources.replay.enabled
  std::string file;      // sources.replay.file: a candump -l log (required when enabled)
  // sources.replay.speed: 1.0 = real time, 2.0 = twice as fast, 0 (or "max") = as fast as
  // the loop allows. 0 or 0.001..1000.
  double speed = 1.0;
  bool loop = false;  // sources.replay.loop: start again at the end of the file
  // sources.replay.interface_name: deliver every frame as coming from this interface;
  // empty = the names in the log.
  std::string interface_name;
  // sources.replay.original_timestamps: keep the log's timestamps; false (default) stamps
  // each frame with the wall clock when it is replayed, so records look live.
  bool original_timestamps = false;
  std::vector<CanIdFilter> filters;  // sources.replay.filters: as sources.can filters
  std::size_t batch = 64;            // sources.replay.batch: frames per delivery, 1..4096
};

// "max" -> 0, "2", "0.5", "2x" -> the number; nullopt when not a valid speed.
std::optional<double> parse_replay_speed(std::string_view text);

// Empty when valid, else one message per problem.
std::vector<std::string> validate(const ReplayOptions& options);

// Reads the `sources.replay` section of canhose.yaml into `options` (defaults: what it holds); each
// mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, ReplayOptions& options);

}  // namespace canhose::can
