#include "aws/clock_offset.hpp"

#include <algorithm>
#include <string>

#include "aws/http_date.hpp"
#include "aws/server_text_redactor.hpp"
#include "log/logger.hpp"

namespace canhose::aws {

using namespace std::chrono;

ClockOffset::ClockOffset(milliseconds min_correction, SystemNow system_now, SteadyNow steady_now)
    : min_correction_(min_correction),
      system_now_(std::move(system_now)),
      steady_now_(std::move(steady_now)) {}

system_clock::time_point ClockOffset::now() const {
  return system_now_() + milliseconds(offset_ms_.load(std::memory_order_relaxed));
}

milliseconds ClockOffset::offset() const {
  return milliseconds(offset_ms_.load(std::memory_order_relaxed));
}

bool ClockOffset::plausible(system_clock::time_point reference, std::string_view source) {
  if (reference >= earliest_plausible && reference < latest_plausible) {
    return true;
  }
  const std::int64_t now_ns = duration_cast<nanoseconds>(steady_now_().time_since_epoch()).count();
  const std::int64_t warned_ns = last_implausible_warning_ns_.load(std::memory_order_relaxed);
  if (warned_ns == 0 || nanoseconds(now_ns - warned_ns) >= server_time_authority) {
    last_implausible_warning_ns_.store(std::max<std::int64_t>(1, now_ns),
                                       std::memory_order_relaxed);
    log::warning("aws", "ignoring ", source, ": it says the year is ",
                 static_cast<int>(year_month_day{floor<days>(reference)}.year()),
                 ", which is not plausible (a time from 2024 to 2099 is expected); the signing "
                 "clock is left as it is");
  }
  return false;
}

bool ClockOffset::learn(system_clock::time_point reference, system_clock::time_point local,
                        std::string_view source) {
  if (!plausible(reference, source)) {
    return false;
  }
  // Both lie within about 292 years of 1970 (time_point's range): no overflow here.
  const auto estimate = duration_cast<milliseconds>(reference - local);
  const auto current = offset();
  const auto change = estimate - current;
  if (change < min_correction_ && -change < min_correction_) {
    return false;
  }
  offset_ms_.store(estimate.count(), std::memory_order_relaxed);
  // Positive: the system clock is behind the reference.
  log::notice(
      "aws", "clock corrected by ", static_cast<double>(change.count()) / 1000.0, " s from ",
      source, "; signing time is now the system clock ", estimate.count() >= 0 ? "+ " : "- ",
      static_cast<double>(estimate.count() >= 0 ? estimate.count() : -estimate.count()) / 1000.0,
      " s");
  return true;
}

bool ClockOffset::learn_from_http_date(std::string_view date_header, steady_clock::time_point sent,
                                       steady_clock::time_point received) {
  std::string why;
  const auto server = parse_http_date(date_header, &why);
  if (!server) {
    // Server text: redacted and cut to a date's length before it is logged.
    log::debug("aws", "ignoring the Date header \"",
               ServerTextRedactor().redact(date_header.substr(0, 40)), "\": ", why);
    return false;
  }
  if (!plausible(*server, "the HTTP Date header")) {
    return false;  // not a server time either: GPS keeps its say
  }
  // The server stamped the response somewhere between send and receive: take the
  // midpoint, and the middle of the Date header's whole second.
  // A transport that did not fill in the times (or filled them inconsistently) gets
  // "now" as the midpoint rather than a wild estimate.
  const auto steady_now = steady_now_();
  const bool times_known =
      sent.time_since_epoch().count() != 0 && received >= sent && received <= steady_now;
  const auto midpoint = times_known ? sent + (received - sent) / 2 : steady_now;
  // Never 0 in practice (the steady clock counts from boot); max() keeps "0 = none" exact.
  last_server_time_ns_.store(
      std::max<std::int64_t>(1, duration_cast<nanoseconds>(steady_now.time_since_epoch()).count()),
      std::memory_order_relaxed);
  const auto local_at_midpoint = system_now_() - (steady_now - midpoint);
  return learn(*server + milliseconds(500),
               time_point_cast<system_clock::duration>(local_at_midpoint), "the HTTP Date header");
}

bool ClockOffset::learn_from_gps(system_clock::time_point gps_utc,
                                 system_clock::time_point observed_at) {
  const std::int64_t last_server_ns = last_server_time_ns_.load(std::memory_order_relaxed);
  const bool server_time_fresh =
      last_server_ns != 0 &&
      steady_now_().time_since_epoch() - nanoseconds(last_server_ns) < server_time_authority;
  if (server_time_fresh) {
    const auto change = duration_cast<milliseconds>(gps_utc - observed_at) - offset();
    if (change >= min_correction_ || -change >= min_correction_) {
      const std::int64_t now_ns =
          duration_cast<nanoseconds>(steady_now_().time_since_epoch()).count();
      const std::int64_t warned_ns = last_gps_warning_ns_.load(std::memory_order_relaxed);
      if (warned_ns != 0 && nanoseconds(now_ns - warned_ns) < server_time_authority) {
        return false;  // said already; a GPS report comes every second
      }
      last_gps_warning_ns_.store(std::max<std::int64_t>(1, now_ns), std::memory_order_relaxed);
      log::warning("aws", "GPS time differs from the AWS server's time by ",
                   static_cast<double>(change.count()) / 1000.0,
                   " s; signing with the server's time (is the receiver replaying a log or "
                   "reporting a wrong GPS week?)");
      return false;
    }
  }
  return learn(gps_utc, observed_at, "GPS time");
}

}  // namespace canhose::aws
