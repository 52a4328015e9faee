#include "can/can_options.hpp"

#include "base/mapping_reader.hpp"
#include "can/replay_options.hpp"

#include <net/if.h>

namespace canhose::can {

std::vector<std::string> validate(const CanSourceOptions& o) {
  std::vector<std::string> problems;
  if (o.read_batch < 1 || o.read_batch > 1024) {
    problems.push_back("read_batch: expected 1..1024, found " + std::to_string(o.read_batch));
  }
  if (o.retry_initial < base::Duration(10)) {
    problems.push_back("retry_initial: expected at least 10ms");
  }
  if (o.retry_max < o.retry_initial) {
    problems.push_back("retry_max: expected at least retry_initial");
  }
  if (o.enabled && o.interfaces.empty()) {
    problems.push_back("interfaces: expected at least one interface when enabled");
  }
  for (std::size_t i = 0; i < o.interfaces.size(); ++i) {
    const CanInterfaceOptions& c = o.interfaces[i];
    const std::string where = "interfaces[" + std::to_string(i) + "].";
    if (c.name.empty() || c.name.size() >= IFNAMSIZ) {
      problems.push_back(where + "name: expected 1.." + std::to_string(IFNAMSIZ - 1) +
                         " characters");
    }
    if (c.bitrate != 0 && (c.bitrate < 10000 || c.bitrate > 1000000)) {
      problems.push_back(where + "bitrate: expected 10000..1000000 bit/s or 0, found " +
                         std::to_string(c.bitrate));
    }
    if (c.filters.size() > 512) {
      problems.push_back(where + "filters: at most 512 filters (CAN_RAW_FILTER_MAX)");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (o.interfaces[j].name == c.name) {
        problems.push_back(where + "name: \"" + c.name + "\" is listed twice");
      }
    }
  }
  return problems;
}

using namespace std::chrono_literals;
using base::between;
using base::ByteSize;
using base::Duration;
using base::MappingReader;

namespace {

std::vector<CanIdFilter> read_filters(MappingReader& r, std::string_view key) {
  std::vector<std::string> texts;
  r.value(key, texts);
  std::vector<CanIdFilter> filters;
  for (const std::string& text : texts) {
    const CanIdFilterParse parsed = parse_can_id_filter(text);
    if (!parsed.filter) {
      r.error(key, "\"" + text + "\": " + parsed.error);
      continue;
    }
    filters.push_back(*parsed.filter);
  }
  return filters;
}
}  // namespace

void read_options(MappingReader& r, CanSourceOptions& c) {
  r.value("enabled", c.enabled);
  r.list<CanInterfaceOptions>(
      "interfaces", c.interfaces, [](MappingReader& i, CanInterfaceOptions& o) {
        i.value("name", o.name);
        i.value("fd", o.fd);
        o.filters = read_filters(i, "filters");
        i.value("error_frames", o.error_frames);
        i.value("receive_buffer", o.receive_buffer, between(ByteSize{0}, ByteSize{64 << 20}));
        i.value("manage_interface", o.manage_interface);
        i.value("bitrate", o.bitrate, between<std::uint32_t>(0, 1'000'000));
        i.value("restart_ms", o.restart_ms, between<Duration>(0s, 1min));
        i.value("bus_off_restart_delay", o.bus_off_restart_delay, between<Duration>(0s, 1min));
        if (o.name.empty()) {
          i.error("name", "every interface needs a name such as can0");
        }
      });
  std::uint32_t batch = static_cast<std::uint32_t>(c.read_batch);
  r.value("read_batch", batch, between<std::uint32_t>(1, 1024));
  c.read_batch = batch;
  r.value("retry_initial", c.retry_initial, between<Duration>(10ms, 1h));
  r.value("retry_max", c.retry_max, between<Duration>(10ms, 1h));
  if (c.enabled) {
    if (c.interfaces.empty()) {
      r.error("interfaces", "sources.can is enabled but lists no interfaces");
    }
    // Unnamed interfaces were reported above, by position.
    const bool all_named =
        std::all_of(c.interfaces.begin(), c.interfaces.end(),
                    [](const CanInterfaceOptions& i) { return !i.name.empty(); });
    for (const std::string& problem : all_named ? validate(c) : std::vector<std::string>{}) {
      r.error("interfaces", problem);
    }
  }
}

void read_options(MappingReader& r, ReplayOptions& c) {
  r.value("enabled", c.enabled);
  r.value("file", c.file);
  std::string speed = "1";
  r.value("speed", speed, [](const std::string& text) -> std::optional<std::string> {
    if (parse_replay_speed(text)) {
      return std::nullopt;
    }
    return std::string(
        "expected max, 0, or a speed factor from 0.001 to 1000 (2 = twice real time)");
  });
  if (auto parsed = parse_replay_speed(speed)) {
    c.speed = *parsed;
  }
  r.value("loop", c.loop);
  r.value("interface_name", c.interface_name);
  r.value("original_timestamps", c.original_timestamps);
  c.filters = read_filters(r, "filters");
  std::uint32_t batch = static_cast<std::uint32_t>(c.batch);
  r.value("batch", batch, between<std::uint32_t>(1, 4096));
  c.batch = batch;
  if (c.enabled && c.file.empty()) {
    r.error("file", "sources.replay is enabled but names no file (a candump -l log)");
  }
}

}  // namespace canhose::can
