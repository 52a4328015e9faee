#pragma once
// One TCP connection to an endpoint (directly or through a CONNECT tunnel), with TLS on
// top for https endpoints. Owned by one HttpsExchange while a request uses it, and by
// the ConnectionPool while it idles between requests; never by both.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include "asio/asio.hpp"

namespace canhose::https {

class HttpsConnection {
 public:
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  HttpsConnection(asio::any_io_executor executor, asio::ssl::context& tls_context, bool tls,
                  std::string pool_key)
      : stream_(std::move(executor), tls_context), tls_(tls), pool_key_(std::move(pool_key)) {}

  // Calls f(stream) with the stream requests are written to: the TLS stream for https,
  // the TCP stream for plain http.
  template <class F>
  decltype(auto) visit(F&& f) {
    if (tls_) {
      return f(stream_);
    }
    return f(stream_.next_layer());
  }

  boost::beast::tcp_stream& tcp() { return stream_.next_layer(); }
  TlsStream& tls_stream() { return stream_; }
  bool tls() const { return tls_; }
  const std::string& pool_key() const { return pool_key_; }

  // Whether an idle connection still looks usable: the peer has not closed it and has
  // sent nothing unasked (a close_notify, an error). A cheap non-blocking peek.
  bool looks_alive();

  // Closes the socket at once (no TLS close_notify: nothing waits for it).
  void close();

  std::chrono::steady_clock::time_point idle_since{};
  std::uint64_t requests_served = 0;

 private:
  TlsStream stream_;
  bool tls_;
  std::string pool_key_;
};

}  // namespace canhose::https
