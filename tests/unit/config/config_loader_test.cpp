#include "config/config_loader.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/temp_dir.hpp"

namespace canhose::config {
namespace {

using namespace std::chrono_literals;

std::string errors_of(std::string_view yaml) {
  return base::format_errors(parse_config_text(yaml, "test.yaml").errors);
}

TEST(ConfigLoader, EmptyFileGivesTheDefaults) {
  const LoadResult r = parse_config_text("", "test.yaml");
  ASSERT_TRUE(r.ok()) << base::format_errors(r.errors);
  EXPECT_EQ(r.config.service.state_dir, "/var/lib/canhose");
  EXPECT_EQ(r.config.service.shutdown_grace, 10s);
  EXPECT_EQ(r.config.log.level, log::Severity::info);
  EXPECT_EQ(r.config.log.rate_limit_burst, 10u);
}

TEST(ConfigLoader, ReadsEveryTypedValue) {
  const LoadResult r = parse_config_text(R"(
device:
  id: van-17
  vin: 1M8GDM9AXKP042788
service:
  state_dir: /srv/canhose
  shutdown_grace: 2500ms
  status_interval: 1m
log:
  level: debug
  rate_limit_burst: 3
  rate_limit_interval: 1h30m
)",
                                         "test.yaml");
  ASSERT_TRUE(r.ok()) << base::format_errors(r.errors);
  EXPECT_EQ(r.config.device.id, "van-17");
  EXPECT_EQ(r.config.device.vin, "1M8GDM9AXKP042788");
  EXPECT_EQ(r.config.service.state_dir, "/srv/canhose");
  EXPECT_EQ(r.config.service.shutdown_grace, 2500ms);
  EXPECT_EQ(r.config.service.status_interval, 1min);
  EXPECT_EQ(r.config.log.level, log::Severity::debug);
  EXPECT_EQ(r.config.log.rate_limit_burst, 3u);
  EXPECT_EQ(r.config.log.rate_limit_interval, 90min);
}

TEST(ConfigLoader, WrongTypeNamesFileLineColumnKeyExpectedAndFound) {
  EXPECT_EQ(errors_of("log:\n  rate_limit_burst: many\n"),
            "test.yaml:2:21: log.rate_limit_burst: expected a whole number (0 or more), found "
            "\"many\"\n");
  EXPECT_EQ(errors_of("service:\n  state_dir: [a, b]\n"),
            "test.yaml:2:14: service.state_dir: expected a string, found a list\n");
  EXPECT_EQ(
      errors_of("log: verbose\n"),
      "test.yaml:1:6: log: expected a mapping of keys (key: value lines), found \"verbose\"\n");
}

TEST(ConfigLoader, BadDurationSaysWhatADurationLooksLike) {
  EXPECT_EQ(errors_of("service:\n  shutdown_grace: 10 seconds\n"),
            "test.yaml:2:19: service.shutdown_grace: expected a duration such as 250ms, 5s, 15m or "
            "1h30m, found \"10 seconds\"\n");
}

TEST(ConfigLoader, OutOfRangeValueSaysTheRange) {
  EXPECT_EQ(errors_of("service:\n  shutdown_grace: 2h\n"),
            "test.yaml:2:19: service.shutdown_grace: must be between 0s and 1h, found \"2h\"\n");
  EXPECT_EQ(errors_of("log:\n  rate_limit_burst: 0\n"),
            "test.yaml:2:21: log.rate_limit_burst: must be between 1 and 100000, found \"0\"\n");
}

TEST(ConfigLoader, UnknownKeySuggestsTheClosestKnownOne) {
  EXPECT_EQ(
      errors_of("service:\n  shutdown_grase: 5s\n"),
      "test.yaml:2:3: service.shutdown_grase: unknown key; did you mean \"shutdown_grace\"?\n");
  EXPECT_EQ(errors_of("loggging:\n  level: info\n"),
            "test.yaml:1:1: loggging: unknown key; did you mean \"log\"?\n");
}

TEST(ConfigLoader, MisplacedKeyPointsToItsSection) {
  EXPECT_EQ(errors_of("state_dir: /srv/canhose\n"),
            "test.yaml:1:1: state_dir: unknown key; \"state_dir\" belongs at service.state_dir\n");
}

TEST(ConfigLoader, UnknownKeyWithNothingCloseListsTheKnownKeys) {
  EXPECT_EQ(errors_of("log:\n  colour: red\n"),
            "test.yaml:2:3: log.colour: unknown key (known keys here: level, rate_limit_burst, "
            "rate_limit_interval)\n");
}

TEST(ConfigLoader, BadChoiceListsTheChoicesAndSuggests) {
  EXPECT_EQ(
      errors_of("log:\n  level: warn\n"),
      "test.yaml:2:10: log.level: expected one of debug, info, notice, warning or error, found "
      "\"warn\"; did you mean \"warning\"?\n");
}

TEST(ConfigLoader, SeveralMistakesAreReportedTogetherInFileOrder) {
  const LoadResult r = parse_config_text(R"(service:
  shutdown_grace: forever
  stat_dir: /x
log:
  level: loud
  rate_limit_burst: -1
device:
  vin: NOT-A-VIN
)",
                                         "canhose.yaml");
  ASSERT_EQ(r.errors.size(), 5u);
  EXPECT_EQ(
      base::format_errors(r.errors),
      "canhose.yaml:2:19: service.shutdown_grace: expected a duration such as 250ms, 5s, 15m or "
      "1h30m, found \"forever\"\n"
      "canhose.yaml:3:3: service.stat_dir: unknown key; did you mean \"state_dir\"?\n"
      "canhose.yaml:5:10: log.level: expected one of debug, info, notice, warning or error, "
      "found \"loud\"\n"
      "canhose.yaml:6:21: log.rate_limit_burst: expected a whole number (0 or more), found "
      "\"-1\"\n"
      "canhose.yaml:8:8: device.vin: expected a 17-character VIN (digits and capital letters "
      "except I, O, Q) or nothing, found \"NOT-A-VIN\"\n");
}

TEST(ConfigLoader, DuplicateKeyIsAMistake) {
  EXPECT_EQ(errors_of("log:\n  level: info\n  level: debug\n"),
            "test.yaml:3:3: log.level: key appears twice (first on line 2); remove one of them\n");
}

TEST(ConfigLoader, SyntaxErrorHasItsPosition) {
  const std::string e = errors_of("log:\n  level: [info\n");
  EXPECT_EQ(e.rfind("test.yaml:", 0), 0u) << e;
  EXPECT_NE(e.find("YAML syntax error"), std::string::npos) << e;
}

TEST(ConfigLoader, NullSectionAndNullValueKeepDefaults) {
  const LoadResult r = parse_config_text("log:\nservice:\n  shutdown_grace:\n", "test.yaml");
  ASSERT_TRUE(r.ok()) << base::format_errors(r.errors);
  EXPECT_EQ(r.config.service.shutdown_grace, 10s);
}

TEST(ConfigLoader, RelativeStateDirIsRefused) {
  EXPECT_EQ(
      errors_of("service:\n  state_dir: var/lib\n"),
      "test.yaml:2:14: service.state_dir: expected an absolute path such as /var/lib/canhose, "
      "found \"var/lib\"\n");
}

// check-config accepted proxies the daemon then refused at start-up; both now use the HTTPS
// client's parser, and no message quotes the password.
TEST(ConfigLoader, ProxyUrlIsCheckedWithTheDaemonsParser) {
  auto accepted = parse_config_text(
      "delivery:\n  proxy: \"http://user:Top/Secret@127.0.0.1:3128\"\n", "test.yaml");
  EXPECT_TRUE(accepted.ok()) << base::format_errors(accepted.errors);
  EXPECT_EQ(errors_of("delivery:\n  proxy: none\n"), "");
  EXPECT_EQ(errors_of("delivery:\n  proxy: socks5://user:Top/Secret@proxy:1080\n"),
            "test.yaml:2:10: delivery.proxy: proxy URL scheme socks5 is not supported (use an "
            "http:// proxy; the tunnel itself is TLS)\n");
  EXPECT_NE(errors_of("delivery:\n  proxy: https://proxy:3128\n").find("not supported"),
            std::string::npos);
  const std::string port = errors_of("delivery:\n  proxy: http://user:Top/Secret@proxy:Top\n");
  EXPECT_NE(port.find("test.yaml:2:10: delivery.proxy: proxy URL has an invalid port"),
            std::string::npos)
      << port;
  EXPECT_EQ(port.find("Top"), std::string::npos) << port;
  EXPECT_NE(errors_of("delivery:\n  proxy: http://proxy:3128\n  no_proxy: 10.0.0.0/99\n")
                .find("delivery.no_proxy: NO_PROXY entry '10.0.0.0/99'"),
            std::string::npos);
}

// The schema never read extended_ids: the documented key was ignored.
TEST(ConfigLoader, RawFramesExtendedIdsAreRead) {
  auto extended = parse_config_text(
      "record:\n  raw_frames:\n    enabled: true\n    extended_ids: [\"0x123\", 0x7E8]\n",
      "test.yaml");
  ASSERT_TRUE(extended.ok()) << base::format_errors(extended.errors);
  EXPECT_EQ(extended.config.raw_frames.extended_ids, (std::vector<std::uint32_t>{0x123, 0x7E8}));
  EXPECT_TRUE(extended.config.raw_frames.ids.empty());
  EXPECT_EQ(errors_of("record:\n  raw_frames:\n    extended_ids: [\"0x20000000\"]\n"),
            "test.yaml:3:19: record.raw_frames.extended_ids: \"0x20000000\" is not a CAN id "
            "(0x000 to 0x1FFFFFFF)\n");
}

// enabled: true with no ids recorded nothing and said nothing.
TEST(ConfigLoader, RawFramesEnabledNeedsIdsOrAll) {
  auto all =
      parse_config_text("record:\n  raw_frames:\n    enabled: true\n    ids: all\n", "test.yaml");
  ASSERT_TRUE(all.ok()) << base::format_errors(all.errors);
  EXPECT_TRUE(all.config.raw_frames.all_ids);
  EXPECT_TRUE(all.config.raw_frames.ids.empty());
  auto listed = parse_config_text(
      "record:\n  raw_frames:\n    enabled: true\n    ids: [\"0x7E8\", \"0x18FEF100\"]\n",
      "test.yaml");
  ASSERT_TRUE(listed.ok()) << base::format_errors(listed.errors);
  EXPECT_FALSE(listed.config.raw_frames.all_ids);
  EXPECT_EQ(listed.config.raw_frames.ids, (std::vector<std::uint32_t>{0x7E8, 0x18FEF100}));
  const std::string hint =
      "raw frames are enabled but no ids are selected: write `ids: all` to record every frame, "
      "or list the ids, e.g. ids: [\"0x7E8\", \"0x18FEF100\"]\n";
  EXPECT_EQ(errors_of("record:\n  raw_frames:\n    enabled: true\n"),
            "test.yaml:3:14: record.raw_frames.enabled: " + hint);
  EXPECT_EQ(errors_of("record:\n  raw_frames:\n    enabled: true\n    ids: []\n"),
            "test.yaml:4:10: record.raw_frames.ids: " + hint);
  EXPECT_NE(errors_of("record:\n  raw_frames:\n    enabled: true\n    ids: [all, \"0x7E8\"]\n")
                .find("\"all\" stands alone"),
            std::string::npos);
  // Disabled with no ids (the shipped file) is fine.
  EXPECT_EQ(errors_of("record:\n  raw_frames:\n    enabled: false\n    ids: []\n"), "");
}

TEST(ConfigLoader, MissingFileSaysWhy) {
  const LoadResult r = load_config_file("/nonexistent/canhose.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(
      r.errors[0].to_string(),
      "/nonexistent/canhose.yaml: cannot read the configuration file: No such file or directory");
}

TEST(ConfigLoader, FileLoadFillsDeviceIdFromHostName) {
  test::TempDir dir;
  const LoadResult r = load_config_file(dir.write("c.yaml", "log:\n  level: info\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.config.device.id.empty());
}

}  // namespace
}  // namespace canhose::config

namespace canhose::config {
namespace {

TEST(ConfigLoader, ObdPidsByNameOrNumberAndUnknownOnesAreMistakes) {
  const LoadResult ok = parse_config_text(
      "sources:\n  obd:\n    enabled: true\n    pids:\n      - {pid: speed, period: 500ms}\n"
      "      - {pid: \"0x0C\", period: 2s}\n",
      "test.yaml");
  ASSERT_TRUE(ok.ok()) << base::format_errors(ok.errors);
  ASSERT_EQ(ok.config.sources.obd.pids.size(), 2u);
  EXPECT_EQ(ok.config.sources.obd.pids[0].pid, 0x0D);
  EXPECT_EQ(ok.config.sources.obd.pids[1].pid, 0x0C);
  EXPECT_EQ(ok.config.sources.obd.pids[1].period, std::chrono::seconds(2));
  EXPECT_EQ(
      base::format_errors(
          parse_config_text("sources:\n  obd:\n    pids:\n      - {pid: warp_speed}\n", "t.yaml")
              .errors),
      "t.yaml:4:15: sources.obd.pids[0].pid: expected a mode 01 PID canhose decodes, by name "
      "(speed, "
      "rpm, coolant_temp, maf, fuel_rate, ...) or number (0x0D); see docs/obd.md, found "
      "\"warp_speed\"\n");
}

TEST(ConfigLoader, ObdMonitorStatusByNameAndTheDtcIntervalWithItsRange) {
  const LoadResult ok = parse_config_text(
      "sources:\n  obd:\n    enabled: true\n    pids:\n      - {pid: monitor_status, period: "
      "5s}\n    dtc_interval: 2m\n",
      "test.yaml");
  ASSERT_TRUE(ok.ok()) << base::format_errors(ok.errors);
  ASSERT_EQ(ok.config.sources.obd.pids.size(), 1u);
  EXPECT_EQ(ok.config.sources.obd.pids[0].pid, 0x01);
  EXPECT_EQ(ok.config.sources.obd.dtc_interval, std::chrono::minutes(2));
  EXPECT_EQ(base::format_errors(
                parse_config_text("sources:\n  obd:\n    dtc_interval: 5ms\n", "t.yaml").errors),
            "t.yaml:3:19: sources.obd.dtc_interval: must be between 10ms and 1h, found \"5ms\"\n");
}

TEST(ConfigLoader, ObdTimingKeysTheDocsListAreRead) {
  const LoadResult ok = parse_config_text(
      "sources:\n  obd:\n    enabled: true\n    request_id: 0x7E0\n    isotp_timeout: 2s\n"
      "    failures_before_backoff: 5\n    max_backoff: 2m\n    discovery_retry_initial: 2s\n"
      "    discovery_retry_max: 1m\n    vin_retry_initial: 10s\n    vin_retry_max: 10m\n",
      "test.yaml");
  ASSERT_TRUE(ok.ok()) << base::format_errors(ok.errors);
  const obd::ObdOptions& o = ok.config.sources.obd;
  EXPECT_EQ(o.request_id, 0x7E0u);
  EXPECT_EQ(o.isotp_timeout, std::chrono::seconds(2));
  EXPECT_EQ(o.failures_before_backoff, 5u);
  EXPECT_EQ(o.max_backoff, std::chrono::minutes(2));
  EXPECT_EQ(o.discovery_retry_initial, std::chrono::seconds(2));
  EXPECT_EQ(o.discovery_retry_max, std::chrono::minutes(1));
  EXPECT_EQ(o.vin_retry_initial, std::chrono::seconds(10));
  EXPECT_EQ(o.vin_retry_max, std::chrono::minutes(10));

  EXPECT_EQ(base::format_errors(
                parse_config_text("sources:\n  obd:\n    request_id: 0x800\n", "t.yaml").errors),
            "t.yaml:3:17: sources.obd.request_id: expected an 11-bit CAN id (0x000 to 0x7FF; "
            "0x7DF is the functional id), found \"0x800\"\n");
  // The relations between keys are checked too (check_options).
  EXPECT_NE(base::format_errors(parse_config_text("sources:\n  obd:\n    enabled: true\n"
                                                  "    vin_retry_initial: 10m\n",
                                                  "t.yaml")
                                    .errors)
                .find("vin_retry_initial must be positive and at most vin_retry_max"),
            std::string::npos);
}

TEST(ConfigLoader, CanInterfacesAndReplaySpeedAreChecked) {
  EXPECT_EQ(
      base::format_errors(
          parse_config_text("sources:\n  replay:\n    speed: fast\n", "t.yaml").errors),
      "t.yaml:3:12: sources.replay.speed: expected max, 0, or a speed factor from 0.001 to 1000 (2 "
      "= "
      "twice real time), found \"fast\"\n");
  EXPECT_EQ(
      base::format_errors(
          parse_config_text(
              "sources:\n  can:\n    enabled: true\n    interfaces:\n      - fd: true\n", "t.yaml")
              .errors),
      "t.yaml:5:9: sources.can.interfaces[0].name: every interface needs a name such as can0\n");
}

}  // namespace
}  // namespace canhose::config
