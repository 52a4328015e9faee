// GpsdClient against a real gpsd (gpsfake replaying the real NMEA logs).

#include "gps/gpsd_client.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "gps/gps_metrics.hpp"
#include "metrics/metric_family.hpp"
#include "support/gpsfake_server.hpp"

namespace canhose::gps {
namespace {

using namespace std::chrono_literals;

const std::string kData = std::string(CANHOSE_TEST_DATA_DIR) + "/nmea/";

struct ExpectedFix {
  double lat;
  double lon;
  double speed;  // NaN when the TPV has none
};

// The 2D/3D TPVs gpsd itself expects for a log (its regression .chk file).
std::vector<ExpectedFix> expected_fixes(const std::string& chk) {
  std::ifstream in(kData + chk);
  std::vector<ExpectedFix> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("{\"class\":\"TPV\"", 0) != 0) {
      continue;
    }
    const auto j = nlohmann::json::parse(line);
    if (j.value("mode", 0) >= 2) {
      out.push_back(
          {j["lat"], j["lon"], j.contains("speed") ? j["speed"].get<double>() : GpsFix::missing});
    }
  }
  return out;
}

// The position must be one gpsd expects for this log. gpsd's regression run and a live
// run differ in timing, so a live TPV may lack a speed gpsd's run had, or carry one gpsd
// derived from successive positions; where the .chk has speeds for that position, the
// live speed must be one of them.
bool matches_some(const GpsFix& fix, const std::vector<ExpectedFix>& expected) {
  bool position_seen = false;
  bool speed_known = false;
  bool speed_matches = false;
  for (const auto& e : expected) {
    if (std::fabs(e.lat - fix.latitude_deg) < 1e-9 && std::fabs(e.lon - fix.longitude_deg) < 1e-9) {
      position_seen = true;
      if (!std::isnan(e.speed)) {
        speed_known = true;
        speed_matches = speed_matches || std::fabs(e.speed - fix.speed_mps) < 1e-9;
      }
    }
  }
  return position_seen && (!speed_known || !GpsFix::present(fix.speed_mps) || speed_matches);
}

// Runs the loop until `done` or a generous limit (a hung gpsd must not hang the test).
bool run_until(asio::io_context& io, const std::function<bool()>& done,
               std::chrono::seconds limit = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(50ms);
  }
  return done();
}

GpsdOptions options_for(std::uint16_t port) {
  GpsdOptions o;
  o.enabled = true;
  o.host = "127.0.0.1";
  o.port = port;
  o.reconnect_min = 50ms;
  o.reconnect_max = 400ms;
  o.max_fix_age = 1500ms;
  return o;
}

TEST(GpsdClient, Bt451FixesArriveAsGpsdExpectsThemThenGoStale) {
  const auto expected = expected_fixes("bt451.log.chk");
  ASSERT_GT(expected.size(), 30u);
  const auto port = test::free_loopback_port();
  // Start the client first: it must keep retrying until gpsd listens.
  asio::io_context io;
  GpsdClient client(io, options_for(port));
  std::vector<GpsFix> fixes;
  std::vector<std::pair<std::chrono::sys_time<std::chrono::milliseconds>,
                        std::chrono::system_clock::time_point>>
      times;
  client.on_fix([&](const GpsFix& f) { fixes.push_back(f); });
  client.on_gps_time([&](auto utc, auto local) { times.emplace_back(utc, local); });
  client.start();
  io.run_for(200ms);
  EXPECT_GE(client.counters().connect_failures, 1u);
  EXPECT_FALSE(client.current_fix().has_fix());

  test::GpsfakeServer gpsd(kData + "bt451.log", port, /*once=*/true);
  // The last position of the log (a car at speed, 16.462 m/s).
  auto saw_last = [&] {
    for (const auto& f : fixes) {
      if (f.has_fix() && std::fabs(f.latitude_deg - 55.780329167) < 1e-9) {
        return true;
      }
    }
    return false;
  };
  ASSERT_TRUE(run_until(io, saw_last)) << gpsd.stderr_text();
  EXPECT_EQ(client.state(), GpsdClient::State::streaming);
  EXPECT_EQ(client.counters().connects, 1u);

  std::set<std::pair<double, double>> positions;
  bool saw_3d = false;
  for (const auto& f : fixes) {
    if (!f.has_fix()) {
      EXPECT_TRUE(std::isnan(f.latitude_deg));  // never 0,0
      continue;
    }
    EXPECT_TRUE(matches_some(f, expected)) << "unexpected fix " << f.latitude_deg << ","
                                           << f.longitude_deg << " speed " << f.speed_mps;
    positions.emplace(f.latitude_deg, f.longitude_deg);
    saw_3d = saw_3d || f.mode == FixMode::three_d;
  }
  EXPECT_TRUE(saw_3d);
  EXPECT_GE(positions.size(), 8u);  // the log has 10 distinct positions

  // GPS time: only from fixes, times of day as in the log (15:25:05.500 etc.).
  ASSERT_FALSE(times.empty());
  for (const auto& [utc, local] : times) {
    const auto tod = utc.time_since_epoch() % std::chrono::days(1);
    EXPECT_TRUE((tod >= 14h + 33min && tod <= 14h + 34min) ||
                (tod >= 15h + 25min && tod <= 15h + 26min))
        << tod.count();
    EXPECT_NE(local.time_since_epoch().count(), 0);
  }

  // The log is over: no report for max_fix_age means "no fix", honestly.
  ASSERT_TRUE(run_until(io, [&] { return !fixes.back().has_fix(); }));
  EXPECT_FALSE(client.current_fix().has_fix());
  EXPECT_EQ(client.counters().stale_fixes, 1u);
  EXPECT_TRUE(std::isnan(fixes.back().latitude_deg));
}

TEST(GpsdClient, HumminbirdBoatPositionsMatchGpsdsExpectedOutput) {
  const auto expected = expected_fixes("humminbird-M37.log.chk");
  const auto port = test::free_loopback_port();
  test::GpsfakeServer gpsd(kData + "humminbird-M37.log", port, /*once=*/true);
  asio::io_context io;
  GpsdClient client(io, options_for(port));
  std::vector<GpsFix> fixes;
  client.on_fix([&](const GpsFix& f) { fixes.push_back(f); });
  client.start();
  // Time goes backwards once in this log (19:41:24 -> 19:41:11); the last TPV's position.
  ASSERT_TRUE(run_until(io, [&] {
    return !fixes.empty() && fixes.back().has_fix() &&
           std::fabs(fixes.back().latitude_deg - expected.back().lat) < 1e-9;
  })) << gpsd.stderr_text();
  std::size_t with_fix = 0;
  for (const auto& f : fixes) {
    if (f.has_fix()) {
      ++with_fix;
      EXPECT_TRUE(matches_some(f, expected)) << f.latitude_deg << "," << f.longitude_deg;
      EXPECT_LT(f.longitude_deg, -71.0);  // western hemisphere: the sign survived
    }
  }
  // gpsd sniffs the device's protocol on the first sentences, so how many early fixes
  // a live run reports varies (14-18 seen); the .chk run has 37.
  EXPECT_GE(with_fix, 10u);
}

TEST(GpsdClient, ReconnectsAfterGpsdIsKilledAndFixesResume) {
  const auto port = test::free_loopback_port();
  asio::io_context io;
  GpsdClient client(io, options_for(port));
  std::vector<GpsFix> fixes;
  client.on_fix([&](const GpsFix& f) { fixes.push_back(f); });
  client.start();

  auto gpsd = std::make_unique<test::GpsfakeServer>(kData + "bt451.log", port, /*once=*/false);
  ASSERT_TRUE(run_until(io, [&] { return client.counters().fixes >= 3; })) << gpsd->stderr_text();
  EXPECT_EQ(client.counters().connects, 1u);

  gpsd->kill_gpsd();  // SIGKILL gpsd mid-stream
  gpsd.reset();
  ASSERT_TRUE(run_until(io, [&] { return client.counters().disconnects == 1; }));
  // The loss is reported as "no fix" at once, not left as a frozen position.
  EXPECT_FALSE(fixes.back().has_fix());
  EXPECT_FALSE(client.current_fix().has_fix());
  // gpsd is down: the client keeps trying, backing off (50, 100, 200, 400, 400 ms...),
  // so one second holds a handful of attempts, never a busy loop.
  const auto failures_before = client.counters().connect_failures;
  const auto one_second = std::chrono::steady_clock::now() + 1s;
  while (std::chrono::steady_clock::now() < one_second) {
    io.restart();
    io.run_until(one_second);
  }
  const auto failures = client.counters().connect_failures - failures_before;
  EXPECT_GE(failures, 1u);
  EXPECT_LE(failures, 8u);
  EXPECT_NE(client.state(), GpsdClient::State::streaming);

  const auto fixes_before = client.counters().fixes;
  test::GpsfakeServer restarted(kData + "bt451.log", port, /*once=*/false);
  ASSERT_TRUE(run_until(io, [&] { return client.counters().fixes >= fixes_before + 3; }))
      << restarted.stderr_text();
  EXPECT_EQ(client.counters().connects, 2u);
  std::vector<metrics::MetricFamily> families;
  metrics_collector(client)(families);
  const std::string text = metrics::render_prometheus(families);
  EXPECT_NE(text.find("canhose_gps_connects_total 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("canhose_gps_disconnects_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("canhose_gps_connected 1\n"), std::string::npos) << text;
  EXPECT_TRUE(fixes.back().has_fix());
  EXPECT_TRUE(client.current_fix().has_fix());
  EXPECT_NEAR(client.current_fix().latitude_deg, 55.79, 0.02);
}

TEST(GpsdClient, StopClosesAndStartReconnects) {
  const auto port = test::free_loopback_port();
  test::GpsfakeServer gpsd(kData + "bt451.log", port, /*once=*/false);
  asio::io_context io;
  auto options = options_for(port);
  options.host = "localhost";  // a name: resolved asynchronously, libgps gets the address
  GpsdClient client(io, options);
  client.start();
  ASSERT_TRUE(run_until(io, [&] { return client.counters().tpv_reports >= 2; }))
      << gpsd.stderr_text();
  client.stop();
  EXPECT_EQ(client.state(), GpsdClient::State::stopped);
  const auto reports = client.counters().reports;
  io.restart();
  io.run_for(300ms);
  EXPECT_EQ(client.counters().reports, reports);  // nothing read after stop()
  client.start();
  ASSERT_TRUE(run_until(io, [&] { return client.counters().reports > reports; }));
  EXPECT_EQ(client.counters().connects, 2u);
}

}  // namespace
}  // namespace canhose::gps
