// Delivery benchmarks for issue 5: the real Queue (fsync=interval, durability on) +
// FirehoseDelivery + FirehoseClient (SigV4) + HttpsTransport, against a local HTTPS server
// on 127.0.0.1, with 100-byte newline-terminated records.
//
// The server (the Beast TLS test server answering PutRecordBatch with one RecordId per
// record) runs in a forked child process started before any thread exists, so
// getrusage(RUSAGE_SELF) counts canhose's CPU only (event loop, queue worker, resolver).
//
//   BM_DrainBacklog/pack:{1,0}    records/s and CPU µs per record delivered, draining a
//                                 durable backlog (appending is untimed); wire bytes per
//                                 payload byte; requests per 1,000 records.
//   BM_AppendAndDeliver/pack:...  the same with appending (and its fsyncs) running
//                                 concurrently and counted in the CPU.
//   BM_Billing/pack/rate/bytes    billed bytes per payload byte (each Firehose record billed in
//                                 5 KB = 5,120-byte steps), requests per 1,000 records and the
//                                 longest wait (append to send) at `rate` records of `bytes`
//                                 bytes a second with the shipped delivery settings, run
//                                 100x faster: the real
//                                 delivery with flush_interval / 100 and records appended
//                                 every 10 ms (fsync=always, so a record is readable as soon
//                                 as it is appended). billed_per_payload counts the requests
//                                 sent while records kept coming; _all adds the final drain.
//   BM_PeakRss/backlog_mb:N       VmHWM of a fresh process that drains an N MiB backlog
//                                 (N = 0: an empty queue that 1,000 records pass through).
//                                 CANHOSE_BENCH_BACKLOG_MB sets the large backlog (default 16).
//                                 Also VmRSS when the drain starts and when it is done.
//                                 CANHOSE_BENCH_HEAPTRACK=<prefix> runs that process under
//                                 heaptrack (-o <prefix>), for heaptrack_print.
//
// Environment: CANHOSE_BENCH_RECORDS (records per iteration of the first two, default
// 100,000), CANHOSE_BENCH_BILLING_SECONDS (simulated seconds per billing case, default 600),
// CANHOSE_BENCH_BILLING_FLUSH_S (the billing cases' simulated flush_interval in seconds,
// default the shipped one), CANHOSE_BENCH_LIMIT_S (a run that takes longer fails with the
// pipeline's state, default 600). The flush interval of the first two is 5 ms, so an
// iteration's last, partial batch is not held for the default two minutes (a backlog's
// other batches are full anyway). Wire bytes are request bodies
// (FirehoseDelivery::counters().wire_bytes): HTTP headers and TLS framing are not counted.
//
//   cmake --preset release && cmake --build --preset release --target canhose_delivery_bench
//   CANHOSE_BENCH_BACKLOG_MB=1024 build/release/tests/bench/canhose_delivery_bench
//
// Instructions per record: the first two benchmarks bracket exactly the window their CPU
// time covers with CALLGRIND_START/STOP_INSTRUMENTATION (no-ops outside valgrind), so
//   CANHOSE_BENCH_RECORDS=100000 valgrind --tool=callgrind --instr-atstart=no
//     build/release/tests/bench/canhose_delivery_bench --benchmark_filter='Drain.*pack:0'
// counts canhose's instructions (all its threads; not the forked server, which never
// starts instrumenting) for iterations x CANHOSE_BENCH_RECORDS records (docs/delivery.md).

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "asio/asio.hpp"
#include "aws/cached_credentials.hpp"
#include "aws/clock_offset.hpp"
#include "aws/crypto.hpp"
#include "aws/firehose_client.hpp"
#include "aws/static_credentials_provider.hpp"
#include "bench/bench_files.hpp"
#include "delivery/firehose_delivery.hpp"
#include "https/https_transport.hpp"
#include "queue/queue.hpp"
#include "service/malloc_arenas.hpp"
#include "support/accepting_firehose.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate_authority.hpp"
#include "support/tls_test_server.hpp"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

namespace {

using namespace canhose;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kRecordBytes = 100;
constexpr std::uint64_t kBillingUnit = 5120;  // Firehose bills each record in 5 KB steps
constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::string_view kDataKey = R"({"Data":")";

// ---------------------------------------------------------------------------------------
// The server process.

// Runs in the forked child until the parent closes `control` (or dies). Never returns.
[[noreturn]] void serve(const test::TestCertificate& cert, int control, int report) {
  std::map<std::size_t, std::string> responses;  // by record count; server thread only
  test::TlsTestServerOptions options;
  options.cert_file = cert.cert_file.string();
  options.key_file = cert.key_file.string();
  test::TlsTestServer server(options, [&responses](const test::TestRequest& request) {
    const std::size_t count = test::count_put_records(request.body);
    auto it = responses.find(count);
    if (it == responses.end()) {
      it = responses.emplace(count, test::accepted_put_record_batch_response(count)).first;
    }
    test::TestReply reply;
    reply.headers = {{"Content-Type", "application/x-amz-json-1.1"}};
    reply.body = it->second;
    return reply;
  });
  const std::uint16_t port = server.port();
  if (write(report, &port, sizeof port) != sizeof port) {
    _exit(1);
  }
  char byte = 0;
  while (read(control, &byte, 1) > 0) {
  }
  _exit(0);  // no destructors: the parent owns the files
}

struct ServerProcess {
  std::unique_ptr<test::TempDir> dir;
  std::unique_ptr<test::TestCertificateAuthority> ca;
  pid_t pid = -1;
  int control = -1;  // closing it stops the server
  std::uint16_t port = 0;
  std::string ca_file;

  // Must run before any thread exists (fork).
  void start() {
    dir = std::make_unique<test::TempDir>();
    ca = std::make_unique<test::TestCertificateAuthority>(dir->path(), "ca");
    const test::TestCertificate cert = ca->issue_localhost_server("server");
    ca_file = ca->certificate().cert_file.string();
    int control_pipe[2];
    int report_pipe[2];
    if (pipe2(control_pipe, O_CLOEXEC) != 0 || pipe2(report_pipe, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    pid = fork();
    if (pid < 0) {
      throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
      close(control_pipe[1]);
      close(report_pipe[0]);
      serve(cert, control_pipe[0], report_pipe[1]);
    }
    close(control_pipe[0]);
    close(report_pipe[1]);
    control = control_pipe[1];
    if (read(report_pipe[0], &port, sizeof port) != sizeof port) {
      throw std::runtime_error("the server process did not start");
    }
    close(report_pipe[0]);
  }

  void stop() {
    if (pid > 0) {
      close(control);
      int status = 0;
      waitpid(pid, &status, 0);
      pid = -1;
    }
  }
};

ServerProcess g_server;

// ---------------------------------------------------------------------------------------
// The pipeline under test, wired as lib/service/composition_root.cpp wires it.

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::strtoull(value, nullptr, 10) : fallback;
}

// Called with every PutRecordBatch body before it is sent (billing accounting).
using BodyTap = std::function<void(std::string_view body)>;

class Pipeline {
 public:
  Pipeline(std::uint16_t port, const std::string& ca_file, queue::QueueOptions queue_options)
      : provider_(test_credentials()),
        credentials_(io_.get_executor(), provider_, {}, [this] { return clock_.now(); }) {
    https::HttpsTransportOptions transport_options;
    transport_options.tls.ca_file = ca_file;
    transport_options.proxy = "none";
    transport_ = std::make_unique<https::HttpsTransport>(io_.get_executor(), transport_options);
    client_ = std::make_unique<aws::FirehoseClient>(io_.get_executor(), *transport_, credentials_,
                                                    clock_, "us-east-1",
                                                    https::Endpoint{"https", "127.0.0.1", port});
    credentials_.start();
    queue::Queue::OpenResult opened = queue::Queue::open(io_, std::move(queue_options));
    if (!opened.queue) {
      throw std::runtime_error("cannot open the queue: " + opened.error);
    }
    queue_ = std::move(opened.queue);
  }
  ~Pipeline() {
    delivery_.reset();
    queue_->close();
  }

  asio::io_context& io() { return io_; }
  queue::Queue& queue() { return *queue_; }
  delivery::FirehoseDelivery& delivery() { return *delivery_; }

  void start_delivery(delivery::DeliveryOptions options, BodyTap tap = nullptr) {
    options.stream = "edge-gw";
    options.region = "us-east-1";
    options.summary_interval = std::chrono::hours(1);
    delivery_ = std::make_unique<delivery::FirehoseDelivery>(
        io_, *queue_, std::move(options),
        [this, tap = std::move(tap)](
            std::shared_ptr<const std::string> body, std::size_t count,
            std::function<void(delivery::FirehoseDelivery::Outcome)> done) {
          if (tap) {
            tap(*body);
          }
          client_->put_record_batch(std::move(body), count, std::move(done));
        },
        1);
    delivery_->start();
  }
  void stop_delivery() { delivery_.reset(); }

  // Appends `count` lines of `bytes` bytes (at least 21: an id of up to 20 digits and the
  // newline), pacing itself so the queue's memory buffer never fills.
  void append(std::uint64_t count, std::size_t bytes = kRecordBytes) {
    std::string line(std::max<std::size_t>(bytes, 21), 'x');
    line.back() = '\n';
    for (std::uint64_t i = 0; i < count; ++i) {
      std::to_chars(line.data(), line.data() + 20, next_id_++);
      if (!queue_->append(line).accepted()) {
        throw std::runtime_error("the queue refused a record");
      }
      if (i % 1024 == 1023) {
        while (queue_->metrics().memory_bytes > 4 * kMiB) {
          io_.run_for(1ms);
        }
      }
    }
  }

  // Runs the event loop until `done()` (checked after every handler) or the limit.
  void run_until(const std::function<bool()>& done,
                 Clock::duration limit = std::chrono::seconds(env_or("CANHOSE_BENCH_LIMIT_S",
                                                                     600))) {
    const auto deadline = Clock::now() + limit;
    while (!done()) {
      if (Clock::now() > deadline) {
        throw std::runtime_error("the pipeline did not finish in time: " + describe());
      }
      io_.run_one_for(10ms);
    }
  }

  // Runs the event loop until `t`.
  void run_until_time(Clock::time_point t) {
    while (Clock::now() < t) {
      io_.run_one_until(t);
    }
  }

  std::string describe() const {
    const queue::QueueMetrics m = queue_->metrics();
    std::string s = "queue next " + std::to_string(m.next_seq) + " durable " +
                    std::to_string(m.durable_seq) + " acked to " + std::to_string(m.ack_seq);
    if (delivery_) {
      const delivery::DeliveryCounters& c = delivery_->counters();
      s += "; delivery: " + delivery_->status() + ", " + std::to_string(c.requests_ok) +
           " requests ok, " + std::to_string(c.requests_failed) + " failed, in flight " +
           std::to_string(delivery_->in_flight()) + ", last error: " + delivery_->last_error();
    }
    return s;
  }

  void wait_durable() {
    run_until([this] {
      const queue::QueueMetrics m = queue_->metrics();
      return m.durable_seq + 1 >= m.next_seq;
    });
  }

 private:
  static aws::Credentials test_credentials() {
    aws::Credentials c;
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = base::Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    return c;
  }

  asio::io_context io_{1};
  // Without it the loop stops whenever it runs out of work (before delivery starts).
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  aws::ClockOffset clock_;
  aws::StaticCredentialsProvider provider_;
  aws::CachedCredentials credentials_;
  std::unique_ptr<https::HttpsTransport> transport_;
  std::unique_ptr<aws::FirehoseClient> client_;
  std::unique_ptr<queue::Queue> queue_;
  std::unique_ptr<delivery::FirehoseDelivery> delivery_;
  std::uint64_t next_id_ = 1;
};

queue::QueueOptions durable_queue(const std::filesystem::path& dir, std::uint64_t max_bytes) {
  queue::QueueOptions q;
  q.dir = dir;
  q.fsync = queue::FsyncMode::interval;  // the default: durability on
  q.max_bytes = max_bytes;
  return q;
}

void report_counters(benchmark::State& state, const delivery::DeliveryCounters& c,
                     std::uint64_t records, double cpu, double wall) {
  const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  state.counters["records_per_s"] = d(records) / wall;
  state.counters["cpu_us_per_record"] = cpu / d(records) * 1e6;
  state.counters["wire_per_payload"] = d(c.wire_bytes) / d(c.payload_bytes_delivered);
  state.counters["requests_per_1000"] = d(c.requests_ok + c.requests_failed) * 1000 / d(records);
  state.counters["fh_records_per_1000"] = d(c.firehose_records_sent) * 1000 / d(records);
  state.counters["failed_requests"] = d(c.requests_failed);
}

delivery::DeliveryOptions throughput_options(bool pack, const std::filesystem::path& dir) {
  delivery::DeliveryOptions o;
  o.pack = pack;
  // Short, so the last partial batch of an iteration is not held for the default two minutes;
  // a backlog's batches are full anyway.
  o.flush_interval = 5ms;
  o.dead_letter_dir = dir / "dead-letter";
  return o;
}

// Drains a durable backlog of `per_iteration` records each iteration; the appending and
// the wait for its fsync are not timed.
void BM_DrainBacklog(benchmark::State& state) {
  const bool pack = state.range(0) != 0;
  const std::uint64_t per_iteration = env_or("CANHOSE_BENCH_RECORDS", 100'000);
  test::TempDir dir;
  Pipeline p(g_server.port, g_server.ca_file, durable_queue(dir.path() / "queue", 4096 * kMiB));
  delivery::DeliveryCounters total;
  std::uint64_t records = 0;
  double cpu = 0;
  double wall = 0;
  for (auto _ : state) {
    p.append(per_iteration);
    p.wait_durable();
    const double cpu_start = bench::process_cpu_seconds();
    const auto start = Clock::now();
    CALLGRIND_START_INSTRUMENTATION;
    p.start_delivery(throughput_options(pack, dir.path()));
    p.run_until([&] { return p.delivery().counters().records_delivered == per_iteration; });
    const delivery::DeliveryCounters c = p.delivery().counters();
    p.stop_delivery();
    CALLGRIND_STOP_INSTRUMENTATION;
    const double elapsed = seconds_since(start);
    cpu += bench::process_cpu_seconds() - cpu_start;
    wall += elapsed;
    state.SetIterationTime(elapsed);
    records += c.records_delivered;
    total.payload_bytes_delivered += c.payload_bytes_delivered;
    total.wire_bytes += c.wire_bytes;
    total.requests_ok += c.requests_ok;
    total.requests_failed += c.requests_failed;
    total.firehose_records_sent += c.firehose_records_sent;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  report_counters(state, total, records, cpu, wall);
}

// Appends and delivers at the same time: the CPU counts appending, writing and fsync too.
void BM_AppendAndDeliver(benchmark::State& state) {
  const bool pack = state.range(0) != 0;
  const std::uint64_t per_iteration = env_or("CANHOSE_BENCH_RECORDS", 100'000);
  test::TempDir dir;
  Pipeline p(g_server.port, g_server.ca_file, durable_queue(dir.path() / "queue", 4096 * kMiB));
  p.start_delivery(throughput_options(pack, dir.path()));
  std::uint64_t target = 0;
  double cpu = 0;
  double wall = 0;
  for (auto _ : state) {
    const double cpu_start = bench::process_cpu_seconds();
    const auto start = Clock::now();
    target += per_iteration;
    CALLGRIND_START_INSTRUMENTATION;
    p.append(per_iteration);
    p.run_until([&] { return p.delivery().counters().records_delivered == target; });
    CALLGRIND_STOP_INSTRUMENTATION;
    const double elapsed = seconds_since(start);
    cpu += bench::process_cpu_seconds() - cpu_start;
    wall += elapsed;
    state.SetIterationTime(elapsed);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(target));
  report_counters(state, p.delivery().counters(), target, cpu, wall);
}

// Billing at `rate` records/s with the shipped delivery settings (DeliveryOptions{}: what
// canhosed uses when the config does not say), time scaled down 100x: a simulated second
// is 10 ms, and so is every duration of the settings that shapes batches (flush_interval).
void BM_Billing(benchmark::State& state) {
  const bool pack = state.range(0) != 0;
  const auto rate = static_cast<std::uint64_t>(state.range(1));  // records per simulated s
  const auto record_bytes = static_cast<std::size_t>(state.range(2));
  const std::uint64_t simulated_seconds = env_or("CANHOSE_BENCH_BILLING_SECONDS", 600);
  constexpr auto kSimulatedSecond = 10ms;
  constexpr int kSpeedUp = 100;  // 1 s / kSimulatedSecond
  test::TempDir dir;
  queue::QueueOptions q = durable_queue(dir.path() / "queue", 1024 * kMiB);
  q.fsync = queue::FsyncMode::always;
  Pipeline p(g_server.port, g_server.ca_file, q);
  struct Tally {
    std::uint64_t billed = 0;
    std::uint64_t payload = 0;
    std::uint64_t firehose_records = 0;
    std::uint64_t requests = 0;
  };
  Tally all;
  double max_wait_s = 0;  // simulated seconds from append to send, oldest line of a request
  auto start = Clock::now();
  const auto tap = [&](std::string_view body) {
    ++all.requests;
    bool first = true;
    for (std::size_t at = body.find(kDataKey); at != std::string_view::npos;
         at = body.find(kDataKey, at)) {
      at += kDataKey.size();
      const std::size_t end = body.find('"', at);
      const std::string_view b64 = body.substr(at, end - at);
      std::uint64_t bytes = b64.size() / 4 * 3;
      bytes -= (b64.ends_with("==") ? 2 : b64.ends_with("=") ? 1 : 0);
      all.payload += bytes;
      all.billed += (bytes + kBillingUnit - 1) / kBillingUnit * kBillingUnit;
      ++all.firehose_records;
      if (first) {
        // The line starts with its id: record `id` was appended in simulated second
        // (id - 1) / rate.
        first = false;
        const std::string head = aws::crypto::base64_decode(b64.substr(0, 28)).value_or("");
        std::uint64_t id = 0;
        std::from_chars(head.data(), head.data() + head.size(), id);
        const double sent = std::chrono::duration<double>(Clock::now() - start) / kSimulatedSecond;
        max_wait_s = std::max(max_wait_s, sent - static_cast<double>((id - 1) / rate));
      }
    }
  };
  delivery::DeliveryOptions o;
  const delivery::DeliveryOptions shipped;
  o.pack = pack;
  const std::chrono::milliseconds flush = std::chrono::seconds(
      env_or("CANHOSE_BENCH_BILLING_FLUSH_S",
             std::chrono::duration_cast<std::chrono::seconds>(shipped.flush_interval).count()));
  o.flush_interval = flush / kSpeedUp;  // in milliseconds: a second / 100 is 10 ms, not 0
  o.dead_letter_dir = dir.path() / "dead-letter";
  p.start_delivery(o, tap);
  std::uint64_t target = 0;
  Tally steady;  // what was sent while records kept coming (without the final drain)
  for (auto _ : state) {
    start = Clock::now();
    auto next = start;
    for (std::uint64_t s = 0; s < simulated_seconds; ++s) {
      p.append(rate, record_bytes);
      target += rate;
      next += kSimulatedSecond;
      p.run_until_time(next);
    }
    steady = all;
    p.run_until([&] { return p.delivery().counters().records_delivered == target; });
    if (steady.payload == 0) {
      steady = all;  // a run shorter than flush_interval: only the final drain sent anything
    }
  }
  const delivery::DeliveryCounters& c = p.delivery().counters();
  const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  state.counters["billed_per_payload"] = d(steady.billed) / d(steady.payload);
  state.counters["billed_per_payload_all"] = d(all.billed) / d(all.payload);
  state.counters["requests_per_1000"] = d(all.requests) * 1000 / d(target);
  state.counters["records_per_request"] = d(target) / d(all.requests);
  state.counters["fh_records_per_request"] = d(all.firehose_records) / d(all.requests);
  state.counters["wire_per_payload"] = d(c.wire_bytes) / d(c.payload_bytes_delivered);
  state.counters["max_wait_s"] = max_wait_s;
}

// ---------------------------------------------------------------------------------------
// Peak RSS, measured in a fresh process (--rss-child) so earlier benchmarks' heap does not
// count. It sets malloc up as canhosed does (one arena).

std::uint64_t status_kb(std::string_view key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(key)) {
      return std::strtoull(line.c_str() + key.size(), nullptr, 10);
    }
  }
  return 0;
}

// The child: fills a backlog of `backlog_mb` MiB (no delivery), closes the queue, gives
// the heap the filling freed back to the system (a restarted daemon would not have it),
// resets the peak RSS, reopens the queue as a restarted daemon would and drains it. Prints
// "vmhwm_kb=<n> start_kb=<n> end_kb=<n> records=<n> seconds=<s>" (start: VmRSS before
// the queue is reopened; end: once the backlog is delivered).
int rss_child(std::uint64_t backlog_mb, std::uint16_t port, const std::string& ca_file) {
  test::TempDir dir;
  const std::uint64_t max_bytes = (backlog_mb + 256) * kMiB;
  const std::uint64_t records = backlog_mb == 0 ? 1000 : backlog_mb * kMiB / kRecordBytes;
  if (backlog_mb > 0) {
    Pipeline fill(port, ca_file, durable_queue(dir.path() / "queue", max_bytes));
    fill.append(records);
    fill.wait_durable();
  }
  malloc_trim(0);
  std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM := VmRSS from here on
  const std::uint64_t start_kb = status_kb("VmRSS:");
  const auto start = Clock::now();
  Pipeline p(port, ca_file, durable_queue(dir.path() / "queue", max_bytes));
  delivery::DeliveryOptions o;
  o.dead_letter_dir = dir.path() / "dead-letter";
  o.flush_interval = 5ms;  // the last, partial batch is not held for the default two minutes
  p.start_delivery(o);
  if (backlog_mb == 0) {
    // An empty queue: a few records go through, so the connection and the send path exist.
    p.append(records);
  }
  p.run_until([&] { return p.delivery().counters().records_delivered == records; });
  std::cout << "vmhwm_kb=" << status_kb("VmHWM:") << " start_kb=" << start_kb
            << " end_kb=" << status_kb("VmRSS:") << " records=" << records
            << " seconds=" << seconds_since(start) << std::endl;
  return 0;
}

std::string self_exe() {
  return std::filesystem::read_symlink("/proc/self/exe").string();
}

std::uint64_t field(const std::string& text, const std::string& key) {
  const std::size_t at = text.find(key + "=");
  if (at == std::string::npos) {
    throw std::runtime_error("no " + key + " in: " + text);
  }
  return std::strtoull(text.c_str() + at + key.size() + 1, nullptr, 10);
}

void BM_PeakRss(benchmark::State& state) {
  const auto backlog_mb = static_cast<std::uint64_t>(state.range(0));
  test::TempDir out;
  for (auto _ : state) {
    std::vector<std::string> args = {"--rss-child", std::to_string(backlog_mb),
                                     std::to_string(g_server.port), g_server.ca_file};
    std::string program = self_exe();
    if (const char* prefix = std::getenv("CANHOSE_BENCH_HEAPTRACK")) {
      args.insert(args.begin(), {"-o", prefix, program});
      program = "/usr/bin/heaptrack";
    }
    const test::RunResult r = test::run_program(program, args, out.path(), 1800s);
    if (!r.status.exited || r.status.code != 0) {
      state.SkipWithError(("the child failed: " + r.err).c_str());
      return;
    }
    state.counters["vmhwm_mib"] = static_cast<double>(field(r.out, "vmhwm_kb")) / 1024;
    state.counters["start_mib"] = static_cast<double>(field(r.out, "start_kb")) / 1024;
    state.counters["end_mib"] = static_cast<double>(field(r.out, "end_kb")) / 1024;
    state.counters["records"] = static_cast<double>(field(r.out, "records"));
  }
}

BENCHMARK(BM_DrainBacklog)
    ->ArgName("pack")
    ->Arg(1)
    ->Arg(0)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AppendAndDeliver)
    ->ArgName("pack")
    ->Arg(1)
    ->Arg(0)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Billing)
    ->ArgNames({"pack", "rate", "bytes"})
    ->Args({1, 1, 100})
    ->Args({0, 1, 100})
    ->Args({1, 10, 100})
    ->Args({0, 10, 100})
    ->Args({1, 1000, 100})
    ->Args({0, 1000, 100})
    ->Args({1, 1, 61})  // the course's vehicles: 61 payload bytes a second (issue 15)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PeakRss)
    ->ArgName("backlog_mb")
    ->Arg(0)
    ->Arg(static_cast<std::int64_t>(env_or("CANHOSE_BENCH_BACKLOG_MB", 16)))
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string_view(argv[1]) == "--rss-child") {
    canhose::service::use_one_malloc_arena();  // as canhosed's main() does
    return rss_child(std::strtoull(argv[2], nullptr, 10),
                     static_cast<std::uint16_t>(std::strtoul(argv[3], nullptr, 10)), argv[4]);
  }
  signal(SIGPIPE, SIG_IGN);
  g_server.start();  // before any thread: it forks
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    g_server.stop();
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_server.stop();
  return 0;
}
