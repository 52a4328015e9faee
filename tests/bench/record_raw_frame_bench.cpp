// Cost of one raw-frame record (selection + formatting) and of a frame that is not
// selected (the common case on a busy bus).

#include <benchmark/benchmark.h>

#include <array>
#include <string>

#include "record/raw_frame_recorder.hpp"

namespace {

using namespace canhose::record;

class LastRecordSink final : public RecordSink {
 public:
  AppendResult append(const RecordContent& content) override {
    buffer_.clear();
    content.write(next_, buffer_);
    return {{}, next_++};
  }

 private:
  std::uint64_t next_ = 1;
  std::string buffer_;
};

void raw(benchmark::State& state, RecordFormat format, std::uint32_t id) {
  LastRecordSink sink;
  RawFrameOptions options;
  options.enabled = true;
  options.ids = {0x7E8, 0x18FEF100};
  RawFrameRecorder recorder(sink, options, format);
  const std::array<std::uint8_t, 8> data = {0x04, 0x41, 0x0C, 0x1A, 0xF8, 0x00, 0x00, 0x00};
  const auto ts = std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
  for (auto _ : state) {
    benchmark::DoNotOptimize(recorder.on_frame({"can0", id, 0, data, ts}));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RawFrameSpace(benchmark::State& state) {
  raw(state, RecordFormat::space, 0x7E8);
}
void BM_RawFrameCsv(benchmark::State& state) {
  raw(state, RecordFormat::csv, 0x7E8);
}
void BM_RawFrameJsonl(benchmark::State& state) {
  raw(state, RecordFormat::jsonl, 0x7E8);
}
void BM_RawFrameNotSelected(benchmark::State& state) {
  raw(state, RecordFormat::space, 0x123);
}
BENCHMARK(BM_RawFrameSpace);
BENCHMARK(BM_RawFrameCsv);
BENCHMARK(BM_RawFrameJsonl);
BENCHMARK(BM_RawFrameNotSelected);

}  // namespace

BENCHMARK_MAIN();
