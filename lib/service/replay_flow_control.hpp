#pragma once
// Backpressure from the queue to the candump replay: a file can wait where a live bus
// cannot. The replay pauses while the queue's memory buffer (records not yet on disk) is
// above half of queue.memory_buffer, and goes on once it is down to a quarter. The half
// left above the mark holds the largest replay batch (4,096 raw-frame records of at most
// ~250 bytes, about 1 MiB; the buffer is at least 2 MiB) and what the other sources append
// meanwhile, so a replay at any speed loses nothing to memory_full.

#include "can/replay_source.hpp"
#include "queue/queue.hpp"

namespace canhose::service {

can::FlowControl replay_flow_control(queue::Queue& queue);

}  // namespace canhose::service
