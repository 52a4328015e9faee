#pragma once
// What `canhose put` tells the operator when canhosed's ingest endpoint cannot be reached:
// whether canhosed runs at all (asked of its metrics endpoint, when metrics.listen is set),
// the socket's mode, or a daemon too slow to answer. Empty when there is nothing to add.

#include <string>

#include "cli/ingest_endpoint.hpp"
#include "cli/ingest_http_client.hpp"
#include "config/config.hpp"

namespace canhose::cli {

std::string unreachable_advice(const config::Config& config, const IngestEndpoint& endpoint,
                               IngestReply::Failure failure, const std::string& config_path);

}  // namespace canhose::cli
