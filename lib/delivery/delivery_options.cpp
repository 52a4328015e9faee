// The `delivery` section of canhose.yaml (its HTTPS keys: https/https_transport_options.cpp).
#include "delivery/delivery_options.hpp"

#include "aws/firehose_api.hpp"
#include "base/mapping_reader.hpp"
#include "https/http_transport.hpp"

namespace canhose::delivery {

using namespace std::chrono_literals;
using base::between;
using base::ByteSize;
using base::Duration;
using base::format_duration;
using base::MappingReader;

void read_options(MappingReader& r, DeliveryOptions& c) {
  r.value("stream", c.stream, [](const std::string& name) -> std::optional<std::string> {
    if (name.empty()) {
      return std::nullopt;
    }
    std::string problem = aws::validate_stream_name(name);
    return problem.empty() ? std::nullopt : std::optional<std::string>(problem);
  });
  r.value("region", c.region, [](const std::string& region) -> std::optional<std::string> {
    const bool ok = std::all_of(region.begin(), region.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
    });
    if (!ok) {
      return std::string("expected an AWS region such as eu-west-1");
    }
    return std::nullopt;
  });
  r.value("endpoint", c.endpoint, https::endpoint_override_problem);
  if (!c.stream.empty() && c.region.empty()) {
    r.error("region", "delivery.region is required when delivery.stream is set (e.g. eu-west-1)");
  }
  r.value("pack", c.pack);
  ByteSize pack_bytes{c.pack_bytes};
  r.value("pack_bytes", pack_bytes, between(ByteSize{1024}, ByteSize{1'024'000}));
  c.pack_bytes = pack_bytes.bytes;
  r.value("flush_interval", c.flush_interval, between<Duration>(10ms, 15min));
  r.value("concurrency", c.concurrency, between<std::uint32_t>(1, 16));
  r.section("retry", [&](MappingReader& retry) {
    retry.value("base", c.retry_base, between<Duration>(10ms, 1min));
    retry.value("max", c.retry_max, between<Duration>(100ms, 1h));
    retry.value("permanent_error", c.permanent_error_retry, between<Duration>(1s, 24h));
    if (c.retry_max < c.retry_base) {
      retry.error("max", "must be at least retry.base (" + format_duration(c.retry_base) + ")");
    }
  });
  ByteSize dead_letter{c.dead_letter_max_bytes};
  r.value("dead_letter_max_bytes", dead_letter, between(ByteSize{64 << 10}, ByteSize{1ULL << 40}));
  c.dead_letter_max_bytes = dead_letter.bytes;
  r.value("summary_interval", c.summary_interval, between<Duration>(10s, 24h));
}

}  // namespace canhose::delivery
