#pragma once
// For tests that run a server's event loop on a thread of its own: calling into the loop
// from the test's thread, and waiting for a condition the loop's state must reach.

#include <chrono>
#include <future>
#include <thread>

#include "asio/asio.hpp"

namespace canhose::test {

// Runs `f` on `io`'s loop (which another thread runs) and returns its result.
template <class F>
auto on_loop(asio::io_context& io, F f) {
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto result = task.get_future();
  asio::post(io, [&task] { task(); });
  return result.get();
}

// Waits until `condition` (run on `io`'s loop) holds; false after a generous 30 s, a
// safety limit for a test that would otherwise hang, not a timing expectation.
template <class F>
bool eventually_on_loop(asio::io_context& io, F condition) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!on_loop(io, condition)) {
    if (std::chrono::steady_clock::now() > give_up) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace canhose::test
