#include "log/repeat_limiter.hpp"

namespace canhose::log {

RepeatLimiter::RepeatLimiter(std::uint32_t burst, Clock::duration interval, std::size_t max_keys)
    : burst_(burst), interval_(interval), max_keys_(max_keys) {}

void RepeatLimiter::reconfigure(std::uint32_t burst, Clock::duration interval) {
  burst_ = burst;
  interval_ = interval;
}

RepeatLimiter::Decision RepeatLimiter::admit(std::string_view key, Clock::time_point now) {
  auto it = windows_.find(std::string(key));
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) {
      // Full of distinct messages: drop windows that are over. Their suppressed counts
      // are lost only if expire() has not run for a whole interval, which the logger's
      // timer prevents.
      std::erase_if(windows_, [&](const auto& kv) { return now - kv.second.start >= interval_; });
      if (windows_.size() >= max_keys_) {
        return Decision{true, 0};  // too many live keys to track: never hide a message
      }
    }
    windows_.emplace(std::string(key), Window{now, 1, 0});
    return Decision{true, 0};
  }
  Window& w = it->second;
  Decision decision;
  if (now - w.start >= interval_) {
    decision.suppressed_before = w.suppressed;
    w = Window{now, 0, 0};
  }
  if (w.emitted < burst_) {
    ++w.emitted;
    decision.emit = true;
  } else {
    ++w.suppressed;
    decision.emit = false;
  }
  return decision;
}

std::vector<RepeatLimiter::Expired> RepeatLimiter::expire(Clock::time_point now) {
  std::vector<Expired> out;
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (now - it->second.start >= interval_) {
      if (it->second.suppressed > 0) {
        out.push_back(Expired{it->first, it->second.suppressed});
      }
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<RepeatLimiter::Expired> RepeatLimiter::drain() {
  std::vector<Expired> out;
  for (auto& [key, window] : windows_) {
    if (window.suppressed > 0) {
      out.push_back(Expired{key, window.suppressed});
    }
  }
  windows_.clear();
  return out;
}

}  // namespace canhose::log
