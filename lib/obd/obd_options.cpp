#include "obd/obd_options.hpp"

#include "base/mapping_reader.hpp"

#include <optional>
#include <set>
#include <sstream>

#include "obd/pid_table.hpp"
#include "obd/vin.hpp"

namespace canhose::obd {

std::string check_options(const ObdOptions& o) {
  std::ostringstream e;
  if (o.request_id > 0x7FF) {
    e << "request_id must be an 11-bit identifier (0x000-0x7FF)";
  } else if (o.response_timeout.count() <= 0 || o.response_timeout > std::chrono::seconds(10)) {
    e << "response_timeout must be between 1ms and 10s";
  } else if (o.pending_timeout < o.response_timeout ||
             o.pending_timeout > std::chrono::minutes(1)) {
    e << "pending_timeout must be at least response_timeout and at most 1m";
  } else if (o.isotp_timeout.count() <= 0 || o.isotp_timeout > std::chrono::seconds(10)) {
    e << "isotp_timeout must be between 1ms and 10s";
  } else if (o.vin_retry_initial.count() <= 0 || o.vin_retry_max < o.vin_retry_initial) {
    e << "vin_retry_initial must be positive and at most vin_retry_max";
  } else if (o.failures_before_backoff == 0) {
    e << "failures_before_backoff must be at least 1";
  } else if (o.max_backoff.count() <= 0) {
    e << "max_backoff must be positive";
  } else if (o.discovery_retry_initial.count() <= 0 ||
             o.discovery_retry_max < o.discovery_retry_initial) {
    e << "discovery_retry_initial must be positive and at most discovery_retry_max";
  } else if (o.dtc_interval < std::chrono::milliseconds(10) ||
             o.dtc_interval > std::chrono::hours(1)) {
    e << "dtc_interval must be between 10ms and 1h";
  } else if (!o.vin.empty() && !is_valid_vin(o.vin)) {
    e << "vin '" << o.vin << "' is not 17 characters of the ISO 3779 set";
  } else {
    std::set<std::uint8_t> seen;
    for (const PidPoll& p : o.pids) {
      if (find_pid(p.pid) == nullptr) {
        e << "PID 0x" << std::hex << unsigned{p.pid} << " has no decoder";
        break;
      }
      if (!seen.insert(p.pid).second) {
        e << "PID 0x" << std::hex << unsigned{p.pid} << " (" << find_pid(p.pid)->name
          << ") is listed twice";
        break;
      }
      if (p.period < std::chrono::milliseconds(10)) {
        e << "period of PID " << find_pid(p.pid)->name << " must be at least 10ms";
        break;
      }
    }
  }
  return e.str();
}

using namespace std::chrono_literals;
using base::between;
using base::Duration;
using base::MappingReader;

namespace {

// A CAN id, written in hex (0x7DF) as often as in decimal; nullopt unless 11-bit.
std::optional<std::uint32_t> parse_request_id(const std::string& text) {
  std::size_t used = 0;
  unsigned long id = 0;
  try {
    id = std::stoul(text, &used, 0);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (text.empty() || used != text.size() || id > 0x7FF) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(id);
}

}  // namespace

void read_options(MappingReader& r, ObdOptions& c) {
  r.value("enabled", c.enabled);
  r.value("interface", c.interface);
  r.list<PidPoll>("pids", c.pids, [](MappingReader& p, PidPoll& poll) {
    std::string pid;
    p.value("pid", pid, [](const std::string& text) -> std::optional<std::string> {
      if (find_pid(text) != nullptr) {
        return std::nullopt;
      }
      unsigned long number = 0;
      std::size_t used = 0;
      try {
        number = std::stoul(text, &used, 0);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == text.size() && number <= 0xFF &&
          find_pid(static_cast<std::uint8_t>(number)) != nullptr) {
        return std::nullopt;
      }
      return std::string(
          "expected a mode 01 PID canhose decodes, by name (speed, rpm, coolant_temp, maf, "
          "fuel_rate, ...) or number (0x0D); see docs/obd.md");
    });
    if (const PidDefinition* by_name = find_pid(pid)) {
      poll.pid = by_name->pid;
    } else if (!pid.empty()) {
      try {
        poll.pid = static_cast<std::uint8_t>(std::stoul(pid, nullptr, 0));
      } catch (const std::exception&) {
        poll.pid = 0;
      }
    } else {
      p.error("pid", "every entry needs a pid");
    }
    p.value("period", poll.period, between<Duration>(10ms, 1h));
  });
  std::string request_id;
  r.value("request_id", request_id, [](const std::string& text) -> std::optional<std::string> {
    if (parse_request_id(text)) {
      return std::nullopt;
    }
    return std::string("expected an 11-bit CAN id (0x000 to 0x7FF; 0x7DF is the functional id)");
  });
  if (const auto id = parse_request_id(request_id)) {
    c.request_id = *id;
  }
  r.value("response_timeout", c.response_timeout, between<Duration>(1ms, 10s));
  r.value("pending_timeout", c.pending_timeout, between<Duration>(1ms, 1min));
  r.value("isotp_timeout", c.isotp_timeout, between<Duration>(1ms, 10s));
  r.value("vin_read", c.vin_read);
  r.value("vin_retry_initial", c.vin_retry_initial, between<Duration>(1ms, 1h));
  r.value("vin_retry_max", c.vin_retry_max, between<Duration>(1ms, 1h));
  r.value("dtc_interval", c.dtc_interval, between<Duration>(10ms, 1h));
  r.value("failures_before_backoff", c.failures_before_backoff,
          [](std::uint32_t n) -> std::optional<std::string> {
            if (n >= 1 && n <= 1000) {
              return std::nullopt;
            }
            return std::string("expected 1 to 1000 failures in a row");
          });
  r.value("max_backoff", c.max_backoff, between<Duration>(10ms, 1h));
  r.value("discovery_retry_initial", c.discovery_retry_initial, between<Duration>(10ms, 1h));
  r.value("discovery_retry_max", c.discovery_retry_max, between<Duration>(10ms, 1h));
  r.choice("fuel_type", c.fuel_type,
           {{"gasoline", FuelType::gasoline}, {"diesel", FuelType::diesel}});
  r.value("co2", c.co2);
  if (c.enabled) {
    if (const std::string problem = check_options(c); !problem.empty()) {
      r.error("pids", problem);
    }
  }
}

}  // namespace canhose::obd
