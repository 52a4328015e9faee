#pragma once
// One HTTP GET of canhosed's metrics endpoint (plain HTTP on loopback, as MetricsServer
// serves it), with a deadline over the whole exchange. Errors are values that name what
// failed, so `canhose status` can say "not running" rather than "system error 111".

#include <chrono>
#include <cstdint>
#include <string>

#include "metrics/metrics_server.hpp"

namespace canhose::cli {

struct MetricsScrape {
  enum class Failure {
    none,
    refused,  // connection refused: nothing listens there (the daemon is not running)
    timeout,  // no complete answer within the deadline
    http,     // an answer that is not 200
    network,  // any other connect/read/write error
  };
  Failure failure = Failure::none;
  std::string error;  // what failed, for the operator; empty on success
  std::string body;   // the Prometheus text on success
  std::chrono::steady_clock::time_point taken_at;
  bool ok() const { return failure == Failure::none; }
};

// GET http://<address>/metrics. Runs its own io_context: call it from no event loop.
MetricsScrape scrape_metrics(const metrics::ListenAddress& address,
                             std::chrono::milliseconds deadline);

// "host:port", "[::1]:port" for an address.
std::string to_string(const metrics::ListenAddress& address);

}  // namespace canhose::cli
