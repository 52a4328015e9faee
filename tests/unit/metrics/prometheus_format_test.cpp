#include <gtest/gtest.h>

#include "metrics/metric_family.hpp"
#include "metrics/metric_registry.hpp"
#include "metrics/metrics_server.hpp"

namespace canhose::metrics {
namespace {

TEST(PrometheusFormat, RendersHelpTypeLabelsAndValues) {
  const std::vector<MetricFamily> families{
      {"canhose_queue_drops_total",
       "records dropped, by reason",
       MetricType::counter,
       {{{{"reason", "queue_full"}}, 17}, {{{"reason", "too_old"}}, 0}}},
      {"canhose_queue_oldest_age_seconds",
       "age of the oldest unacknowledged record",
       MetricType::gauge,
       {{{}, 1.5}}},
  };
  EXPECT_EQ(render_prometheus(families),
            "# HELP canhose_queue_drops_total records dropped, by reason\n"
            "# TYPE canhose_queue_drops_total counter\n"
            "canhose_queue_drops_total{reason=\"queue_full\"} 17\n"
            "canhose_queue_drops_total{reason=\"too_old\"} 0\n"
            "# HELP canhose_queue_oldest_age_seconds age of the oldest unacknowledged record\n"
            "# TYPE canhose_queue_oldest_age_seconds gauge\n"
            "canhose_queue_oldest_age_seconds 1.5\n");
}

TEST(PrometheusFormat, EscapesLabelValuesAndHelp) {
  const std::vector<MetricFamily> families{
      {"m", "line\nbreak \\ here", MetricType::gauge, {{{{"path", "a\"b\\c\nd"}}, 1}}}};
  EXPECT_EQ(render_prometheus(families),
            "# HELP m line\\nbreak \\\\ here\n# TYPE m gauge\nm{path=\"a\\\"b\\\\c\\nd\"} 1\n");
}

// Two delivery workers report the same families; the scrape shows each name once, every
// sample with its stream, as Prometheus requires.
TEST(PrometheusFormat, PartsRunningPerStreamAreLabelledAndMergedUnderOneName) {
  const auto worker = [](double records) {
    return std::vector<MetricFamily>{
        {"canhose_delivery_records_total", "records", MetricType::counter, {{{}, records}}},
        {"canhose_delivery_requests_total",
         "requests",
         MetricType::counter,
         {{{{"result", "ok"}}, 1}}}};
  };
  MetricRegistry registry;
  registry.add_collector([&](auto& out) {
    auto own = worker(5);
    add_label(own, "stream", "vehicle");
    out.insert(out.end(), own.begin(), own.end());
  });
  registry.add_collector([](auto& out) {
    out.push_back({"canhose_build_info", "build", MetricType::gauge, {{{}, 1}}});
  });
  registry.add_collector([&](auto& out) {
    auto own = worker(7);
    add_label(own, "stream", "dashcam-events");
    out.insert(out.end(), own.begin(), own.end());
  });
  EXPECT_EQ(registry.render(),
            "# HELP canhose_delivery_records_total records\n"
            "# TYPE canhose_delivery_records_total counter\n"
            "canhose_delivery_records_total{stream=\"vehicle\"} 5\n"
            "canhose_delivery_records_total{stream=\"dashcam-events\"} 7\n"
            "# HELP canhose_delivery_requests_total requests\n"
            "# TYPE canhose_delivery_requests_total counter\n"
            "canhose_delivery_requests_total{stream=\"vehicle\",result=\"ok\"} 1\n"
            "canhose_delivery_requests_total{stream=\"dashcam-events\",result=\"ok\"} 1\n"
            "# HELP canhose_build_info build\n"
            "# TYPE canhose_build_info gauge\n"
            "canhose_build_info 1\n");
}

TEST(ListenAddress, AcceptsIpv4AndBracketedIpv6) {
  std::string error;
  auto v4 = parse_listen_address("127.0.0.1:9464", error);
  ASSERT_TRUE(v4) << error;
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9464);
  auto v6 = parse_listen_address("[::1]:0", error);
  ASSERT_TRUE(v6) << error;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
}

TEST(ListenAddress, RejectsWithAReason) {
  std::string error;
  EXPECT_FALSE(parse_listen_address("9464", error));
  EXPECT_EQ(error, "expected address:port such as 127.0.0.1:9464");
  EXPECT_FALSE(parse_listen_address("localhost:9464", error));
  EXPECT_EQ(error, "\"localhost\" is not an IP address (host names are not accepted here)");
  EXPECT_FALSE(parse_listen_address("127.0.0.1:70000", error));
  EXPECT_EQ(error, "the port must be a number from 0 to 65535");
  EXPECT_FALSE(parse_listen_address("[::1:9464", error));
}

}  // namespace
}  // namespace canhose::metrics
