// Cost of formatting one snapshot record, per format: the course's six columns plus ten
// OBD-II/GPS fields (16 columns, two missing), and the whole snapshot (FieldStore reads +
// formatting + sink) for the space format.

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "record/record_builder.hpp"
#include "record/record_formatter.hpp"

namespace {

using namespace canhose::record;
using namespace std::chrono;

const std::vector<std::string> kFields = {"record_id",   "timestamp",   "vin",      "lat",
                                          "lon",         "speed",       "rpm",      "coolant_temp",
                                          "maf",         "engine_load", "throttle", "fuel_rate",
                                          "co2_g_per_s", "gps_speed",   "alt",      "gps_mode"};

struct Values {
  std::vector<FieldValue> storage = {0.0,
                                     0.0,
                                     std::string("1HGCM82633A004352"),
                                     55.797019833,
                                     23.569020667,
                                     52.4,
                                     std::int64_t{2143},
                                     87.0,
                                     12.37,
                                     41.2,
                                     18.0,
                                     3.14,
                                     2.345678,
                                     51.9,
                                     0.0,
                                     std::int64_t{3}};
  std::vector<const FieldValue*> pointers;
  Values() {
    for (const auto& v : storage) {
      pointers.push_back(&v);
    }
    pointers[0] = pointers[1] = nullptr;  // built-ins
    pointers[14] = nullptr;               // alt missing (2D fix)
    pointers[8] = nullptr;                // maf not supported
  }
};

void format_records(benchmark::State& state, RecordFormat format) {
  const RecordFormatter formatter(format, columns_with_default_precision(kFields));
  Values values;
  std::string out;
  out.reserve(512);
  std::uint64_t id = 1'000'000;
  const auto ts = floor<milliseconds>(system_clock::now());
  std::size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    formatter.format(++id, ts, values.pointers, out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["bytes_per_record"] = static_cast<double>(out.size());
}

void BM_FormatSpace(benchmark::State& state) {
  format_records(state, RecordFormat::space);
}
void BM_FormatCsv(benchmark::State& state) {
  format_records(state, RecordFormat::csv);
}
void BM_FormatJsonl(benchmark::State& state) {
  format_records(state, RecordFormat::jsonl);
}
BENCHMARK(BM_FormatSpace);
BENCHMARK(BM_FormatCsv);
BENCHMARK(BM_FormatJsonl);

// A sink that keeps only the last record: measures the builder, not a queue.
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

void BM_SnapshotSpace(benchmark::State& state) {
  canhose::asio::io_context io;
  FieldStore store;
  LastRecordSink sink;
  RecordBuilderOptions options;
  options.fields = kFields;
  options.vin = "1HGCM82633A004352";
  RecordBuilder builder(io, store, sink, options);
  Values values;
  for (std::size_t i = 3; i < kFields.size(); ++i) {
    if (values.pointers[i] != nullptr) {
      store.publish(kFields[i], *values.pointers[i]);
    }
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(builder.build_once());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SnapshotSpace);

}  // namespace

BENCHMARK_MAIN();
