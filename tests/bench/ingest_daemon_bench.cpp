// canhosed as a whole under a sustained flood of local producer records: one client sends
// PutRecordBatch calls of 500 x 100-byte records over one keep-alive connection to
// ingest.listen, each answered once durable (queue.fsync interval, the default), while
// canhosed delivers them to a local HTTPS Firehose that accepts everything (the TLS test
// server, so the peer costs little next to canhosed). The daemon is a real process started
// on a real config file; its CPU and memory are read from /proc.
//
//   canhose_ingest_daemon_bench --benchmark_min_time=20   (seconds of flood; default 0.5)
//   TMPDIR: where the state directory lives (default /tmp: on this machine the disk; where
//   /tmp is a tmpfs, give a directory on the disk to measure fsync's share).
//
// Counters:
//   cpu_us_per_record  canhosed's CPU (every thread: event loop, queue worker, TLS) per
//                      record from the request to Firehose's acceptance; the flood lasts
//                      until every record sent is delivered
//   rss_mib_first      canhosed's resident memory 10 s into the flood (0 if shorter)
//   rss_mib_last       and at its end: flat if the two are close however long the flood
//   rss_mib_max        the most seen (sampled every 100 ms)
//   backlog_at_end     records accepted but not yet delivered when the flood stopped
//   items_per_second   records delivered per second of wall time

#include <benchmark/benchmark.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "cli/prometheus_text.hpp"
#include "support/accepting_firehose.hpp"
#include "support/canhosed_process.hpp"
#include "support/firehose_http_client.hpp"
#include "support/loopback_http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate_authority.hpp"
#include "support/test_paths.hpp"
#include "support/tls_test_server.hpp"

namespace {

using namespace canhose;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// utime + stime of process `pid`, in seconds (/proc/<pid>/stat fields 14 and 15).
double process_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(in, text);  // one line
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) {
      ticks += std::stod(field);
    }
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stod(line.substr(6)) / 1024.0;  // kB
    }
  }
  return 0;
}

std::uint16_t logged_port(const test::ChildProcess& child, const std::string& pattern) {
  std::smatch m;
  const std::string err = child.stderr_text();
  if (!std::regex_search(err, m, std::regex(pattern))) {
    throw std::runtime_error("no port in canhosed's log: " + err);
  }
  return static_cast<std::uint16_t>(std::stoi(m[1]));
}

// Reads a counter's value (the sum of its samples) from the metrics text.
// The sum of every sample of `name` (e.g. over its `stream` labels).
double metric_sum(const std::string& text, const std::string& name) {
  double sum = 0;
  const cli::PrometheusText page = cli::PrometheusText::parse(text);  // samples() refers into it
  for (const auto& sample : page.samples(name)) {
    sum += sample.value;
  }
  return sum;
}

void BM_DaemonIngestFloodToDelivered(benchmark::State& state) {
  test::TempDir dir;  // $TMPDIR: point it at the disk to measure, e.g. TMPDIR=$PWD
  test::TestCertificateAuthority ca(dir.path(), "ca");
  const test::TestCertificate cert = ca.issue_localhost_server("firehose");
  test::TlsTestServerOptions server_options;
  server_options.cert_file = cert.cert_file.string();
  server_options.key_file = cert.key_file.string();
  test::TlsTestServer firehose(server_options, [](const test::TestRequest& request) {
    test::TestReply reply;
    reply.headers = {{"Content-Type", "application/x-amz-json-1.1"}};
    reply.body = test::accepted_put_record_batch_response(test::count_put_records(request.body));
    return reply;
  });

  const std::string config = "service: {state_dir: " + (dir.path() / "state").string() +
                             "}\n"
                             "log: {level: info}\n"
                             "metrics: {listen: \"127.0.0.1:0\"}\n"
                             "record: {period: 1h}\n"
                             "queue: {fsync: always}\n"
                             "credentials: {source: static, access_key_id: AKIDBENCH, "
                             "secret_access_key: bench-secret}\n"
                             "delivery: {stream: bench, region: us-east-1, endpoint: "
                             "\"https://127.0.0.1:" +
                             std::to_string(firehose.port()) +
                             "\", ca_file: " + ca.certificate().cert_file.string() +
                             ", flush_interval: 100ms, concurrency: 4}\n"
                             "ingest: {listen: \"127.0.0.1:0\"}\n";
  test::CanhosedProcess daemon(CANHOSED_PATH, dir.path(), config);
  if (!daemon.ready()) {
    state.SkipWithError(("canhosed did not start: " + daemon.process().stderr_text()).c_str());
    return;
  }
  const pid_t pid = daemon.process().pid();
  const std::uint16_t ingest_port =
      logged_port(daemon.process(), R"(local producers at http://127\.0\.0\.1:(\d+))");
  const std::uint16_t metrics_port =
      logged_port(daemon.process(), R"(metrics at http://127\.0\.0\.1:(\d+)/metrics)");
  const auto scrape = [&] {
    test::LoopbackHttpTarget target;
    target.port = metrics_port;
    return test::loopback_http_request(target, "GET", "/metrics").body;
  };

  std::vector<std::string> records;
  for (int i = 0; i < 500; ++i) {
    std::string r = "vehicle-" + std::to_string(i) + " 2026-11-25T17:15:31Z 52.5200 13.4050 ";
    r.resize(99, 'x');
    records.push_back(r + "\n");
  }
  const std::string body = test::put_record_batch_body("bench", records);
  auto client = test::FirehoseHttpClient::tcp(ingest_port);

  std::uint64_t sent = 0;
  double rss_first = 0;
  double rss_max = 0;
  const auto start = Clock::now();
  auto next_sample = start + 100ms;
  const double cpu_start = process_cpu_seconds(pid);
  for (auto _ : state) {
    const auto reply = client.call("PutRecordBatch", body);
    if (reply.status != 200 || reply.body.find("\"FailedPutCount\":0") == std::string::npos) {
      state.SkipWithError(("refused: " + reply.body.substr(0, 200)).c_str());
      return;
    }
    sent += records.size();
    if (Clock::now() >= next_sample) {
      next_sample += 100ms;
      const double rss = rss_mib(pid);
      rss_max = std::max(rss_max, rss);
      if (rss_first == 0 && Clock::now() - start >= 10s) {
        rss_first = rss;
      }
    }
  }
  const double rss_last = rss_mib(pid);
  const double backlog =
      static_cast<double>(sent) - metric_sum(scrape(), "canhose_delivery_records_total");
  // Until canhosed has delivered everything it was sent.
  while (metric_sum(scrape(), "canhose_delivery_records_total") < static_cast<double>(sent)) {
    if (Clock::now() - start > 10min) {
      state.SkipWithError("canhosed did not deliver the flood within 10 minutes");
      return;
    }
    std::this_thread::sleep_for(50ms);
  }
  const double cpu = process_cpu_seconds(pid) - cpu_start;
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  state.counters["cpu_us_per_record"] = cpu / static_cast<double>(sent) * 1e6;
  state.counters["rss_mib_first"] = rss_first;
  state.counters["rss_mib_last"] = rss_last;
  state.counters["rss_mib_max"] = rss_max;
  state.counters["backlog_at_end"] = backlog;
  state.counters["items_per_second"] = static_cast<double>(sent) / wall;
  daemon.process().signal(SIGTERM);
  daemon.process().wait_for(30s);
}
BENCHMARK(BM_DaemonIngestFloodToDelivered)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
