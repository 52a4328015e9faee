#include "can/socketcan_source.hpp"

#include <stdexcept>

namespace canhose::can {

SocketCanSource::SocketCanSource(asio::io_context& io, CanSourceOptions options,
                                 CanChannelOpener& opener, FrameBatchHandler on_frames)
    : io_(io), options_(std::move(options)) {
  const std::vector<std::string> problems = validate(options_);
  if (!problems.empty()) {
    std::string text = "invalid sources.can options:";
    for (const std::string& p : problems) {
      text += "\n  " + p;
    }
    throw std::invalid_argument(text);
  }
  for (const CanInterfaceOptions& i : options_.interfaces) {
    channels_.push_back(std::make_unique<CanInterfaceChannel>(io_, i, options_, opener, on_frames));
  }
}

void SocketCanSource::start() {
  for (auto& c : channels_) {
    c->start();
  }
}

void SocketCanSource::async_stop(std::chrono::steady_clock::time_point /*deadline*/,
                                 std::function<void()> done) {
  for (auto& c : channels_) {
    c->stop();
  }
  asio::post(io_, std::move(done));
}

std::string SocketCanSource::status() const {
  std::string s;
  for (const auto& c : channels_) {
    if (!s.empty()) {
      s += ", ";
    }
    s += c->status();
  }
  return s;
}

}  // namespace canhose::can
