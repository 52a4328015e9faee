// canhosed serves its metrics on the configured loopback address.

#include <gtest/gtest.h>

#include <csignal>
#include <regex>

#include "asio/asio.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace canhose {
namespace {

using namespace std::chrono_literals;

std::string scrape(std::uint16_t port) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket,
              asio::buffer(std::string(
                  "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")));
  std::string response;
  boost::system::error_code ec;
  char buffer[4096];
  while (!ec) {
    response.append(buffer, socket.read_some(asio::buffer(buffer), ec));
  }
  return response;
}

TEST(CanhosedMetrics, ServesBuildInfoAndCountsReloads) {
  test::TempDir dir;
  const auto config = dir.write("canhose.yaml", "device:\n  id: van-17\nservice:\n  state_dir: " +
                                                    (dir.path() / "state").string() +
                                                    "\nmetrics:\n  listen: 127.0.0.1:0\n");
  test::NotifySocket notify(dir.path() / "notify.sock");
  test::ChildProcess child(CANHOSED_PATH, {"--config", config.string()},
                           {{"NOTIFY_SOCKET", notify.path().string()}}, dir.path());
  ASSERT_TRUE(notify.wait_for("READY=1", 10s)) << child.stderr_text();
  std::smatch m;
  const std::string err = child.stderr_text();
  ASSERT_TRUE(
      std::regex_search(err, m, std::regex(R"(metrics at http://127\.0\.0\.1:(\d+)/metrics)")))
      << err;
  const auto port = static_cast<std::uint16_t>(std::stoi(m[1]));

  std::string body = scrape(port);
  EXPECT_NE(body.find("canhose_build_info{version=\"" CANHOSE_VERSION "\",device=\"van-17\"} 1"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("canhose_config_reloads_total{result=\"applied\"} 0"), std::string::npos)
      << body;

  child.signal(SIGHUP);
  ASSERT_TRUE(notify.wait_for("READY=1", 10s));
  body = scrape(port);
  EXPECT_NE(body.find("canhose_config_reloads_total{result=\"applied\"} 1"), std::string::npos)
      << body;

  child.signal(SIGTERM);
  const auto status = child.wait_for(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 0);
}

}  // namespace
}  // namespace canhose
