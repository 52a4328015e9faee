// The decoder against gpsd's own expected output: every TPV line of the regression
// logs' .chk files is unpacked by libgps (gps_unpack) and decoded; the values must be
// the ones in the JSON.

#include "gps/gps_fix_decoder.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace canhose::gps {
namespace {

std::vector<std::string> tpv_lines(const std::string& chk_name) {
  std::ifstream in(std::string(CANHOSE_TEST_DATA_DIR) + "/nmea/" + chk_name);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("{\"class\":\"TPV\"", 0) == 0) {
      out.push_back(line);
    }
  }
  return out;
}

GpsFix unpack(std::string line, gps_data_t& data) {
  data.set = 0;
  gps_unpack(line.data(), &data);
  return decode_fix(data, std::chrono::system_clock::now(), std::chrono::steady_clock::now(),
                    std::nullopt);
}

void expect_same(double expected_json, double actual, const std::string& what) {
  EXPECT_NEAR(expected_json, actual, 1e-9) << what;
}

void check_log(const std::string& chk_name, int expected_fixes_at_least) {
  const auto lines = tpv_lines(chk_name);
  ASSERT_FALSE(lines.empty()) << chk_name;
  auto data = std::make_unique<gps_data_t>();
  int fixes = 0;
  for (const auto& line : lines) {
    const auto json = nlohmann::json::parse(line);
    const GpsFix fix = unpack(line, *data);
    ASSERT_TRUE(is_tpv_report(*data)) << line;
    const int mode = json.value("mode", 0);
    if (mode < 2) {
      EXPECT_EQ(fix.mode, FixMode::none) << line;
      EXPECT_FALSE(GpsFix::present(fix.latitude_deg)) << "no fix must not carry a position";
      EXPECT_FALSE(GpsFix::present(fix.longitude_deg));
      EXPECT_FALSE(fix.time.has_value());
      continue;
    }
    ++fixes;
    EXPECT_EQ(fix.mode, mode == 2 ? FixMode::two_d : FixMode::three_d) << line;
    expect_same(json["lat"], fix.latitude_deg, line);
    expect_same(json["lon"], fix.longitude_deg, line);
    if (json.contains("speed")) {
      expect_same(json["speed"], fix.speed_mps, line);
      expect_same(json["speed"].get<double>() * 3.6, fix.speed_kmh(), line);
    } else {
      EXPECT_FALSE(GpsFix::present(fix.speed_mps)) << line;
    }
    if (json.contains("track")) {
      expect_same(json["track"], fix.track_deg, line);
    }
    if (mode == 3 && json.contains("altHAE")) {
      expect_same(json["altHAE"], fix.altitude_hae_m, line);
      expect_same(json["altMSL"], fix.altitude_msl_m, line);
    }
    if (mode == 2) {
      EXPECT_FALSE(GpsFix::present(fix.altitude_hae_m)) << "2D fixes have no altitude";
    }
    for (const char* key : {"epx", "epy", "eps", "ept"}) {
      const double value = std::string(key) == "epx"   ? fix.epx_m
                           : std::string(key) == "epy" ? fix.epy_m
                           : std::string(key) == "eps" ? fix.eps_mps
                                                       : fix.ept_s;
      if (json.contains(key)) {
        expect_same(json[key], value, line + " " + key);
      } else {
        EXPECT_FALSE(GpsFix::present(value)) << line << " " << key;
      }
    }
    if (json.contains("time")) {
      ASSERT_TRUE(fix.time.has_value()) << line;
      // Only the time of day: the year of these old logs is not to be relied on.
      const auto tod = fix.time->time_since_epoch() % std::chrono::days(1);
      const std::string t = json["time"];
      const auto h = std::stoi(t.substr(11, 2));
      const auto m = std::stoi(t.substr(14, 2));
      const auto ms = static_cast<long>(std::stod(t.substr(17, 6)) * 1000.0 + 0.5);
      EXPECT_EQ(tod.count(), ((h * 60L + m) * 60L) * 1000L + ms) << line;
    } else {
      EXPECT_FALSE(fix.time.has_value()) << line;
    }
  }
  EXPECT_GE(fixes, expected_fixes_at_least) << chk_name;
}

TEST(GpsFixDecoder, Bt451CarFixesMatchGpsdsExpectedJson) {
  check_log("bt451.log.chk", 30);
}
TEST(GpsFixDecoder, HumminbirdBoatFixesMatchGpsdsExpectedJson) {
  check_log("humminbird-M37.log.chk", 30);
}
TEST(GpsFixDecoder, Nl2008uCarFixesMatchGpsdsExpectedJson) {
  check_log("nl2008u.log.chk", 10);
}

TEST(GpsFixDecoder, NoFixReportNeverBecomesZeroZero) {
  auto data = std::make_unique<gps_data_t>();
  const GpsFix fix = unpack(R"({"class":"TPV","mode":1,"lat":0.0,"lon":0.0})", *data);
  EXPECT_FALSE(fix.has_fix());
  EXPECT_TRUE(std::isnan(fix.latitude_deg));
  EXPECT_TRUE(std::isnan(fix.longitude_deg));
}

TEST(GpsFixDecoder, FixWithoutPositionIsReportedAsNoFix) {
  auto data = std::make_unique<gps_data_t>();
  const GpsFix fix = unpack(R"({"class":"TPV","mode":3,"time":"2026-11-25T18:00:00.000Z"})", *data);
  EXPECT_FALSE(fix.has_fix());
}

TEST(GpsFixDecoder, SkyReportIsNotATpv) {
  auto data = std::make_unique<gps_data_t>();
  std::string sky =
      R"({"class":"SKY","satellites":[{"PRN":1,"el":10,"az":20,"ss":30,"used":true}]})";
  data->set = 0;
  gps_unpack(sky.data(), data.get());
  EXPECT_FALSE(is_tpv_report(*data));
  EXPECT_NE(data->set & SATELLITE_SET, 0u);
  EXPECT_EQ(data->satellites_used, 1);
}

}  // namespace
}  // namespace canhose::gps
