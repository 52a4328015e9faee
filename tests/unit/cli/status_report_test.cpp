#include "cli/status_report.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace canhose::cli {
namespace {

using namespace std::chrono_literals;

// 2026-11-25 20:00:00 UTC
const std::chrono::system_clock::time_point kNow{std::chrono::seconds(1795636800)};

const std::string kBase =
    "canhose_build_info{version=\"1.2.3\",device=\"van-17\"} 1\n"
    "canhose_start_time_seconds 1795636675\n"
    "canhose_queue_records 37\ncanhose_queue_bytes 2150\n"
    "canhose_queue_oldest_unacked_age_seconds 0.25\n"
    "canhose_queue_drops_total{reason=\"expired\"} 0\n";

const std::string kDelivering =
    "canhose_delivery_records_total 10412\ncanhose_delivery_in_flight_requests 1\n"
    "canhose_delivery_retries_pending 0\ncanhose_delivery_paused 0\n"
    "canhose_delivery_backoff_seconds 0.1\n"
    "canhose_delivery_last_success_time_seconds 1795636798\n";

TEST(StatusReport, DeliveringDaemonWithMeasuredCanRateIsHealthy) {
  const PrometheusText before =
      PrometheusText::parse(kBase + kDelivering +
                            "canhose_can_frames_total{interface=\"can0\"} 1000\n"
                            "canhose_can_interface_up{interface=\"can0\"} 1\n"
                            "canhose_can_bus_state{interface=\"can0\"} 0\n"
                            "canhose_gps_connected 1\ncanhose_gps_fix_mode 3\n");
  const PrometheusText after =
      PrometheusText::parse(kBase + kDelivering +
                            "canhose_can_frames_total{interface=\"can0\"} 3000\n"
                            "canhose_can_interface_up{interface=\"can0\"} 1\n"
                            "canhose_can_bus_state{interface=\"can0\"} 0\n"
                            "canhose_gps_connected 1\ncanhose_gps_fix_mode 3\n");
  const StatusReport r(after, &before, 2s, kNow);
  EXPECT_TRUE(r.healthy()) << r.text();
  const std::string text = r.text();
  EXPECT_NE(text.find("canhosed 1.2.3 on device van-17, up 2 min 5 s"), std::string::npos) << text;
  EXPECT_NE(text.find("Delivery:      delivering; 10412 records delivered"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Last success:  2026-11-25 19:59:58 UTC (2 s ago)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Last error:    none since start"), std::string::npos) << text;
  EXPECT_NE(text.find("37 records waiting (queue files 2.1 KiB); oldest undelivered 0.2 s"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("GPS:           gpsd connected, 3D fix"), std::string::npos) << text;
  EXPECT_NE(text.find("CAN can0:      up, bus error-active: 1000.0 frames/s (measured over 2.0 s)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Health: OK"), std::string::npos) << text;
  EXPECT_EQ(r.json()["can"][0]["frames_per_second"], 1000.0);
  EXPECT_TRUE(r.json()["queue"]["records"].is_number_integer());
  EXPECT_EQ(r.json()["queue"]["records"], 37);
  EXPECT_EQ(r.json()["delivery"]["last_success_time"], 1795636798.0);
}

TEST(StatusReport, PausedDeliveryAndBusOffAreDegradedWithTheReasons) {
  const PrometheusText m = PrometheusText::parse(
      kBase +
      "canhose_delivery_records_total 5\ncanhose_delivery_paused 1\n"
      "canhose_delivery_paused_info{reason=\"ResourceNotFoundException (HTTP 400): no stream\"} 1\n"
      "canhose_delivery_last_error_info{error=\"ResourceNotFoundException (HTTP 400): no stream\"} "
      "1\ncanhose_delivery_last_error_time_seconds 1795636790\n"
      "canhose_can_frames_total{interface=\"can0\"} 500\n"
      "canhose_can_interface_up{interface=\"can0\"} 1\n"
      "canhose_can_bus_state{interface=\"can0\"} 3\n");
  const StatusReport r(m, nullptr, 0s, kNow);
  EXPECT_FALSE(r.healthy());
  const std::string text = r.text();
  EXPECT_NE(text.find("PAUSED by a permanent error: ResourceNotFoundException"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Last error:    2026-11-25 19:59:50 UTC (10 s ago): "
                      "ResourceNotFoundException (HTTP 400): no stream"),
            std::string::npos)
      << text;
  // One scrape: the rate is the average since start (500 frames in 125 s).
  EXPECT_NE(text.find("bus bus-off: 4.0 frames/s (average since start)"), std::string::npos)
      << text;
  ASSERT_EQ(r.problems().size(), 2u);
  EXPECT_NE(r.problems()[1].find("can0 is bus-off"), std::string::npos);
  EXPECT_EQ(r.json()["delivery"]["state"], "paused");
}

TEST(StatusReport, BackingOffIsReported) {
  const PrometheusText m = PrometheusText::parse(
      kBase +
      "canhose_delivery_records_total 5\ncanhose_delivery_paused 0\n"
      "canhose_delivery_retries_pending 2\ncanhose_delivery_backoff_seconds 8\n");
  const StatusReport r(m, nullptr, 0s, kNow);
  EXPECT_FALSE(r.healthy());
  EXPECT_NE(r.text().find("BACKING OFF: 2 batch(es) waiting to be resent (next wait up to 8 s)"),
            std::string::npos)
      << r.text();
  EXPECT_EQ(r.json()["delivery"]["state"], "backing_off");
}

TEST(StatusReport, AQueueDiskThatRefusesWritesIsDegradedWithTheError) {
  const PrometheusText m = PrometheusText::parse(
      kBase + kDelivering +
      "canhose_queue_memory_bytes 3145728\ncanhose_queue_disk_failing 1\n"
      "canhose_queue_disk_error_info{error=\"write segment: No space left on device\"} 1\n"
      "canhose_queue_disk_failing_since_seconds 1795636740\n");
  const StatusReport r(m, nullptr, 0s, kNow);
  EXPECT_FALSE(r.healthy());
  const std::string text = r.text();
  EXPECT_NE(text.find("Queue disk:    FAILING: write segment: No space left on device (since "
                      "2026-11-25 19:59:00 UTC, 1 min 0 s); 3.0 MiB of records "
                      "wait in memory"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("the queue cannot write to disk"), std::string::npos) << text;
  EXPECT_EQ(r.json()["queue"]["disk_error"], "write segment: No space left on device");

  const StatusReport fine(
      PrometheusText::parse(kBase + kDelivering + "canhose_queue_disk_failing 0\n"), nullptr, 0s,
      kNow);
  EXPECT_TRUE(fine.healthy()) << fine.text();
  EXPECT_EQ(fine.text().find("Queue disk"), std::string::npos);
  EXPECT_TRUE(fine.json()["queue"]["disk_error"].is_null());
}

// ingest.streams: each upstream stream has its own queue and delivery worker, and the
// daemon labels their metrics; each gets its own lines, and a problem names its stream.
TEST(StatusReport, SeveralStreamsEachGetTheirLinesAndNameTheirProblems) {
  const std::string text =
      "canhose_build_info{version=\"1.2.3\",device=\"van-17\"} 1\n"
      "canhose_queue_records{stream=\"vehicle\"} 37\n"
      "canhose_queue_records{stream=\"dashcam-events\"} 5\n"
      "canhose_queue_bytes{stream=\"vehicle\"} 2150\n"
      "canhose_queue_bytes{stream=\"dashcam-events\"} 400\n"
      "canhose_queue_drops_total{stream=\"vehicle\",reason=\"expired\"} 0\n"
      "canhose_queue_drops_total{stream=\"dashcam-events\",reason=\"queue_full\"} 3\n"
      "canhose_delivery_records_total{stream=\"vehicle\"} 10412\n"
      "canhose_delivery_records_total{stream=\"dashcam-events\"} 12\n"
      "canhose_delivery_paused{stream=\"vehicle\"} 0\n"
      "canhose_delivery_paused{stream=\"dashcam-events\"} 1\n"
      "canhose_delivery_paused_info{stream=\"dashcam-events\",reason=\"ResourceNotFound\"} 1\n"
      "canhose_ingest_records_total{stream=\"dashcam\",result=\"accepted\"} 17\n"
      "canhose_ingest_records_total{stream=\"dashcam\",result=\"refused\"} 3\n"
      "canhose_ingest_connections 2\n";
  const StatusReport r(PrometheusText::parse(text), nullptr, 0s, kNow);
  const std::string out = r.text();
  EXPECT_NE(out.find("Stream:        vehicle (vehicle records)\nDelivery:      delivering; 10412"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("Stream:        dashcam-events (local producers)\nDelivery:      PAUSED"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("Queue:         5 records waiting (queue files 400 B)"), std::string::npos)
      << out;
  EXPECT_NE(out.find("Ingest:        17 records accepted from local producers, 2 connection(s) "
                     "open; 3 refused while the queue was full (producers retry)"),
            std::string::npos)
      << out;
  EXPECT_FALSE(r.healthy());
  const auto& problems = r.problems();
  EXPECT_NE(std::find(problems.begin(), problems.end(),
                      "stream dashcam-events: delivery is paused: ResourceNotFound"),
            problems.end())
      << out;
  EXPECT_NE(std::find(problems.begin(), problems.end(),
                      "stream dashcam-events: the queue dropped 3 records "
                      "(canhose_queue_drops_total has the reasons)"),
            problems.end())
      << out;
  EXPECT_EQ(r.json()["streams"].size(), 2u);
  EXPECT_EQ(r.json()["streams"][1]["name"], "dashcam-events");
  EXPECT_EQ(r.json()["streams"][1]["queue"]["records"], 5);
  EXPECT_EQ(r.json()["queue"]["records"], 37);  // the vehicle's, as with one stream
  EXPECT_EQ(r.json()["ingest"]["records_accepted"], 17);
}

TEST(StatusReport, Formats) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(3.5 * 1024 * 1024), "3.5 MiB");
  EXPECT_EQ(format_age(0.25), "0.2 s");
  EXPECT_EQ(format_age(125), "2 min 5 s");
  EXPECT_EQ(format_age(3 * 86400 + 4 * 3600), "3 d 4 h");
  EXPECT_EQ(format_utc(1795636800), "2026-11-25 20:00:00 UTC");
}

}  // namespace
}  // namespace canhose::cli
