#pragma once
// What the benchmarks share: where they build their queues, and the CPU time they report.

#include <time.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace canhose::bench {

// A benchmark's folder: $CANHOSE_BENCH_DIR/canhose-bench-<name>, in the current directory
// when the variable is unset. Point it at the disk under test (an SD card, a tmpfs).
inline std::filesystem::path bench_path(const std::string& name) {
  const char* base = std::getenv("CANHOSE_BENCH_DIR");
  return std::filesystem::path(base != nullptr ? base : ".") / ("canhose-bench-" + name);
}

// bench_path(name), emptied (or created).
inline std::filesystem::path fresh_bench_dir(const std::string& name) {
  auto dir = bench_path(name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// User + system CPU time of this process, all threads.
inline double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace canhose::bench
