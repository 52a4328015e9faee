// The scrape endpoint over a real loopback TCP connection.

#include "metrics/metrics_server.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace canhose::metrics {
namespace {

using tcp = asio::ip::tcp;

// A blocking HTTP/1.1 exchange on its own io_context, as curl would do it.
std::string http_exchange(std::uint16_t port, const std::string& request) {
  asio::io_context client_io;
  tcp::socket socket(client_io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(socket, asio::buffer(request));
  std::string response;
  boost::system::error_code ec;
  char buffer[4096];
  for (;;) {
    const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
    response.append(buffer, n);
    if (ec) {
      break;
    }
  }
  return response;
}

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.add_collector([this](std::vector<MetricFamily>& out) {
      ++scrapes_;
      out.push_back({"canhose_test_scrapes_total",
                     "scrapes so far",
                     MetricType::counter,
                     {{{}, static_cast<double>(scrapes_)}}});
    });
    server_ = std::make_unique<MetricsServer>(io_, registry_, ListenAddress{"127.0.0.1", 0});
    server_->start();
    loop_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    asio::post(io_, [this] { server_->async_stop({}, [] {}); });
    io_.stop();
    loop_.join();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  MetricRegistry registry_;
  int scrapes_ = 0;
  std::unique_ptr<MetricsServer> server_;
  std::thread loop_;
};

TEST_F(MetricsServerTest, ServesTheRegistryAtSlashMetrics) {
  const std::string response = http_exchange(
      server_->port(), "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("Content-Type: text/plain; version=0.0.4; charset=utf-8"),
            std::string::npos);
  EXPECT_NE(response.find("\r\n\r\n# HELP canhose_test_scrapes_total scrapes so far\n"
                          "# TYPE canhose_test_scrapes_total counter\n"
                          "canhose_test_scrapes_total 1\n"),
            std::string::npos)
      << response;
}

TEST_F(MetricsServerTest, OtherPathsAreNotFoundAndOtherMethodsNotAllowed) {
  EXPECT_EQ(http_exchange(server_->port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .rfind("HTTP/1.1 404 Not Found", 0),
            0u);
  EXPECT_EQ(
      http_exchange(
          server_->port(),
          "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
          .rfind("HTTP/1.1 405 Method Not Allowed", 0),
      0u);
}

TEST_F(MetricsServerTest, OversizedRequestIsRefusedWithoutGrowingMemory) {
  const std::string huge_header(64 * 1024, 'x');
  const std::string response = http_exchange(
      server_->port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + huge_header + "\r\n\r\n");
  // The server closes the connection without answering a request it will not read.
  EXPECT_EQ(response.find("200 OK"), std::string::npos);
  EXPECT_EQ(scrapes_, 0);
}

TEST(MetricsServerStart, AddressInUseIsAClearStartError) {
  asio::io_context io;
  MetricRegistry registry;
  MetricsServer first(io, registry, ListenAddress{"127.0.0.1", 0});
  first.start();
  MetricsServer second(io, registry, ListenAddress{"127.0.0.1", first.port()});
  try {
    second.start();
    FAIL() << "second bind succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" +
                                         std::to_string(first.port()) + " for metrics.listen: "),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace canhose::metrics
