// Frames per second through CanFrameReader: a socketpair filled with can_frame records,
// drained on an io_context by recvmmsg batches of various sizes.
#include <benchmark/benchmark.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "can/can_frame_reader.hpp"

namespace {

using namespace canhose;

void BM_CanFrameReaderSocketpair(benchmark::State& state) {
  const auto read_batch = static_cast<std::size_t>(state.range(0));
  constexpr int kChunk = 512;  // frames written per iteration (fits the socket buffers)
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds) != 0) {
    state.SkipWithError("socketpair failed");
    return;
  }
  int big = 8 << 20;
  ::setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  ::setsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  asio::io_context io;
  std::uint64_t received = 0;
  std::uint64_t checksum = 0;
  can::CanFrameReaderCallbacks callbacks;
  callbacks.frames = [&](std::span<const can::CanFrame> frames) {
    received += frames.size();
    for (const can::CanFrame& f : frames) {
      checksum += f.id;
    }
  };
  can::CanFrameReaderOptions options;
  options.read_batch = read_batch;
  options.max_batches_per_wake = 1024;
  can::CanFrameReader reader(io, fds[0], "can0", 1, options, std::move(callbacks));
  reader.start();
  std::vector<can_frame> frames(kChunk);
  std::vector<mmsghdr> headers(kChunk);
  std::vector<iovec> iov(kChunk);
  for (int i = 0; i < kChunk; ++i) {
    frames[i].can_id = static_cast<canid_t>(0x100 + i % 0x600);
    frames[i].len = 8;
    std::memset(frames[i].data, i & 0xFF, 8);
    iov[i] = {&frames[i], sizeof(can_frame)};
    headers[i] = {};
    headers[i].msg_hdr.msg_iov = &iov[i];
    headers[i].msg_hdr.msg_iovlen = 1;
  }
  for (auto _ : state) {
    state.PauseTiming();
    int sent = 0;
    while (sent < kChunk) {
      const int n =
          ::sendmmsg(fds[1], headers.data() + sent, static_cast<unsigned>(kChunk - sent), 0);
      if (n <= 0) {
        state.SkipWithError("sendmmsg failed");
        return;
      }
      sent += n;
    }
    const std::uint64_t target = received + kChunk;
    state.ResumeTiming();
    while (received < target) {
      io.run_one();
    }
  }
  benchmark::DoNotOptimize(checksum);
  state.SetItemsProcessed(static_cast<std::int64_t>(received));
  ::close(fds[1]);
}
BENCHMARK(BM_CanFrameReaderSocketpair)->Arg(1)->Arg(8)->Arg(32)->Arg(64)->Arg(256);

}  // namespace

BENCHMARK_MAIN();
