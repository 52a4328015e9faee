#pragma once
// Opening a TCP listener the way canhose's servers do: reuse_address (a restarted daemon
// binds at once, without waiting for the old connections' TIME_WAIT), the system's
// backlog, and one error naming the address and the setting it came from.

#include <string_view>

#include "asio/asio.hpp"

namespace canhose::metrics {

// Opens, binds and listens; throws std::runtime_error "cannot listen on <where>: <reason>"
// (`where`: e.g. "127.0.0.1:9464 for metrics.listen").
void listen_tcp(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& endpoint,
                std::string_view where);

}  // namespace canhose::metrics
