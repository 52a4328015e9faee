#pragma once
// Idle kept-alive connections, per endpoint, for reuse by later requests. Bounded: at
// most `max_idle_per_key` connections per endpoint; a connection idle longer than
// `idle_timeout` is closed by a sweep timer, so a pool never holds sockets the server
// has long forgotten. Lives on the transport's executor; not thread-safe.

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "asio/asio.hpp"
#include "https/https_connection.hpp"

namespace canhose::https {

class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
 public:
  ConnectionPool(asio::any_io_executor executor, std::size_t max_idle_per_key,
                 std::chrono::steady_clock::duration idle_timeout);

  // The most recently used live idle connection for `key`, or nullptr. Dead or
  // expired connections found on the way are closed.
  std::shared_ptr<HttpsConnection> acquire(const std::string& key);
  // Returns a connection that finished a request cleanly and may be reused. Closes it
  // instead when the pool for its key is full.
  void release(std::shared_ptr<HttpsConnection> connection);
  // Closes every idle connection (shutdown).
  void close_all();

  std::size_t idle_count() const;

 private:
  void schedule_sweep();
  void sweep();

  std::size_t max_idle_per_key_;
  std::chrono::steady_clock::duration idle_timeout_;
  asio::steady_timer sweep_timer_;
  bool sweep_scheduled_ = false;
  // Front = most recently released.
  std::map<std::string, std::deque<std::shared_ptr<HttpsConnection>>> idle_;
};

}  // namespace canhose::https
