#include "https/connection_pool.hpp"

namespace canhose::https {

ConnectionPool::ConnectionPool(asio::any_io_executor executor, std::size_t max_idle_per_key,
                               std::chrono::steady_clock::duration idle_timeout)
    : max_idle_per_key_(max_idle_per_key), idle_timeout_(idle_timeout), sweep_timer_(executor) {}

std::shared_ptr<HttpsConnection> ConnectionPool::acquire(const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end()) {
    return nullptr;
  }
  const auto now = std::chrono::steady_clock::now();
  auto& list = it->second;
  while (!list.empty()) {
    auto connection = std::move(list.front());
    list.pop_front();
    if (now - connection->idle_since < idle_timeout_ && connection->looks_alive()) {
      if (list.empty()) {
        idle_.erase(it);
      }
      return connection;
    }
    connection->close();
  }
  idle_.erase(it);
  return nullptr;
}

void ConnectionPool::release(std::shared_ptr<HttpsConnection> connection) {
  if (max_idle_per_key_ == 0) {
    connection->close();
    return;
  }
  auto& list = idle_[connection->pool_key()];
  connection->idle_since = std::chrono::steady_clock::now();
  list.push_front(std::move(connection));
  while (list.size() > max_idle_per_key_) {
    list.back()->close();
    list.pop_back();
  }
  schedule_sweep();
}

void ConnectionPool::close_all() {
  for (auto& [key, list] : idle_) {
    for (auto& connection : list) {
      connection->close();
    }
  }
  idle_.clear();
  sweep_timer_.cancel();
  sweep_scheduled_ = false;
}

std::size_t ConnectionPool::idle_count() const {
  std::size_t n = 0;
  for (const auto& [key, list] : idle_) {
    n += list.size();
  }
  return n;
}

void ConnectionPool::schedule_sweep() {
  if (sweep_scheduled_ || idle_.empty()) {
    return;
  }
  // The oldest idle connection of any key expires first.
  auto oldest = std::chrono::steady_clock::time_point::max();
  for (const auto& [key, list] : idle_) {
    if (!list.empty() && list.back()->idle_since < oldest) {
      oldest = list.back()->idle_since;
    }
  }
  sweep_scheduled_ = true;
  sweep_timer_.expires_at(oldest + idle_timeout_);
  sweep_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self || ec == asio::error::operation_aborted) {
      return;
    }
    self->sweep_scheduled_ = false;
    self->sweep();
    self->schedule_sweep();
  });
}

void ConnectionPool::sweep() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& list = it->second;
    while (!list.empty() && now - list.back()->idle_since >= idle_timeout_) {
      list.back()->close();
      list.pop_back();
    }
    it = list.empty() ? idle_.erase(it) : std::next(it);
  }
}

}  // namespace canhose::https
