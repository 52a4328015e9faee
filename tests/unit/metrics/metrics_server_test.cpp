// The scrape endpoint over a real loopback TCP connection.

#include "metrics/metrics_server.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

#include "support/loop_calls.hpp"

namespace canhose::metrics {
namespace {

using tcp = asio::ip::tcp;

// A blocking HTTP/1.1 exchange on its own io_context, as curl would do it.
std::string http_exchange(std::uint16_t port, const std::string& request) {
  asio::io_context client_io;
  tcp::socket socket(client_io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  // A server that refuses a request may close while the request is still being written
  // (a reset under load); what it answered, if anything, is still read below.
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(request), ec);
  std::string response;
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

// A client connection from `source` (any 127.0.0.0/8 address is local on Linux, so tests
// can play several client machines), connected and idle.
tcp::socket connect_from(asio::io_context& io, const std::string& source, std::uint16_t port) {
  tcp::socket socket(io);
  socket.open(tcp::v4());
  socket.bind(tcp::endpoint(asio::ip::make_address(source), 0));
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  return socket;
}

// Whether the server closes `socket` (end of file or reset) before anything is read;
// gives up after a generous 30 s so that a broken server fails the test, not hangs it.
bool closed_by_server(tcp::socket& socket) {
  timeval limit{30, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  char byte = 0;
  const ssize_t n = ::recv(socket.native_handle(), &byte, 1, 0);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.add_collector([this](std::vector<MetricFamily>& out) {
      ++scrapes_;
      out.push_back({"canhose_test_scrapes_total",
                     huge_answer_ ? std::string(32 << 20, 'h') : "scrapes so far",
                     MetricType::counter,
                     {{{}, static_cast<double>(scrapes_)}}});
    });
  }
  void start(MetricsServerOptions options = {}) {
    server_ =
        std::make_unique<MetricsServer>(io_, registry_, ListenAddress{"127.0.0.1", 0}, options);
    // As the composition root does: the server's own counters are served with the rest.
    registry_.add_collector(
        [this](std::vector<MetricFamily>& out) { server_->collect_metrics(out); });
    server_->start();
    loop_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (!server_) {
      return;
    }
    asio::post(io_, [this] { server_->async_stop({}, [] {}); });
    io_.stop();
    loop_.join();
  }

  template <class F>
  auto on_loop(F f) {
    return test::on_loop(io_, std::move(f));
  }
  template <class F>
  bool eventually(F condition) {
    return test::eventually_on_loop(io_, std::move(condition));
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  asio::io_context client_io_;
  MetricRegistry registry_;
  int scrapes_ = 0;  // touched on the loop only
  bool huge_answer_ = false;
  std::unique_ptr<MetricsServer> server_;
  std::thread loop_;
};

TEST_F(MetricsServerTest, ServesTheRegistryAtSlashMetrics) {
  start();
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
  start();
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
  start();
  const std::string huge_header(64 * 1024, 'x');
  const std::string response = http_exchange(
      server_->port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + huge_header + "\r\n\r\n");
  // The server closes the connection without answering a request it will not read.
  EXPECT_EQ(response.find("200 OK"), std::string::npos);
  EXPECT_EQ(on_loop([this] { return scrapes_; }), 0);
}

// Issue 14: eight idle connections used to lock `canhose status` out (exit 3). Idle
// connections from the scraper's own address are replaced by new ones, and those from
// other addresses fit in the larger connection limit.
TEST_F(MetricsServerTest, IdleConnectionsDoNotLockAScrapeOut) {
  start();
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 20; ++i) {
    idle.push_back(connect_from(client_io_, "127.0.0.1", server_->port()));
  }
  for (int machine = 2; machine <= 6; ++machine) {
    for (int i = 0; i < 8; ++i) {
      idle.push_back(
          connect_from(client_io_, "127.0.0." + std::to_string(machine), server_->port()));
    }
  }
  // 8 from 127.0.0.1 (12 replaced) plus 5 x 8 from the other addresses.
  ASSERT_TRUE(eventually([this] {
    return server_->connections() == 48 && server_->counters().replaced_while_waiting == 12;
  }));

  const std::string response = http_exchange(
      server_->port(), "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("canhose_metrics_connections_closed_total{reason=\"replaced_while_"
                          "waiting\"} 13"),
            std::string::npos)
      << response;
  EXPECT_EQ(on_loop([this] {
              return server_->counters().refused_per_address_limit +
                     server_->counters().refused_connection_limit;
            }),
            0u);
}

TEST_F(MetricsServerTest, PerAddressLimitReplacesTheOldestIdleConnection) {
  MetricsServerOptions options;
  options.max_connections_per_address = 3;
  start(options);
  std::vector<tcp::socket> a;
  for (int i = 0; i < 3; ++i) {
    a.push_back(connect_from(client_io_, "127.0.0.2", server_->port()));
    const std::size_t expected = a.size();
    ASSERT_TRUE(eventually([this, expected] { return server_->connections() == expected; }));
  }
  tcp::socket other = connect_from(client_io_, "127.0.0.3", server_->port());
  ASSERT_TRUE(eventually([this] { return server_->connections() == 4; }));

  // A fourth from 127.0.0.2 takes the place of that address's oldest, not of 127.0.0.3's.
  a.push_back(connect_from(client_io_, "127.0.0.2", server_->port()));
  EXPECT_TRUE(closed_by_server(a.front()));
  ASSERT_TRUE(eventually([this] {
    return server_->connections() == 4 && server_->counters().replaced_while_waiting == 1;
  }));

  // The connections that stayed are served.
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  for (tcp::socket* s : {&a[1], &a[3], &other}) {
    asio::write(*s, asio::buffer(request));
    std::string response;
    boost::system::error_code ec;
    asio::read(*s, asio::dynamic_buffer(response), ec);
    EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  }
}

TEST_F(MetricsServerTest, ConnectionsBeingAnsweredAreNotReplacedAndANewOneIsRefused) {
  MetricsServerOptions options;
  options.max_connections = 2;
  options.write_timeout = std::chrono::minutes(5);
  start(options);
  on_loop([this] { return huge_answer_ = true; });
  // Two clients ask for a 32 MiB answer and do not read it: both connections stay busy
  // writing (more than any loopback socket buffer holds).
  std::vector<tcp::socket> busy;
  for (const char* source : {"127.0.0.2", "127.0.0.3"}) {
    busy.push_back(connect_from(client_io_, source, server_->port()));
    asio::write(busy.back(), asio::buffer(std::string("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")));
  }
  ASSERT_TRUE(eventually([this] { return scrapes_ == 2; }));

  tcp::socket refused = connect_from(client_io_, "127.0.0.4", server_->port());
  EXPECT_TRUE(closed_by_server(refused));
  ASSERT_TRUE(eventually([this] { return server_->counters().refused_connection_limit == 1; }));
  EXPECT_EQ(on_loop([this] { return server_->connections(); }), 2u);
  EXPECT_EQ(on_loop([this] { return server_->counters().replaced_while_waiting; }), 0u);
}

TEST_F(MetricsServerTest, AConnectionThatSendsNoWholeRequestIsClosedAfterTheRequestTimeout) {
  MetricsServerOptions options;
  options.request_timeout = std::chrono::milliseconds(20);
  start(options);
  tcp::socket silent = connect_from(client_io_, "127.0.0.1", server_->port());
  tcp::socket partial = connect_from(client_io_, "127.0.0.1", server_->port());
  asio::write(partial, asio::buffer(std::string("GET /metrics HTTP/1.1\r\nHost: x\r\n")));
  EXPECT_TRUE(closed_by_server(silent));
  EXPECT_TRUE(closed_by_server(partial));
  ASSERT_TRUE(eventually(
      [this] { return server_->connections() == 0 && server_->counters().request_timeouts == 2; }));
  EXPECT_EQ(on_loop([this] { return scrapes_; }), 0);
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
