// candump log parsing rate: one line at a time from memory, and the whole SavvyCAN log
// through CandumpFileReader (buffered file reads, interning).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <stdexcept>

#include <fstream>
#include <string>
#include <vector>

#include "can/candump_file_reader.hpp"
#include "can/candump_line.hpp"
#include "support/test_paths.hpp"

namespace {

using namespace canhose;

const std::string kLog = std::string(CANHOSE_TEST_DATA_DIR) + "/can/savvycan-candump.log";

std::vector<std::string> log_lines() {
  std::vector<std::string> lines;
  std::ifstream in(kLog);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  if (lines.empty()) {
    throw std::runtime_error("cannot read the candump log " + kLog);
  }
  return lines;
}

void BM_ParseCandumpLine(benchmark::State& state) {
  const std::vector<std::string> lines = log_lines();
  can::CandumpLine out;
  std::string error;
  std::size_t i = 0;
  for (auto _ : state) {
    const bool ok = can::parse_candump_line(lines[i], out, error);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(out.frame.id);
    i = i + 1 == lines.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseCandumpLine);

void BM_CandumpFileReaderWholeSavvyLog(benchmark::State& state) {
  std::uint64_t frames = 0;
  for (auto _ : state) {
    can::CandumpFileReader reader;
    if (reader.open(kLog)) {
      state.SkipWithError("cannot open the log");
      return;
    }
    can::CanFrame f;
    while (reader.next(f) == can::CandumpFileReader::Status::frame) {
      ++frames;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(frames));
}
BENCHMARK(BM_CandumpFileReaderWholeSavvyLog);

}  // namespace

BENCHMARK_MAIN();
