#include "https/https_transport.hpp"

#include <stdexcept>

#include "https/connection_pool.hpp"
#include "https/https_exchange.hpp"

namespace canhose::https {

struct HttpsTransport::State {
  std::shared_ptr<HttpsExchange::Shared> shared;
  std::vector<std::weak_ptr<HttpsExchange>> in_flight;
};

HttpsTransport::HttpsTransport(asio::any_io_executor executor, HttpsTransportOptions options)
    : state_(std::make_shared<State>()) {
  auto shared = std::make_shared<HttpsExchange::Shared>();
  std::string error;
  shared->tls = TlsContext::create(options.tls, error);
  if (!shared->tls) {
    throw std::runtime_error("HTTPS client: " + error);
  }
  auto proxy = ProxySettings::from_options(options.proxy, options.no_proxy, error);
  if (!proxy) {
    throw std::runtime_error("HTTPS client proxy: " + error);
  }
  shared->proxy = std::move(*proxy);
  shared->pool = std::make_shared<ConnectionPool>(
      executor, options.pool_size,
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(options.idle_timeout));
  shared->executor = std::move(executor);
  shared->options = std::move(options);
  state_->shared = std::move(shared);
}

HttpsTransport::~HttpsTransport() {
  // Idle connections die with the transport; requests in flight finish on their own.
  state_->shared->pool->close_all();
}

void HttpsTransport::async_send(const Endpoint& endpoint, HttpRequest request, SharedBody body,
                                std::function<void(HttpResult)> done) {
  auto& in_flight = state_->in_flight;
  std::erase_if(in_flight, [](const auto& weak) { return weak.expired(); });
  auto exchange = std::make_shared<HttpsExchange>(state_->shared, endpoint, std::move(request),
                                                  std::move(body), std::move(done));
  in_flight.push_back(exchange);
  exchange->start();
}

void HttpsTransport::close() {
  state_->shared->pool->close_all();
  for (auto& weak : state_->in_flight) {
    if (auto exchange = weak.lock()) {
      exchange->cancel();
    }
  }
  state_->in_flight.clear();
}

std::size_t HttpsTransport::idle_connections() const {
  return state_->shared->pool->idle_count();
}

}  // namespace canhose::https
