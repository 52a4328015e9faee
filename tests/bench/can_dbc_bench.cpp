// DBC decode cost per frame with the Toyota DBC: a 4-signal message (VSC1S03), a
// 17-signal message (YGS1S03), and an id the DBC does not know (the lookup alone).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "dbc/dbc_decoder.hpp"
#include "dbc/dbc_parser.hpp"
#include "support/test_paths.hpp"

namespace {

using namespace canhose;

const std::string kDbc = std::string(CANHOSE_TEST_DATA_DIR) + "/can/toyota_2017_ref_pt.dbc";

dbc::DbcDecoder& toyota() {
  static dbc::DbcDecoder decoder(dbc::load_dbc_file(kDbc).database, {});
  return decoder;
}

can::CanFrame frame(std::uint32_t id) {
  can::CanFrame f;
  f.id = id;
  f.len = 8;
  for (std::size_t i = 0; i < 8; ++i) {
    f.data[i] = static_cast<std::uint8_t>(0x11 * (i + 1));
  }
  return f;
}

void decode_bench(benchmark::State& state, std::uint32_t id) {
  const dbc::DbcDecoder& d = toyota();
  const can::CanFrame f = frame(id);
  std::vector<double> latest(d.signal_count());
  std::size_t signals = 0;
  for (auto _ : state) {
    signals += d.decode(f, [&](std::uint32_t n, double v) { latest[n] = v; });
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["signals/frame"] =
      static_cast<double>(signals) /
      static_cast<double>(std::max<std::int64_t>(state.iterations(), 1));
}

void BM_DecodeVsc1s03FourSignals(benchmark::State& state) {
  decode_bench(state, 180);
}
void BM_DecodeYgs1s03SeventeenSignals(benchmark::State& state) {
  decode_bench(state, 36);
}
void BM_DecodeUnknownId(benchmark::State& state) {
  decode_bench(state, 0x7FF);
}
BENCHMARK(BM_DecodeVsc1s03FourSignals);
BENCHMARK(BM_DecodeYgs1s03SeventeenSignals);
BENCHMARK(BM_DecodeUnknownId);

void BM_ParseToyotaDbc(benchmark::State& state) {
  for (auto _ : state) {
    auto r = dbc::load_dbc_file(kDbc);
    benchmark::DoNotOptimize(r.database.messages.size());
  }
}
BENCHMARK(BM_ParseToyotaDbc);

}  // namespace

BENCHMARK_MAIN();
