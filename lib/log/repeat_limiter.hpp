#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace canhose::log {

// Decides whether a repeated message may be logged: at most `burst` times per key in
// each `interval` window; the rest are counted. The count of a window is handed back
// once, when the key next appears after the window or when expire() finds the window
// over, so "suppressed N repeats" is always logged eventually. Holds at most `max_keys`
// keys, so memory stays bounded however many different messages there are.
class RepeatLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RepeatLimiter(std::uint32_t burst, Clock::duration interval, std::size_t max_keys = 1024);

  struct Decision {
    bool emit = true;
    std::uint64_t suppressed_before = 0;  // repeats suppressed in the key's previous window
  };
  Decision admit(std::string_view key, Clock::time_point now);

  struct Expired {
    std::string key;
    std::uint64_t suppressed;
  };
  // Forgets keys whose window is over; returns those that had suppressed repeats.
  std::vector<Expired> expire(Clock::time_point now);
  // Forgets every key, windows still open included; returns those with suppressed repeats.
  std::vector<Expired> drain();

  void reconfigure(std::uint32_t burst, Clock::duration interval);
  std::size_t tracked_keys() const { return windows_.size(); }

 private:
  struct Window {
    Clock::time_point start;
    std::uint32_t emitted = 0;
    std::uint64_t suppressed = 0;
  };
  std::uint32_t burst_;
  Clock::duration interval_;
  std::size_t max_keys_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace canhose::log
