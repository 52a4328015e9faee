// The hot path: numeric updates in the steady state allocate nothing. This program's
// global operator new counts allocations (not under AddressSanitizer, which owns it).

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "engine_fixture.hpp"

#if !defined(__SANITIZE_ADDRESS__)
// The replacements pair malloc with free; GCC sees only new against free once inlined.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#endif

namespace canhose::alerts::test {
namespace {

TEST(AlertEngineAllocationTest, NumericUpdatesAllocateNothingInTheSteadyState) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer replaces operator new";
#else
  RuleOptions harsh = rule("harsh", "delta(speed, 1s) < -12 and avg(rpm, 10s) > 100");
  RuleOptions fast = rule("fast", "speed > 100 or rate(rpm) > 5000");
  fast.for_duration = 2s;
  Harness h({harsh, fast, rule("div", "speed / rpm > 0.5 and not changed(speed)")});
  AlertEngine& e = h.engine();
  const auto speed = e.input("speed").value();
  const auto rpm = e.input("rpm").value();
  const auto run = [&](std::int64_t from, int n) {
    for (int i = 0; i < n; ++i) {
      const std::int64_t t = from + i * 20 * kMs;
      e.update(speed, 50 + (i % 7), t);
      e.update(rpm, 1500 + (i % 11), t);
    }
  };
  run(kT0, 3000);  // 60 s: the histories reach their peak size
  const std::size_t before = g_allocations.load();
  run(kT0 + 60 * kSecond, 3000);
  EXPECT_EQ(g_allocations.load() - before, 0u);
  EXPECT_TRUE(e.take_outputs().empty());
#endif
}

}  // namespace
}  // namespace canhose::alerts::test
