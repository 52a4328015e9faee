// The `ingest` section of canhose.yaml and the checks that keep a non-loopback listener
// from opening without authentication and TLS.
#include "ingest/ingest_options.hpp"

#include <charconv>
#include <optional>
#include <set>

#include "asio/asio.hpp"
#include "aws/firehose_api.hpp"
#include "base/mapping_reader.hpp"
#include "metrics/metrics_server.hpp"

namespace canhose::ingest {

using base::between;
using base::ByteSize;
using base::Duration;
using base::MappingReader;

namespace {

std::optional<std::string> listen_problem(const std::string& text) {
  std::string error;
  if (text.empty() || metrics::parse_listen_address(text, error)) {
    return std::nullopt;
  }
  return error;
}

bool is_loopback(const std::string& listen) {
  std::string error;
  const auto address = metrics::parse_listen_address(listen, error);
  if (!address) {
    return false;
  }
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address->host, ec);
  return !ec && ip.is_loopback();
}

// "0660" -> 0660. Three or four octal digits, as chmod takes them.
std::optional<mode_t> parse_mode(std::string_view text) {
  if (text.size() < 3 || text.size() > 4) {
    return std::nullopt;
  }
  unsigned mode = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), mode, 8);
  if (ec != std::errc{} || end != text.data() + text.size() || mode > 07777) {
    return std::nullopt;
  }
  return static_cast<mode_t>(mode);
}

std::optional<std::string> stream_name_problem(const std::string& name) {
  std::string problem = aws::validate_stream_name(name);
  if (problem.empty() && (name == "." || name == "..")) {
    problem = "a stream name names a folder under service.state_dir: not . or ..";
  }
  return problem.empty() ? std::nullopt : std::optional<std::string>(problem);
}

}  // namespace

const char* to_string(IngestAuth auth) {
  return auth == IngestAuth::sigv4 ? "sigv4" : "none";
}

std::string validate(const IngestOptions& o) {
  if (auto problem = listen_problem(o.listen)) {
    return "ingest.listen: " + *problem;
  }
  if (!o.listen.empty() && !is_loopback(o.listen)) {
    if (o.auth != IngestAuth::sigv4) {
      return "ingest.listen " + o.listen +
             " is not a loopback address: set ingest.auth: sigv4 with ingest.keys (and TLS), "
             "or listen on 127.0.0.1";
    }
    if (o.tls_cert.empty() || o.tls_key.empty()) {
      return "ingest.listen " + o.listen +
             " is not a loopback address: set ingest.tls_cert and ingest.tls_key, or listen on "
             "127.0.0.1";
    }
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return "ingest.tls_cert and ingest.tls_key go together: set both or neither";
  }
  if (o.auth == IngestAuth::sigv4 && o.keys.empty()) {
    return "ingest.auth: sigv4 needs at least one key in ingest.keys (access_key_id, "
           "secret_access_key)";
  }
  std::set<std::string> ids;
  for (const IngestKey& key : o.keys) {
    if (key.access_key_id.empty() || key.secret_access_key.empty()) {
      return "ingest.keys: each key needs access_key_id and secret_access_key";
    }
    if (!ids.insert(key.access_key_id).second) {
      return "ingest.keys: access_key_id " + key.access_key_id + " is listed twice";
    }
  }
  std::set<std::string> names;
  for (const IngestStream& stream : o.streams) {
    if (auto problem = stream_name_problem(stream.name)) {
      return "ingest.streams: " + *problem;
    }
    if (!stream.upstream.empty()) {
      if (auto problem = stream_name_problem(stream.upstream)) {
        return "ingest.streams: " + *problem;
      }
    }
    if (!names.insert(stream.name).second) {
      return "ingest.streams: " + stream.name + " is listed twice";
    }
  }
  if (o.max_connections < 1 || o.max_connections_per_address < 1) {
    return "ingest.max_connections and max_connections_per_address must be at least 1";
  }
  if (o.max_header_bytes < 1024 || o.max_body_bytes < 1024) {
    return "ingest.max_header_bytes and max_body_bytes must be at least 1KiB";
  }
  if (o.unix_socket_mode > 0777) {
    return "ingest.unix_socket_mode must be a file mode such as 0660";
  }
  return {};
}

void read_options(MappingReader& r, IngestOptions& c) {
  r.value("listen", c.listen, listen_problem);
  std::string unix_socket = c.unix_socket.string();
  r.value("unix_socket", unix_socket, [](const std::string& path) -> std::optional<std::string> {
    if (!path.empty() && path.front() != '/') {
      return std::string("expected an absolute path such as /run/canhose/ingest.sock");
    }
    // sockaddr_un::sun_path holds 108 bytes, the terminating NUL included.
    if (path.size() > 107) {
      return std::string("a Unix socket path may be at most 107 bytes long");
    }
    return std::nullopt;
  });
  c.unix_socket = unix_socket;
  std::string mode_text;
  r.value("unix_socket_mode", mode_text,
          [&](const std::string& text) -> std::optional<std::string> {
            const auto mode = parse_mode(text);
            if (!mode || *mode > 0777) {
              return std::string("expected an octal file mode such as 0660");
            }
            c.unix_socket_mode = *mode;
            return std::nullopt;
          });
  r.choice("auth", c.auth, {{"none", IngestAuth::none}, {"sigv4", IngestAuth::sigv4}});
  r.list<IngestKey>("keys", c.keys, [](MappingReader& k, IngestKey& key) {
    k.value("access_key_id", key.access_key_id,
            [](const std::string& id) -> std::optional<std::string> {
              if (id.empty()) {
                return std::string("must not be empty");
              }
              return std::nullopt;
            });
    k.value("secret_access_key", key.secret_access_key);
    if (key.access_key_id.empty()) {
      k.error("access_key_id", "each key needs an access_key_id");
    }
    if (key.secret_access_key.empty()) {
      k.error("secret_access_key", "each key needs a secret_access_key");
    }
  });
  std::string tls_cert = c.tls_cert.string();
  std::string tls_key = c.tls_key.string();
  r.value("tls_cert", tls_cert);
  r.value("tls_key", tls_key);
  c.tls_cert = tls_cert;
  c.tls_key = tls_key;
  r.list<IngestStream>("streams", c.streams, [](MappingReader& s, IngestStream& stream) {
    s.value("name", stream.name, stream_name_problem);
    s.value("upstream", stream.upstream, [](const std::string& name) {
      return name.empty() ? std::nullopt : stream_name_problem(name);
    });
    if (stream.name.empty()) {
      s.error("name", "each stream needs a name (the DeliveryStreamName producers use)");
    }
    // Unset: the delivery section's (every key is read, so the schema knows it).
    bool pack = false;
    const bool pack_given = s.has("pack");
    s.value("pack", pack);
    if (pack_given) {
      stream.pack = pack;
    }
    s.value("flush_interval", stream.flush_interval, between<Duration>(10ms, 15min));
  });
  r.value("max_connections", c.max_connections, between<std::uint64_t>(1, 100'000));
  r.value("max_connections_per_address", c.max_connections_per_address,
          between<std::uint64_t>(1, 100'000));
  ByteSize body{c.max_body_bytes};
  r.value("max_body_bytes", body, between(ByteSize{1024}, ByteSize{64ULL << 20}));
  c.max_body_bytes = body.bytes;
  ByteSize header{c.max_header_bytes};
  r.value("max_header_bytes", header, between(ByteSize{1024}, ByteSize{1ULL << 20}));
  c.max_header_bytes = header.bytes;
  r.value("request_timeout", c.request_timeout, between<Duration>(100ms, 10min));
  r.value("idle_timeout", c.idle_timeout, between<Duration>(100ms, 1h));
  r.value("write_timeout", c.write_timeout, between<Duration>(100ms, 10min));
  r.value("durable_timeout", c.durable_timeout, between<Duration>(100ms, 10min));

  // The cross-key rules, each reported on the key that would fix it.
  if (!c.listen.empty() && !listen_problem(c.listen) && !is_loopback(c.listen)) {
    if (c.auth != IngestAuth::sigv4) {
      r.error("auth", "ingest.listen " + c.listen +
                          " is not a loopback address: it needs auth: sigv4 (with keys) and "
                          "TLS, or listen on 127.0.0.1");
    }
    if (c.tls_cert.empty() || c.tls_key.empty()) {
      r.error("listen", "ingest.listen " + c.listen +
                            " is not a loopback address: it needs tls_cert and tls_key (and "
                            "auth: sigv4), or listen on 127.0.0.1");
    }
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    r.error(c.tls_cert.empty() ? "tls_key" : "tls_cert",
            "tls_cert and tls_key go together: set both or neither");
  }
  if (c.auth == IngestAuth::sigv4 && c.keys.empty()) {
    r.error("keys",
            "auth: sigv4 needs at least one key (- access_key_id: ..., secret_access_key: ...)");
  }
  std::set<std::string> ids;
  for (const IngestKey& key : c.keys) {
    if (!key.access_key_id.empty() && !ids.insert(key.access_key_id).second) {
      r.error("keys", "access_key_id " + key.access_key_id + " is listed twice");
    }
  }
  std::set<std::string> names;
  for (const IngestStream& stream : c.streams) {
    if (!stream.name.empty() && !names.insert(stream.name).second) {
      r.error("streams", "stream " + stream.name + " is listed twice");
    }
  }
}

}  // namespace canhose::ingest
