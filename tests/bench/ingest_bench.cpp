// The local ingest endpoint: PutRecordBatch of 500 x 100-byte records over one keep-alive
// connection from one client, each call answered once its records are durable in the
// queue (the contract), on the real disk.
//
//   canhose_ingest_bench [--benchmark_filter=...]
//   CANHOSE_BENCH_DIR: where the queue lives (default: the current directory, i.e. the real
//   disk rather than a tmpfs /tmp).
//
// Counters:
//   cpu_us_per_record  process CPU (every thread: the client, the event loop, the queue's
//                      worker) per record, from sending the request to reading the answer
//                      that says it is durable; the client sends one pre-encoded body, so
//                      its share is the socket calls only
//   items_per_second   records per second of wall time (one client, one call at a time)
//   max_rss_mib        the process's peak resident memory at the end

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include "asio/asio.hpp"
#include "bench/bench_files.hpp"
#include "ingest/ingest_server.hpp"
#include "ingest/queue_ingest_sink.hpp"
#include "log/logger.hpp"
#include "queue/queue.hpp"
#include "support/firehose_http_client.hpp"

namespace {

using namespace canhose;

// state.range(0): 0 = fsync always, 1 = fsync interval (the daemon's default, 200 ms).
void BM_IngestPutRecordBatch(benchmark::State& state) {
  log::logger().set_level(log::Severity::error);
  const auto dir = bench::fresh_bench_dir("ingest");
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  queue::QueueOptions queue_options;
  queue_options.dir = dir / "q";
  queue_options.fsync = state.range(0) == 0 ? queue::FsyncMode::always : queue::FsyncMode::interval;
  queue_options.max_bytes = 256ULL << 20;  // drop_oldest keeps the disk bounded in long runs
  queue_options.memory_buffer_bytes = 32ULL << 20;
  auto opened = queue::Queue::open(io, queue_options);
  if (!opened.queue) {
    state.SkipWithError(opened.error.c_str());
    return;
  }
  ingest::QueueIngestSink sink(*opened.queue);
  ingest::IngestOptions options;
  options.listen = "127.0.0.1:0";
  ingest::IngestServer server(io, options, {{"bench", "bench", &sink}});
  server.start();
  std::thread loop([&io] { io.run(); });

  std::vector<std::string> records;
  for (int i = 0; i < 500; ++i) {
    std::string r = "vehicle-" + std::to_string(i) + " 2026-11-25T17:15:31Z 52.5200 13.4050 ";
    r.resize(99, 'x');
    records.push_back(r + "\n");
  }
  const std::string body = test::put_record_batch_body("bench", records);
  auto client = test::FirehoseHttpClient::tcp(server.port());

  std::uint64_t calls = 0;
  const double cpu_start = bench::process_cpu_seconds();
  for (auto _ : state) {
    const auto reply = client.call("PutRecordBatch", body);
    if (reply.status != 200 || reply.body.find("\"FailedPutCount\":0") == std::string::npos) {
      state.SkipWithError(("refused: " + reply.body.substr(0, 200)).c_str());
      break;
    }
    ++calls;
  }
  const double cpu = bench::process_cpu_seconds() - cpu_start;
  const double record_count = static_cast<double>(calls * records.size());
  state.SetItemsProcessed(static_cast<std::int64_t>(record_count));
  state.counters["cpu_us_per_record"] = record_count > 0 ? cpu / record_count * 1e6 : 0;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["max_rss_mib"] = static_cast<double>(usage.ru_maxrss) / 1024.0;

  std::promise<void> stopped;
  asio::post(io, [&] {
    server.async_stop(std::chrono::steady_clock::now() + std::chrono::seconds(5),
                      [&] { stopped.set_value(); });
  });
  stopped.get_future().wait();
  work.reset();
  io.stop();
  loop.join();
  opened.queue->close();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_IngestPutRecordBatch)->Arg(0)->Arg(1)->ArgName("fsync_interval")->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
