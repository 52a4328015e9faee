// The `ingest:` section: defaults, every key, and the rules that keep a non-loopback
// listener from opening without sigv4 and TLS. Secrets never appear in a message.

#include "ingest/ingest_options.hpp"

#include <gtest/gtest.h>

#include "base/mapping_reader.hpp"

namespace canhose::ingest {
namespace {

struct Read {
  IngestOptions options;
  std::string errors;  // every error, one per line
};

Read read(const std::string& yaml) {
  Read result;
  base::ReaderContext context("canhose.yaml");
  {
    base::MappingReader root(context, YAML::Load(yaml), "", "");
    root.section("ingest", [&](base::MappingReader& r) { read_options(r, result.options); });
  }
  context.finalize();
  result.errors = base::format_errors(context.errors());
  return result;
}

TEST(IngestOptionsTest, DefaultsAreOffLoopbackSafe) {
  const Read r = read("{}");
  EXPECT_EQ(r.errors, "");
  EXPECT_FALSE(r.options.enabled());
  EXPECT_EQ(r.options.auth, IngestAuth::none);
  EXPECT_EQ(r.options.unix_socket_mode, 0660u);
  EXPECT_EQ(r.options.max_connections, 64u);
  EXPECT_EQ(r.options.max_header_bytes, 16u * 1024);
  // PutRecordBatch's largest call: 4 MiB of data in base64 plus the JSON of 500 records.
  EXPECT_GE(r.options.max_body_bytes, (4u << 20) / 3 * 4 + 500 * 16);
  EXPECT_EQ(r.options.request_timeout, std::chrono::seconds(10));
  EXPECT_EQ(r.options.idle_timeout, std::chrono::seconds(60));
  EXPECT_EQ(validate(r.options), "");
}

TEST(IngestOptionsTest, ReadsEveryKey) {
  const Read r = read(R"(
ingest:
  listen: "[::1]:4573"
  unix_socket: /run/canhose/ingest.sock
  unix_socket_mode: "0600"
  auth: sigv4
  keys:
    - access_key_id: AKIDLOCAL1
      secret_access_key: local-secret-1
  tls_cert: /etc/canhose/ingest.pem
  tls_key: /etc/canhose/ingest.key
  streams:
    - name: dashcam
      upstream: fleet-dashcam
    - name: telemetry
  max_connections: 10
  max_connections_per_address: 4
  max_body_bytes: 8MiB
  max_header_bytes: 32KiB
  request_timeout: 3s
  idle_timeout: 20s
  write_timeout: 4s
  durable_timeout: 5s
)");
  ASSERT_EQ(r.errors, "");
  const IngestOptions& o = r.options;
  EXPECT_TRUE(o.enabled());
  EXPECT_EQ(o.listen, "[::1]:4573");
  EXPECT_EQ(o.unix_socket, "/run/canhose/ingest.sock");
  EXPECT_EQ(o.unix_socket_mode, 0600u);
  EXPECT_EQ(o.auth, IngestAuth::sigv4);
  ASSERT_EQ(o.keys.size(), 1u);
  EXPECT_EQ(o.keys[0].access_key_id, "AKIDLOCAL1");
  EXPECT_EQ(o.keys[0].secret_access_key.reveal(), "local-secret-1");
  EXPECT_EQ(o.tls_cert, "/etc/canhose/ingest.pem");
  EXPECT_EQ(o.tls_key, "/etc/canhose/ingest.key");
  ASSERT_EQ(o.streams.size(), 2u);
  EXPECT_EQ(o.streams[0].name, "dashcam");
  EXPECT_EQ(o.streams[0].upstream, "fleet-dashcam");
  EXPECT_EQ(o.streams[1].name, "telemetry");
  EXPECT_EQ(o.streams[1].upstream, "");
  EXPECT_EQ(o.max_connections, 10u);
  EXPECT_EQ(o.max_connections_per_address, 4u);
  EXPECT_EQ(o.max_body_bytes, 8u << 20);
  EXPECT_EQ(o.max_header_bytes, 32u << 10);
  EXPECT_EQ(o.request_timeout, std::chrono::seconds(3));
  EXPECT_EQ(o.idle_timeout, std::chrono::seconds(20));
  EXPECT_EQ(o.write_timeout, std::chrono::seconds(4));
  EXPECT_EQ(o.durable_timeout, std::chrono::seconds(5));
  EXPECT_EQ(validate(o), "");
}

TEST(IngestOptionsTest, ANonLoopbackListenerNeedsSigV4AndTls) {
  const Read r = read("ingest:\n  listen: 0.0.0.0:4573\n");
  EXPECT_NE(r.errors.find("ingest.auth: ingest.listen 0.0.0.0:4573 is not a loopback address: it "
                          "needs auth: sigv4"),
            std::string::npos)
      << r.errors;
  EXPECT_NE(r.errors.find("ingest.listen: ingest.listen 0.0.0.0:4573 is not a loopback address: "
                          "it needs tls_cert and tls_key"),
            std::string::npos)
      << r.errors;
  EXPECT_NE(validate(r.options), "");

  const Read with_auth = read(R"(
ingest:
  listen: 192.168.1.10:4573
  auth: sigv4
  keys: [{access_key_id: AKIDLOCAL1, secret_access_key: s3cr3t-value}]
)");
  EXPECT_NE(with_auth.errors.find("needs tls_cert and tls_key"), std::string::npos)
      << with_auth.errors;
  EXPECT_EQ(with_auth.errors.find("needs auth: sigv4"), std::string::npos) << with_auth.errors;
  EXPECT_EQ(with_auth.errors.find("s3cr3t-value"), std::string::npos);

  const Read complete = read(R"(
ingest:
  listen: 192.168.1.10:4573
  auth: sigv4
  keys: [{access_key_id: AKIDLOCAL1, secret_access_key: s3cr3t-value}]
  tls_cert: /etc/canhose/ingest.pem
  tls_key: /etc/canhose/ingest.key
)");
  EXPECT_EQ(complete.errors, "");
  EXPECT_EQ(validate(complete.options), "");
}

TEST(IngestOptionsTest, LoopbackAddressesNeedNothingMore) {
  for (const char* listen : {"127.0.0.1:4573", "127.0.0.2:0", "[::1]:4573"}) {
    const Read r = read(std::string("ingest:\n  listen: \"") + listen + "\"\n");
    EXPECT_EQ(r.errors, "") << listen;
  }
}

TEST(IngestOptionsTest, SigV4NeedsAKeyAndKeysNeedBothHalves) {
  const Read no_keys = read("ingest:\n  listen: 127.0.0.1:4573\n  auth: sigv4\n");
  EXPECT_NE(no_keys.errors.find("ingest.keys: auth: sigv4 needs at least one key"),
            std::string::npos)
      << no_keys.errors;
  EXPECT_NE(validate(no_keys.options), "");

  const Read half = read(R"(
ingest:
  auth: sigv4
  keys:
    - access_key_id: AKIDLOCAL1
    - secret_access_key: only-a-secret
)");
  EXPECT_NE(half.errors.find("ingest.keys[0].secret_access_key: each key needs a "
                             "secret_access_key"),
            std::string::npos)
      << half.errors;
  EXPECT_NE(half.errors.find("ingest.keys[1].access_key_id: each key needs an access_key_id"),
            std::string::npos)
      << half.errors;
  EXPECT_EQ(half.errors.find("only-a-secret"), std::string::npos) << half.errors;
}

TEST(IngestOptionsTest, MistakesNameTheirKey) {
  const Read r = read(R"(
ingest:
  listen: localhost:4573
  unix_socket: relative.sock
  unix_socket_mode: "rw-rw----"
  auth: basic
  tls_cert: /etc/canhose/ingest.pem
  streams:
    - name: "bad name!"
    - name: twice
    - name: twice
  max_connections: 0
  request_timeout: forever
)");
  for (const char* expected :
       {"ingest.listen: \"localhost\" is not an IP address",
        "ingest.unix_socket: expected an absolute path",
        "ingest.unix_socket_mode: expected an octal file mode such as 0660",
        "ingest.auth: expected one of", "ingest.tls_cert: tls_cert and tls_key go together",
        "ingest.streams[0].name: a Firehose stream name may hold only",
        "ingest.streams: stream twice is listed twice",
        "ingest.max_connections: must be between 1 and 100000", "ingest.request_timeout:"}) {
    EXPECT_NE(r.errors.find(expected), std::string::npos) << expected << "\n" << r.errors;
  }
}

TEST(IngestOptionsTest, ValidateRefusesWhatTheReaderRefuses) {
  IngestOptions o;
  o.listen = "10.0.0.5:4573";
  EXPECT_NE(validate(o).find("not a loopback address"), std::string::npos);
  o.auth = IngestAuth::sigv4;
  o.keys.push_back({"AKIDLOCAL1", base::Secret("never-shown")});
  EXPECT_NE(validate(o).find("tls_cert"), std::string::npos);
  o.tls_cert = "/c.pem";
  o.tls_key = "/k.pem";
  EXPECT_EQ(validate(o), "");
  o.keys.push_back({"AKIDLOCAL1", base::Secret("never-shown-either")});
  EXPECT_NE(validate(o).find("listed twice"), std::string::npos);
  EXPECT_EQ(validate(o).find("never-shown"), std::string::npos);
}

}  // namespace
}  // namespace canhose::ingest
