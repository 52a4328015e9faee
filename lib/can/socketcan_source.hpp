#pragma once
// SocketCanSource: the `sources.can` component: one CanInterfaceChannel per configured
// interface, all delivering to one FrameBatchHandler. Interfaces are independent: one
// missing or failing interface never stops the others.

#include <memory>
#include <vector>

#include "asio/asio.hpp"
#include "can/can_interface_channel.hpp"
#include "lifecycle/component.hpp"

namespace canhose::can {

class SocketCanSource final : public lifecycle::Component {
 public:
  // Throws std::invalid_argument when the options are invalid (start-up config failure).
  // `opener` must outlive the source.
  SocketCanSource(asio::io_context& io, CanSourceOptions options, CanChannelOpener& opener,
                  FrameBatchHandler on_frames);

  std::string_view name() const override { return "can"; }
  void start() override;
  void async_stop(std::chrono::steady_clock::time_point deadline,
                  std::function<void()> done) override;
  std::string status() const override;

  const std::vector<std::unique_ptr<CanInterfaceChannel>>& channels() const { return channels_; }

 private:
  asio::io_context& io_;
  CanSourceOptions options_;
  std::vector<std::unique_ptr<CanInterfaceChannel>> channels_;
};

}  // namespace canhose::can
