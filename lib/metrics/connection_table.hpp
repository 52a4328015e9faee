#pragma once
// The open connections of a small server (the metrics page, the ingest endpoint) and the
// limits on them: at most `max` at once and `max_per_peer` from one client. A new
// connection over either limit takes the place of the oldest connection (from that client,
// or any) still waiting for its request; when none is waiting (all are being answered), the
// new one is refused. Either way it is counted. So connections that ask nothing cannot keep
// a client out for longer than it takes a request to arrive, and a connection being
// answered is never cut off. Event-loop thread only.
//
// `Connection` has peer() (a `Peer`), number() (increasing in accept order),
// waiting_for_request() and close().

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace canhose::metrics {

struct ConnectionLimitCounters {
  std::uint64_t refused_connection_limit = 0;   // over the connection limit, none waiting
  std::uint64_t refused_per_address_limit = 0;  // over the per-client limit, none waiting
  std::uint64_t replaced_while_waiting = 0;     // closed to make room for a new connection
};

template <class Connection, class Peer>
class ConnectionTable {
 public:
  ConnectionTable(std::size_t max, std::size_t max_per_peer)
      : max_(max), max_per_peer_(max_per_peer) {}

  // Makes room for one more connection from `peer`, closing and forgetting the connection
  // it replaces; false when the new one must be refused.
  bool admit(const Peer& peer, ConnectionLimitCounters& counters) {
    const auto from_peer = per_peer_.find(peer);
    if (from_peer != per_peer_.end() && from_peer->second >= max_per_peer_ &&
        !replace_oldest_waiting(&peer, counters)) {
      ++counters.refused_per_address_limit;
      return false;
    }
    if (connections_.size() >= max_ && !replace_oldest_waiting(nullptr, counters)) {
      ++counters.refused_connection_limit;
      return false;
    }
    return true;
  }

  void add(std::shared_ptr<Connection> connection) {
    ++per_peer_[connection->peer()];
    const Connection* key = connection.get();
    connections_.emplace(key, std::move(connection));
  }

  // True when `connection` was in the table. Idempotent: a replaced connection is
  // forgotten at once, and again when its pending read ends.
  bool forget(const Connection* connection) {
    const auto it = connections_.find(connection);
    if (it == connections_.end()) {
      return false;
    }
    const auto peer = per_peer_.find(connection->peer());
    if (peer != per_peer_.end() && --peer->second == 0) {
      per_peer_.erase(peer);
    }
    connections_.erase(it);
    return true;
  }

  std::size_t size() const { return connections_.size(); }
  bool empty() const { return connections_.empty(); }
  // A copy, for loops that close connections (a closed connection may forget itself).
  std::vector<std::shared_ptr<Connection>> all() const {
    std::vector<std::shared_ptr<Connection>> out;
    out.reserve(connections_.size());
    for (const auto& [key, connection] : connections_) {
      out.push_back(connection);
    }
    return out;
  }

 private:
  bool replace_oldest_waiting(const Peer* peer, ConnectionLimitCounters& counters) {
    std::shared_ptr<Connection> oldest;
    for (const auto& [key, c] : connections_) {
      if (c->waiting_for_request() && (peer == nullptr || c->peer() == *peer) &&
          (!oldest || c->number() < oldest->number())) {
        oldest = c;
      }
    }
    if (!oldest) {
      return false;
    }
    ++counters.replaced_while_waiting;
    oldest->close();
    forget(oldest.get());
    return true;
  }

  std::size_t max_;
  std::size_t max_per_peer_;
  std::map<const Connection*, std::shared_ptr<Connection>> connections_;
  std::map<Peer, std::size_t> per_peer_;
};

}  // namespace canhose::metrics
