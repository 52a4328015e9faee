// `canhose put` (the real binary) against a real canhosed serving its local ingest
// endpoint: over the Unix socket, TCP and TLS, with auth none and sigv4; every line read
// back from the Firehose emulator's S3 output, or counted by canhosed's metrics.

#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "support/canhosed_process.hpp"
#include "support/child_process.hpp"
#include "support/firehose_emulator_process.hpp"
#include "support/gpsfake_server.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"
#include "support/test_pki.hpp"

namespace canhose {
namespace {

using namespace std::chrono_literals;

test::RunResult put(const test::TempDir& dir, const std::filesystem::path& config,
                    const std::vector<std::string>& extra = {}) {
  return test::run_canhose("put", config, dir.path(), extra, 60s);
}

// canhosed with metrics and `ingest` (YAML under "ingest:"); delivery goes to `endpoint`,
// by default a port where nothing listens, so records stay in the queue.
struct Daemon {
  Daemon(const test::TempDir& dir, const std::string& ingest, const std::string& extra = {},
         const std::string& endpoint = {}, const std::string& ca_file = {})
      : metrics_port(test::free_loopback_port()),
        ingest_port(test::free_loopback_port()),
        config("service:\n  state_dir: " + (dir.path() / "state").string() +
               "\n  shutdown_grace: 1s\n"
               // No snapshot records: the stream holds only what canhose put sent.
               "record:\n  period: 1h\nmetrics:\n  listen: 127.0.0.1:" +
               std::to_string(metrics_port) +
               "\ndelivery:\n  stream: edge-gw\n  region: us-east-1\n  endpoint: " +
               (endpoint.empty() ? "http://127.0.0.1:" + std::to_string(test::free_loopback_port())
                                 : endpoint) +
               (ca_file.empty() ? "" : "\n  ca_file: " + ca_file) +
               "\n  flush_interval: 100ms\ncredentials:\n  source: static\n  access_key_id: " +
               test::kEmulatorAccessKeyId +
               "\n  secret_access_key: " + test::kEmulatorSecretAccessKey + "\ningest:\n" +
               std::regex_replace(ingest, std::regex("PORT"), std::to_string(ingest_port)) + extra),
        process(CANHOSED_PATH, dir.path(), config) {}
  ~Daemon() {
    process.process().signal(SIGTERM);
    process.process().wait_for(30s);
  }
  double accepted(const std::string& stream) {
    return test::scrape_metric(metrics_port, "canhose_ingest_records_total",
                               {{"stream", stream}, {"result", "accepted"}})
        .value_or(-1);
  }

  std::uint16_t metrics_port;
  std::uint16_t ingest_port;
  std::string config;
  test::CanhosedProcess process;
};

TEST(CanhosePut, EveryLineReachesFirehoseOverTheUnixSocketTcpAndStdin) {
  test::TempDir dir;
  const test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  test::FirehoseEmulatorOptions emulator_options;
  emulator_options.use_pki(pki);
  emulator_options.verbose = false;
  std::filesystem::create_directories(dir.path() / "emulator");
  test::FirehoseEmulatorProcess emulator(emulator_options, dir.path() / "emulator");
  const auto socket = dir.path() / "ingest.sock";
  Daemon daemon(dir, "  listen: 127.0.0.1:PORT\n  unix_socket: " + socket.string() + "\n", {},
                emulator.endpoint(), pki.ca_cert.string());
  ASSERT_TRUE(daemon.process.ready()) << daemon.process.process().stderr_text();

  // 1,200 records over the Unix socket (3 calls), empty lines among them, no final newline.
  std::set<std::string> expected;
  std::string text;
  for (int i = 1; i <= 1200; ++i) {
    const std::string line = "unix " + std::to_string(i) + " 51.5 -0.12 42";
    expected.insert(line);
    text += line + (i % 100 == 0 ? "\n\n" : "\n");
  }
  text.pop_back();
  const auto file = dir.write("lines.txt", text);
  const auto by_socket = put(dir, daemon.process.config_path(), {"--file", file.string()});
  EXPECT_EQ(by_socket.status.code, 0) << by_socket.err;
  EXPECT_EQ(by_socket.out, "") << "stdout stays silent";
  EXPECT_EQ(by_socket.err, "");

  // The same endpoint over TCP (no unix_socket in this file), from stdin, with --verbose.
  const auto tcp_config =
      dir.write("tcp.yaml",
                "delivery:\n  stream: edge-gw\n  region: us-east-1\ningest:\n  listen: "
                "127.0.0.1:" +
                    std::to_string(daemon.ingest_port) + "\n");
  const auto by_tcp = test::run_program(
      "/bin/sh",
      {"-c", "printf 'tcp 1\\ntcp 2\\n\\ntcp 3\\n' | " + std::string(CANHOSE_CLI_PATH) +
                 " put --verbose --config " + tcp_config.string()},
      dir.path());
  EXPECT_EQ(by_tcp.status.code, 0) << by_tcp.err;
  EXPECT_NE(by_tcp.err.find("canhose put: 3 records (18 bytes) from 4 lines of stdin accepted "
                            "into stream edge-gw at http://127.0.0.1:" +
                            std::to_string(daemon.ingest_port) +
                            " in 1 calls (0 retries); 1 empty lines skipped"),
            std::string::npos)
      << by_tcp.err;
  expected.insert({"tcp 1", "tcp 2", "tcp 3"});
  EXPECT_EQ(daemon.accepted("edge-gw"), 1203);

  // Every line arrives once, as a line, in the S3 objects.
  std::multiset<std::string> seen;
  const auto limit = std::chrono::steady_clock::now() + 30s;
  while (seen.size() < expected.size() && std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(200ms);
    emulator.flush();
    seen.clear();
    for (const auto& object : emulator.objects()) {
      std::istringstream lines(test::read_file(object));
      for (std::string line; std::getline(lines, line);) {
        seen.insert(line);
      }
    }
  }
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_EQ(seen.size(), expected.size()) << "no duplicates, no empty records";
}

TEST(CanhosePut, SignsWithTheFirstIngestKeyWhenAuthIsSigV4) {
  test::TempDir dir;
  Daemon daemon(dir,
                "  listen: 127.0.0.1:PORT\n  auth: sigv4\n  keys:\n"
                "    - access_key_id: AKIDLOCALPRODUCER\n"
                "      secret_access_key: local/producer/secret/key/EXAMPLE\n");
  ASSERT_TRUE(daemon.process.ready()) << daemon.process.process().stderr_text();
  const auto file = dir.write("lines.txt", "one\ntwo\n");
  const auto ok = put(dir, daemon.process.config_path(), {"--file", file.string()});
  EXPECT_EQ(ok.status.code, 0) << ok.err;
  EXPECT_EQ(daemon.accepted("edge-gw"), 2);

  const auto wrong =
      dir.write("wrong.yaml",
                "delivery:\n  stream: edge-gw\n  region: us-east-1\ningest:\n  listen: "
                "127.0.0.1:" +
                    std::to_string(daemon.ingest_port) +
                    "\n  auth: sigv4\n  keys:\n    - access_key_id: AKIDLOCALPRODUCER\n"
                    "      secret_access_key: not/the/secret/canhosed/knows\n");
  const auto refused = put(dir, wrong, {"--file", file.string()});
  EXPECT_EQ(refused.status.code, 1) << refused.err;
  EXPECT_NE(refused.err.find("InvalidSignatureException (HTTP 400)"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("no record of " + file.string() + " was accepted"), std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find("not/the/secret"), std::string::npos) << "never the secret";
}

TEST(CanhosePut, AnUnknownStreamIsRefusedWithTheServersMessage) {
  test::TempDir dir;
  Daemon daemon(dir, "  listen: 127.0.0.1:PORT\n");
  ASSERT_TRUE(daemon.process.ready()) << daemon.process.process().stderr_text();
  const auto file = dir.write("lines.txt", "one\n");
  const auto r =
      put(dir, daemon.process.config_path(), {"--file", file.string(), "--stream", "nope"});
  EXPECT_EQ(r.status.code, 1) << r.err;
  EXPECT_NE(r.err.find("canhose put: ResourceNotFoundException (HTTP 400): Firehose nope under "
                       "account 000000000000 not found."),
            std::string::npos)
      << r.err;
  const auto bad = put(dir, daemon.process.config_path(), {"--stream", "no spaces"});
  EXPECT_EQ(bad.status.code, 2) << bad.err;
}

TEST(CanhosePut, AFullQueueIsRetriedForRetryForThenExitsOneWithTheReason) {
  test::TempDir dir;
  Daemon daemon(dir, "  listen: 127.0.0.1:PORT\n",
                "queue:\n  max_bytes: 4MiB\n  segment_bytes: 1MiB\n  memory_buffer: 2MiB\n"
                "  when_full: drop_newest\n");
  ASSERT_TRUE(daemon.process.ready()) << daemon.process.process().stderr_text();
  std::string text;
  for (int i = 0; i < 800; ++i) {
    text += std::string(10'000, static_cast<char>('a' + i % 26)) + "\n";  // 8 MB in all
  }
  const auto file = dir.write("big.txt", text);
  const auto start = std::chrono::steady_clock::now();
  const auto r = put(dir, daemon.process.config_path(),
                     {"--file", file.string(), "--retry-for", "2s", "--verbose"});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status.code, 1) << r.err;
  EXPECT_GE(took, 2s);
  EXPECT_LT(took, 20s);
  EXPECT_TRUE(std::regex_search(r.err, std::regex("ServiceUnavailableException.*; again in")))
      << r.err;
  EXPECT_TRUE(std::regex_search(
      r.err, std::regex("ServiceUnavailableException.*; gave up after retrying for 2s "
                        "\\(--retry-for\\)")))
      << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      r.err, m,
      std::regex(
          R"(canhose put: (\d+) records of .* were accepted into stream edge-gw; line (\d+) is the first that was not)")))
      << r.err;
  EXPECT_GT(std::stoul(m[1]), 0u);
  EXPECT_LT(std::stoul(m[1]), 800u);
  EXPECT_EQ(daemon.accepted("edge-gw"), std::stod(m[1]));
}

TEST(CanhosePut, ServesHttpsWithThePinnedCertificateAndRefusesAnother) {
  test::TempDir dir;
  const test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  Daemon daemon(dir, "  listen: 127.0.0.1:PORT\n  tls_cert: " + pki.server_cert.string() +
                         "\n  tls_key: " + pki.server_key.string() + "\n");
  ASSERT_TRUE(daemon.process.ready()) << daemon.process.process().stderr_text();
  const auto file = dir.write("lines.txt", "secure\n");
  const auto ok = put(dir, daemon.process.config_path(), {"--file", file.string()});
  EXPECT_EQ(ok.status.code, 0) << ok.err;
  EXPECT_EQ(daemon.accepted("edge-gw"), 1);

  const auto other = dir.write(
      "other.yaml",
      "delivery:\n  stream: edge-gw\n  region: us-east-1\ningest:\n  listen: "
      "127.0.0.1:" +
          std::to_string(daemon.ingest_port) + "\n  tls_cert: " + pki.wrong_host_cert.string() +
          "\n  tls_key: " + pki.wrong_host_key.string() + "\n");
  const auto refused = put(dir, other, {"--file", file.string()});
  EXPECT_EQ(refused.status.code, 3) << refused.err;
  EXPECT_NE(refused.err.find("the certificate it presented is not the one in ingest.tls_cert (" +
                             pki.wrong_host_cert.string() + ")"),
            std::string::npos)
      << refused.err;
}

TEST(CanhosePut, SaysWhatIsMissingWhenCanhosedCannotBeReached) {
  test::TempDir dir;
  const auto off = dir.write("off.yaml", "delivery:\n  stream: edge-gw\n  region: us-east-1\n");
  const auto file = dir.write("lines.txt", "one\n");
  const auto not_set = put(dir, off, {"--file", file.string()});
  EXPECT_EQ(not_set.status.code, 2);
  EXPECT_NE(not_set.err.find("ingest.listen is not set in " + off.string()), std::string::npos)
      << not_set.err;

  const std::uint16_t port = test::free_loopback_port();
  const std::uint16_t metrics = test::free_loopback_port();
  const auto down = dir.write(
      "down.yaml", "metrics:\n  listen: 127.0.0.1:" + std::to_string(metrics) +
                       "\ndelivery:\n  stream: edge-gw\n  region: us-east-1\ningest:\n  listen: "
                       "127.0.0.1:" +
                       std::to_string(port) + "\n");
  const auto r = put(dir, down, {"--file", file.string()});
  EXPECT_EQ(r.status.code, 3);
  EXPECT_NE(r.err.find("canhosed is not running: nothing answers at http://127.0.0.1:" +
                       std::to_string(port)),
            std::string::npos)
      << r.err;
  EXPECT_EQ(put(dir, down, {"--file", (dir.path() / "none.txt").string()}).status.code, 2);
}

}  // namespace
}  // namespace canhose
