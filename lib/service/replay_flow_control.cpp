#include "service/replay_flow_control.hpp"

namespace canhose::service {

can::FlowControl replay_flow_control(queue::Queue& queue) {
  const std::uint64_t buffer = queue.options().memory_buffer_bytes;
  const std::uint64_t high = buffer / 2;
  const std::uint64_t low = buffer / 4;
  can::FlowControl flow;
  flow.has_room = [&queue, high] { return queue.memory_bytes() < high; };
  flow.wait_for_room = [&queue, low](std::function<void()> resume) {
    queue.async_wait_memory_below(low, [resume = std::move(resume)](std::error_code ec) {
      if (!ec) {
        resume();  // operation_canceled: the queue closed, the replay stays paused
      }
    });
  };
  return flow;
}

}  // namespace canhose::service
