#pragma once
// Settings of the local ingest endpoint (the `ingest:` section of canhose.yaml; defaults
// here): a Firehose-compatible API that on-board programs write to, so their records get
// the queue's durability and store-and-forward (issue 17).
//
// Security model: on a loopback address (127.0.0.0/8, ::1) the endpoint trusts the box's
// own programs, as the metrics endpoint does; `auth: none` then accepts any request and does
// not check its SigV4 signature (SDKs sign with whatever credentials they have). `auth:
// sigv4` checks each request's signature against the `keys` listed here. A listen address
// that is not loopback requires both `auth: sigv4` and TLS (`tls_cert` + `tls_key`): the
// keys are then the only thing between the vehicle's network and its queue. The Unix
// socket is guarded by its file mode (and the directory it is in).

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/secret.hpp"
#include "base/units.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::ingest {

using namespace std::chrono_literals;

enum class IngestAuth {
  none,   // signatures are not checked (loopback and the Unix socket only)
  sigv4,  // every request must be signed with one of `keys`
};
const char* to_string(IngestAuth auth);

// A key pair a local producer signs with (auth: sigv4). The secret never reaches a log.
struct IngestKey {
  std::string access_key_id;
  base::Secret secret_access_key;
};

// A stream producers write to (DeliveryStreamName), and the Firehose stream its records
// are delivered to. Each upstream stream other than delivery.stream gets its own queue and
// delivery worker (config/stream_pipelines.hpp); `pack` and `flush_interval` set that
// worker's delivery.pack and delivery.flush_interval (unset: the delivery section's).
struct IngestStream {
  std::string name;
  std::string upstream;  // empty: the same name
  std::optional<bool> pack;
  std::optional<base::Duration> flush_interval;

  const std::string& upstream_name() const { return upstream.empty() ? name : upstream; }
};

struct IngestOptions {
  // "127.0.0.1:4573", "[::1]:4573"; empty: no TCP listener.
  std::string listen;
  // A Unix socket path, e.g. /run/canhose/ingest.sock; empty: none. Created at start
  // (a stale socket file left by a crash is replaced) with `unix_socket_mode`.
  std::filesystem::path unix_socket;
  mode_t unix_socket_mode = 0660;
  IngestAuth auth = IngestAuth::none;
  std::vector<IngestKey> keys;  // auth: sigv4
  // PEM files; both or neither. With them the TCP listener speaks HTTPS only.
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  // Empty: one stream named like delivery.stream (the composition root fills it in).
  std::vector<IngestStream> streams;
  // Connections open at once, and from one client address (all local producers share
  // 127.0.0.1, so the second is mostly for a non-loopback listener). A new connection
  // over either limit replaces the oldest one still waiting for (or sending) its request,
  // as the metrics endpoint does; when none is waiting it is closed at once.
  std::uint64_t max_connections = 64;
  std::uint64_t max_connections_per_address = 32;
  // A request body above this is refused with 413 (and the connection closed) before it
  // is read. The default admits PutRecordBatch's largest call: 4 MiB of record data is
  // 5.34 MiB of base64, plus the JSON around 500 records.
  std::uint64_t max_body_bytes = 6ULL << 20;
  // The request line and headers; beyond it the connection is closed.
  std::uint64_t max_header_bytes = 16ULL << 10;
  // From a request's first byte (or the connection's start) until the whole request has
  // arrived; then the connection is closed (slowloris).
  base::Duration request_timeout = 10s;
  // How long a keep-alive connection may wait for its next request.
  base::Duration idle_timeout = 60s;
  // For writing one response to a client that reads slowly.
  base::Duration write_timeout = 10s;
  // A put is answered once its records are durable. If the queue cannot make them durable
  // this soon (a failing disk), the call is answered 503 ServiceUnavailableException so the
  // producer retries later (the records may then arrive twice: at-least-once).
  base::Duration durable_timeout = 30s;

  bool enabled() const { return !listen.empty() || !unix_socket.empty(); }
};

// Empty if the options are usable, otherwise what is wrong (a start-up error). Never
// quotes a secret.
std::string validate(const IngestOptions& options);

// Reads the `ingest:` section of canhose.yaml into `options` (defaults: what it holds);
// each mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, IngestOptions& options);

}  // namespace canhose::ingest
