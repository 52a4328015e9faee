#pragma once
// Settings of delivery (the `delivery:` section of canhose.yaml; defaults here).

#include <cstdint>
#include <filesystem>
#include <string>

#include "base/units.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::delivery {

using namespace std::chrono_literals;

struct DeliveryOptions {
  // The Firehose delivery stream records go to; empty: records are queued, not sent.
  std::string stream;
  // The stream's AWS region, e.g. "eu-west-1" (required with a stream).
  std::string region;
  // Override of https://firehose.<region>.amazonaws.com (a VPC endpoint, a test server).
  std::string endpoint;
  // Concatenate newline-terminated records into one Firehose record of up to pack_bytes.
  // Firehose bills each record in 5 KB steps, so packing cuts the bill for small lines
  // many times over; S3 objects stay byte-identical. Set false for destinations that need
  // one document per Firehose record (OpenSearch, a per-record Lambda transform).
  // A packed record is sent ending at its last whole 5 KB step (pack_bytes is rounded
  // down to whole steps); the lines past it go with the next request.
  bool pack = true;
  std::uint64_t pack_bytes = 1'024'000;  // at most Firehose's 1,000 KiB per record
  // The most a record waits before it is sent (while the window has room): a batch that is
  // not full is sent once its oldest record has waited this long. The default is of the
  // order of Firehose's own buffering (60-900 s before S3), so a slow box fills whole
  // billing steps: 1 record/s of 61 bytes is billed 1.011x its bytes at 2m, 1.38x at 1m,
  // 46x at 1s (docs/delivery.md "Billing"). Unpacked, every record is billed 5 KB whatever
  // this is.
  base::Duration flush_interval = 2min;
  // Requests in flight at most (reduced automatically while throttled).
  std::uint32_t concurrency = 1;
  // Backoff between retries: full jitter between 0 and base*2^n, capped at max.
  base::Duration retry_base = 100ms;
  base::Duration retry_max = 60s;
  // While the stream is missing or access is denied: how often to try again.
  base::Duration permanent_error_retry = 5min;
  // Records Firehose rejects as invalid are kept here (JSON lines), never discarded.
  std::filesystem::path dead_letter_dir = "/var/lib/canhose/dead-letter";
  std::uint64_t dead_letter_max_bytes = 64ULL << 20;
  // How often a one-line delivery summary is logged (info).
  base::Duration summary_interval = 5min;
};

// Reads the `delivery:` section of canhose.yaml into `options` (defaults: what it holds); each
// mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, DeliveryOptions& options);

}  // namespace canhose::delivery
