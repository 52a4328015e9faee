// Cost of decoding one OBD-II answer: the table formula alone, and a whole single-frame
// answer as it arrives (ISO-TP receiver -> payload -> PID table -> value).
#include <benchmark/benchmark.h>

#include <array>

#include "asio/asio.hpp"
#include "obd/isotp_receiver.hpp"
#include "obd/pid_table.hpp"

namespace {

using canhose::obd::ObdFrame;

void BM_DecodeMode01Payload(benchmark::State& state) {
  const std::array<std::uint8_t, 4> payload{0x41, 0x0C, 0x1A, 0xF8};
  for (auto _ : state) {
    auto v = canhose::obd::decode_mode01_response(0x0C, payload);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeMode01Payload);

void BM_DecodeSingleFrameAnswer(benchmark::State& state) {
  canhose::asio::io_context io;
  double sum = 0;
  canhose::obd::IsoTpReceiver::Handlers h;
  h.on_message = [&sum](std::span<const std::uint8_t> payload, std::int64_t) {
    if (auto v = canhose::obd::decode_mode01_response(payload[1], payload)) {
      sum += v->value;
    }
  };
  canhose::obd::IsoTpReceiver receiver(
      io, 0x7E8, 0x7E0, [](const ObdFrame&) {}, std::move(h));
  ObdFrame f;
  f.id = 0x7E8;
  f.len = 8;
  f.data = {0x04, 0x41, 0x0C, 0x1A, 0xF8, 0xAA, 0xAA, 0xAA};
  f.timestamp_ns = 1;
  for (auto _ : state) {
    receiver.on_frame(f);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeSingleFrameAnswer);

}  // namespace

BENCHMARK_MAIN();
