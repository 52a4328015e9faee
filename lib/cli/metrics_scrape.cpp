#include "cli/metrics_scrape.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace canhose::cli {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::uint64_t kMaxBodyBytes = 8 * 1024 * 1024;

}  // namespace

std::string to_string(const metrics::ListenAddress& address) {
  return address.host.find(':') != std::string::npos
             ? "[" + address.host + "]:" + std::to_string(address.port)
             : address.host + ":" + std::to_string(address.port);
}

MetricsScrape scrape_metrics(const metrics::ListenAddress& address,
                             std::chrono::milliseconds deadline) {
  MetricsScrape result;
  asio::io_context io(1);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::empty_body> request(http::verb::get, "/metrics", 11);
  request.set(http::field::host, to_string(address));
  request.set(http::field::user_agent, "canhose/" CANHOSE_VERSION);
  request.set(http::field::connection, "close");
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxBodyBytes);

  const std::string where = "http://" + to_string(address) + "/metrics";
  const auto fail = [&](const char* phase, const beast::error_code& ec) {
    if (ec == asio::error::connection_refused) {
      result.failure = MetricsScrape::Failure::refused;
      result.error = "connection refused at " + where +
                     ": canhosed is not running, or it serves "
                     "metrics on another address";
    } else if (ec == beast::error::timeout) {
      result.failure = MetricsScrape::Failure::timeout;
      result.error = std::string(phase) + " " + where + " timed out after " +
                     std::to_string(deadline.count()) + " ms: canhosed does not answer";
    } else {
      result.failure = MetricsScrape::Failure::network;
      result.error = std::string(phase) + " " + where + " failed: " + ec.message();
    }
  };

  beast::error_code address_error;
  const auto ip = asio::ip::make_address(address.host, address_error);
  if (address_error) {
    result.failure = MetricsScrape::Failure::network;
    result.error = "\"" + address.host + "\" is not an IP address";
    return result;
  }
  stream.expires_after(deadline);
  stream.async_connect(tcp::endpoint(ip, address.port), [&](const beast::error_code& ec) {
    if (ec) {
      fail("connecting to", ec);
      return;
    }
    http::async_write(stream, request, [&](const beast::error_code& wec, std::size_t) {
      if (wec) {
        fail("sending the request to", wec);
        return;
      }
      http::async_read(stream, buffer, parser, [&](const beast::error_code& rec, std::size_t) {
        if (rec) {
          fail("reading the answer from", rec);
          return;
        }
        const auto& response = parser.get();
        if (response.result() != http::status::ok) {
          result.failure = MetricsScrape::Failure::http;
          result.error = where + " answered HTTP " +
                         std::to_string(static_cast<unsigned>(response.result_int())) +
                         ": is this canhosed's metrics endpoint?";
          return;
        }
        result.body = response.body();
        result.taken_at = std::chrono::steady_clock::now();
      });
    });
  });
  io.run();
  return result;
}

}  // namespace canhose::cli
