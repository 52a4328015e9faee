// ISO-TP reassembly cost: a 20-byte VIN answer (first frame + 2 consecutive frames, one
// flow control sent) and the largest OBD-II message, 4095 bytes (1 + 585 frames). The
// N_Cr timer is re-armed on every consecutive frame, as in production.
#include <benchmark/benchmark.h>

#include <vector>

#include "asio/asio.hpp"
#include "obd/isotp_pci.hpp"
#include "obd/isotp_receiver.hpp"

namespace {

using canhose::obd::ObdFrame;
namespace isotp = canhose::obd::isotp;

std::vector<ObdFrame> segment(std::size_t length) {
  std::vector<std::uint8_t> payload(length);
  for (std::size_t i = 0; i < length; ++i) {
    payload[i] = static_cast<std::uint8_t>(i);
  }
  std::vector<ObdFrame> out;
  out.push_back(
      isotp::make_first_frame(0x7E8, length, std::span<const std::uint8_t>(payload.data(), 6)));
  std::uint8_t sequence = 1;
  for (std::size_t at = 6; at < length; at += 7) {
    const std::size_t n = std::min<std::size_t>(7, length - at);
    out.push_back(isotp::make_consecutive_frame(
        0x7E8, sequence, std::span<const std::uint8_t>(payload.data() + at, n), 0xAA));
    sequence = static_cast<std::uint8_t>((sequence + 1) & 0x0F);
  }
  return out;
}

void BM_Reassemble(benchmark::State& state) {
  const auto frames = segment(static_cast<std::size_t>(state.range(0)));
  canhose::asio::io_context io;
  std::size_t bytes = 0;
  canhose::obd::IsoTpReceiver::Handlers h;
  h.on_message = [&bytes](std::span<const std::uint8_t> payload, std::int64_t) {
    bytes += payload.size();
  };
  std::size_t flow_controls = 0;
  canhose::obd::IsoTpReceiver receiver(
      io, 0x7E8, 0x7E0, [&flow_controls](const ObdFrame&) { ++flow_controls; }, std::move(h));
  for (auto _ : state) {
    for (const ObdFrame& f : frames) {
      receiver.on_frame(f);
    }
    // Cancelled N_Cr waits pile up as completions; run them off outside the timing.
    state.PauseTiming();
    io.poll();
    io.restart();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(frames.size()));
  state.SetBytesProcessed(state.iterations() * state.range(0));
  state.counters["frames_per_message"] = static_cast<double>(frames.size());
  benchmark::DoNotOptimize(bytes);
}
BENCHMARK(BM_Reassemble)->Arg(20)->Arg(4095);

}  // namespace

BENCHMARK_MAIN();
