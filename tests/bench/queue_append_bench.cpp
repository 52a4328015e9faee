// Append throughput of the write-ahead queue under each fsync mode, against plain
// write()+fdatasync loops of the same payload bytes on the same disk in the same run.
//
//   canhose_queue_append_bench [--benchmark_filter=...]
//   CANHOSE_BENCH_DIR: where to write (default: the current directory, i.e. the real disk
//   rather than a tmpfs /tmp).
//
// Counters: items_per_second = appends/s; bytes_per_second = payload MB/s (durable at the
// end of the run); fsyncs_per_s; write_amp = bytes on disk per payload byte.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "asio/asio.hpp"
#include "bench/bench_files.hpp"
#include "log/logger.hpp"
#include "queue/queue.hpp"

namespace {

using namespace canhose;

const queue::FsyncMode kModes[] = {queue::FsyncMode::always, queue::FsyncMode::interval,
                                   queue::FsyncMode::never};

void BM_QueueAppend(benchmark::State& state) {
  log::logger().set_level(log::Severity::error);
  const auto mode = kModes[state.range(0)];
  const auto size = static_cast<std::size_t>(state.range(1));
  const auto dir = bench::fresh_bench_dir("append");
  asio::io_context io;
  queue::QueueOptions options;
  options.dir = dir / "q";
  options.fsync = mode;
  options.max_bytes = 64ULL * 1024 * 1024 * 1024;  // never the limit here
  options.memory_buffer_bytes = 32ULL * 1024 * 1024;
  auto opened = queue::Queue::open(io, options);
  if (!opened.queue) {
    state.SkipWithError(opened.error.c_str());
    return;
  }
  queue::Queue& q = *opened.queue;
  const std::string payload(size, 'p');
  std::uint64_t last = 0;
  std::uint64_t n = 0;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    auto r = q.append(std::string_view(payload));
    if (!r.accepted()) {
      state.SkipWithError("append refused");
      break;
    }
    last = r.seq;
    // A source faster than the disk: let the queue catch up before memory fills.
    if ((++n & 255U) == 0 && q.metrics().memory_bytes > options.memory_buffer_bytes / 2) {
      while (q.metrics().memory_bytes > options.memory_buffer_bytes / 4) {
        io.poll();
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    }
  }
  // Count the time until the last record is durable.
  while (q.metrics().durable_seq < last) {
    io.poll();
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto m = q.metrics();
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.SetBytesProcessed(static_cast<std::int64_t>(n * size));
  state.counters["fsyncs_per_s"] = static_cast<double>(m.fsyncs) / seconds;
  state.counters["write_amp"] =
      static_cast<double>(m.bytes_queued - m.memory_bytes) / static_cast<double>(n * size);
  state.counters["wall_MBps"] = static_cast<double>(n * size) / seconds / 1e6;
  q.close();
  opened.queue.reset();
  std::filesystem::remove_all(dir);
}

// write() each record, fdatasync every `sync_every` records (0: only at the end).
void plain_loop(benchmark::State& state, std::size_t size, std::int64_t sync_every) {
  const auto dir = bench::fresh_bench_dir("plain");
  const int fd = ::open((dir / "plain.dat").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0640);
  const std::string payload(size, 'p');
  std::int64_t n = 0;
  std::uint64_t syncs = 0;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    if (::write(fd, payload.data(), payload.size()) != static_cast<ssize_t>(payload.size())) {
      state.SkipWithError("write failed");
      break;
    }
    ++n;
    if (sync_every > 0 && n % sync_every == 0) {
      ::fdatasync(fd);
      ++syncs;
    }
  }
  ::fdatasync(fd);
  ++syncs;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  state.SetItemsProcessed(n);
  state.SetBytesProcessed(n * static_cast<std::int64_t>(size));
  state.counters["fsyncs_per_s"] = static_cast<double>(syncs) / seconds;
  state.counters["wall_MBps"] = static_cast<double>(n) * static_cast<double>(size) / seconds / 1e6;
  std::filesystem::remove_all(dir);
}

// The naive durable loop: every record fdatasynced before the next.
void BM_PlainWriteFdatasyncEach(benchmark::State& state) {
  plain_loop(state, static_cast<std::size_t>(state.range(0)), 1);
}
// The disk's streaming bound: write() everything, one fdatasync at the end.
void BM_PlainWriteFdatasyncAtEnd(benchmark::State& state) {
  plain_loop(state, static_cast<std::size_t>(state.range(0)), 0);
}

void mode_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"mode(0=always,1=interval,2=never)", "bytes"});
  for (int mode = 0; mode < 3; ++mode) {
    for (int size : {100, 4096}) {
      b->Args({mode, size});
    }
  }
}

BENCHMARK(BM_QueueAppend)->Apply(mode_args)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PlainWriteFdatasyncEach)->Arg(100)->Arg(4096)->UseRealTime();
BENCHMARK(BM_PlainWriteFdatasyncAtEnd)->Arg(100)->Arg(4096)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
