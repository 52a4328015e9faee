// A large backlog: how long the queue takes to open it, and its peak memory while
// delivery drains it in 500-record / 4 MiB batches.
//
//   CANHOSE_BENCH_BACKLOG_MB  backlog size in MiB (default 32 so the ctest smoke run is
//                             quick; use 1024 for the figures in docs/queue.md)
//   CANHOSE_BENCH_DIR         where to build it (default: the current directory)
//
// The drain acknowledges every record, so it consumes the backlog: it runs once, last.
// Peak RSS is read from /proc/self/status (VmHWM) after resetting it through
// /proc/self/clear_refs, so building the backlog does not count.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "asio/asio.hpp"
#include "bench/bench_files.hpp"
#include "log/logger.hpp"
#include "queue/queue.hpp"

namespace {

using namespace canhose;

std::uint64_t backlog_bytes() {
  const char* v = std::getenv("CANHOSE_BENCH_BACKLOG_MB");
  const std::uint64_t mb = v != nullptr ? std::strtoull(v, nullptr, 10) : 32;
  return std::max<std::uint64_t>(mb, 1) * 1024 * 1024;
}

queue::QueueOptions backlog_options() {
  queue::QueueOptions o;
  o.dir = bench::bench_path("backlog");
  o.fsync = queue::FsyncMode::never;
  o.max_bytes = 64ULL * 1024 * 1024 * 1024;
  return o;
}

// Removes the backlog when the program ends.
struct BacklogCleanup {
  ~BacklogCleanup() {
    std::error_code ignored;
    std::filesystem::remove_all(backlog_options().dir, ignored);
  }
} cleanup;

// Builds the backlog once per process (4 KiB records, default 16 MiB segments).
std::uint64_t ensure_backlog() {
  static std::uint64_t records = 0;
  if (records != 0) {
    return records;
  }
  log::logger().set_level(log::Severity::error);
  auto options = backlog_options();
  std::filesystem::remove_all(options.dir);
  asio::io_context io;
  auto opened = queue::Queue::open(io, options);
  if (!opened.queue) {
    return 0;
  }
  const std::string payload(4096, 'b');
  const std::uint64_t target = backlog_bytes();
  std::uint64_t last = 0;
  for (std::uint64_t bytes = 0; bytes < target; bytes += payload.size()) {
    last = opened.queue->append(std::string_view(payload)).seq;
    while (opened.queue->metrics().memory_bytes > options.memory_buffer_bytes / 2) {
      io.run_for(std::chrono::milliseconds(1));
    }
  }
  while (opened.queue->metrics().durable_seq < last) {
    io.run_for(std::chrono::milliseconds(1));
  }
  opened.queue->close();
  records = last;
  return records;
}

double status_kib(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      return std::strtod(line.c_str() + std::strlen(key) + 1, nullptr);
    }
  }
  return 0;
}

void reset_peak_rss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

void BM_OpenBacklog(benchmark::State& state) {
  const std::uint64_t records = ensure_backlog();
  if (records == 0) {
    state.SkipWithError("could not build the backlog");
    return;
  }
  asio::io_context io;
  std::uint64_t segments = 0;
  for (auto _ : state) {
    auto opened = queue::Queue::open(io, backlog_options());
    if (!opened.queue) {
      state.SkipWithError(opened.error.c_str());
      return;
    }
    segments = opened.queue->metrics().segments;
    state.PauseTiming();
    opened.queue->close();
    opened.queue.reset();
    state.ResumeTiming();
  }
  state.counters["backlog_MiB"] = static_cast<double>(backlog_bytes()) / (1024.0 * 1024.0);
  state.counters["segments"] = static_cast<double>(segments);
}

void BM_DrainBacklog(benchmark::State& state) {
  const std::uint64_t records = ensure_backlog();
  if (records == 0) {
    state.SkipWithError("could not build the backlog");
    return;
  }
  asio::io_context io;
  double peak_kib = 0;
  double before_kib = 0;
  std::uint64_t read = 0;
  for (auto _ : state) {
    auto opened = queue::Queue::open(io, backlog_options());
    if (!opened.queue) {
      state.SkipWithError(opened.error.c_str());
      return;
    }
    reset_peak_rss();
    before_kib = status_kib("VmRSS:");
    read = 0;
    while (true) {
      auto batch = opened.queue->read(500, 4 * 1024 * 1024);
      if (batch.records.empty()) {
        break;
      }
      read += batch.records.size();
      benchmark::DoNotOptimize(batch.records.back().data.data());
      // Delivered: acknowledge, as delivery does (segments behind the cursor go away).
      for (const auto& r : batch.records) {
        opened.queue->acknowledge(r.seq);
      }
      io.poll();
    }
    peak_kib = std::max(peak_kib, status_kib("VmHWM:"));
    opened.queue->close();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * read * 4096));
  state.counters["records"] = static_cast<double>(read);
  state.counters["backlog_MiB"] = static_cast<double>(backlog_bytes()) / (1024.0 * 1024.0);
  state.counters["rss_before_MiB"] = before_kib / 1024.0;
  state.counters["peak_rss_MiB"] = peak_kib / 1024.0;
}

BENCHMARK(BM_OpenBacklog)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DrainBacklog)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
