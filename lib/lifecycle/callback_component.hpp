#pragma once

#include <functional>
#include <string>

#include "lifecycle/component.hpp"

namespace canhose::lifecycle {

// Puts a part that has plain start()/stop() (the gpsd client, the record builder) into
// the lifecycle. Stopping is immediate: such parts hold nothing that needs draining.
class CallbackComponent final : public Component {
 public:
  CallbackComponent(std::string name, std::function<void()> start, std::function<void()> stop,
                    std::function<std::string()> status = {})
      : name_(std::move(name)),
        start_(std::move(start)),
        stop_(std::move(stop)),
        status_(std::move(status)) {}

  std::string_view name() const override { return name_; }
  void start() override { start_(); }
  void async_stop(std::chrono::steady_clock::time_point, std::function<void()> done) override {
    stop_();
    done();
  }
  std::string status() const override { return status_ ? status_() : std::string(); }

 private:
  std::string name_;
  std::function<void()> start_;
  std::function<void()> stop_;
  std::function<std::string()> status_;
};

}  // namespace canhose::lifecycle
