// Opening a queue whose newest segment holds a crafted damaged region (issue 14, found by
// fuzzing): after one damaged frame, every byte offset holds a frame header that passes
// the reader's cheap checks (a length under the limit, the next sequence number), so the
// resync after the damage has a candidate frame at every byte. The region is one byte
// repeated: 0x0F makes every candidate 986,906 bytes long (the worst case), 0x01 65,804.
// Valid frames follow the region and must be found; the time is Queue::open's (recover()
// verifies the newest segment in full).
//
//   BM_OpenCraftedSegment/MiB:<segment size>/fill:<byte>
//   CANHOSE_BENCH_DIR  where to write the segment (default: the current directory)
//
// Pick sizes with --benchmark_filter, e.g. --benchmark_filter='MiB:2/' for 2 MiB only.

#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "asio/asio.hpp"
#include "bench/bench_files.hpp"
#include "log/logger.hpp"
#include "queue/frame_codec.hpp"
#include "queue/queue.hpp"
#include "queue/queue_format.hpp"
#include "queue/segment_header.hpp"

namespace {

using namespace canhose;
namespace format = queue::format;

constexpr std::uint64_t kFirstSeq = 1;
constexpr int kFramesAfter = 100;  // valid frames after the crafted region
constexpr std::size_t kPayload = 100;

// Removes the queue directory when the program ends.
struct Cleanup {
  ~Cleanup() {
    std::error_code ignored;
    std::filesystem::remove_all(bench::bench_path("resync"), ignored);
  }
} cleanup;

// The segment: one valid frame, one damaged frame (lost), `fill` repeated, then
// kFramesAfter valid frames that continue the sequence. The crafted headers read as
// seq_delta = fill * 0x01010101 and length = fill * 0x010101; the frames around them are
// numbered so that this is the next sequence number after the damaged frame.
std::vector<std::byte> crafted_segment(std::size_t total_bytes, std::uint8_t fill) {
  std::vector<std::byte> out(format::kSegmentHeaderSize);
  queue::encode_segment_header({format::kVersion1, kFirstSeq, 0}, out);
  const std::uint32_t next_delta = fill * 0x01010101U;
  const std::vector<std::byte> payload(kPayload, std::byte{'p'});
  queue::append_frame(out, next_delta - 2, payload);
  const std::size_t damaged = out.size();
  queue::append_frame(out, next_delta - 1, payload);
  out[damaged + format::kFrameHeaderSize] ^= std::byte{1};
  const std::size_t after = kFramesAfter * (format::kFrameHeaderSize + kPayload);
  if (total_bytes > out.size() + after) {
    out.resize(total_bytes - after, static_cast<std::byte>(fill));
  }
  for (int i = 0; i < kFramesAfter; ++i) {
    queue::append_frame(out, next_delta + static_cast<std::uint32_t>(i), payload);
  }
  return out;
}

void BM_OpenCraftedSegment(benchmark::State& state) {
  log::logger().set_level(log::Severity::error);
  const auto bytes = static_cast<std::size_t>(state.range(0)) * 1024 * 1024;
  const auto fill = static_cast<std::uint8_t>(state.range(1));
  const auto dir = bench::bench_path("resync");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto segment = crafted_segment(bytes, fill);
  {
    std::ofstream out(dir / "00000000000000000001.seg", std::ios::binary);
    out.write(reinterpret_cast<const char*>(segment.data()),
              static_cast<std::streamsize>(segment.size()));
  }
  queue::QueueOptions options;
  options.dir = dir;
  options.fsync = queue::FsyncMode::never;
  options.max_bytes = 4ULL * 1024 * 1024 * 1024;
  asio::io_context io;
  std::uint64_t corrupt_bytes = 0;
  std::uint64_t corrupt_records = 0;
  std::uint64_t next_seq = 0;
  for (auto _ : state) {
    auto opened = queue::Queue::open(io, options);
    if (!opened.queue) {
      state.SkipWithError(opened.error.c_str());
      return;
    }
    corrupt_bytes = opened.queue->startup_report().corrupt_bytes;
    corrupt_records = opened.queue->startup_report().corrupt_records;
    next_seq = opened.queue->metrics().next_seq;
    state.PauseTiming();
    opened.queue->close();
    opened.queue.reset();
    std::filesystem::remove(dir / format::kCursorName);  // each round opens the same state
    state.ResumeTiming();
  }
  const std::uint64_t expected_next = kFirstSeq + fill * 0x01010101ULL + kFramesAfter;
  if (next_seq != expected_next || corrupt_records != 1) {
    state.SkipWithError("the records after the crafted region were not all found");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * segment.size()));
  state.counters["skipped_MiB"] = static_cast<double>(corrupt_bytes) / (1024.0 * 1024.0);
}

BENCHMARK(BM_OpenCraftedSegment)
    ->ArgNames({"MiB", "fill"})
    ->ArgsProduct({{2, 4, 16}, {0x01, 0x0F}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
