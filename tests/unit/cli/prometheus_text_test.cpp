#include "cli/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "metrics/metric_family.hpp"

namespace canhose::cli {
namespace {

TEST(PrometheusText, ReadsWhatTheDaemonRendersIncludingEscapedLabels) {
  std::vector<metrics::MetricFamily> families = {
      {"canhose_queue_records", "records", metrics::MetricType::gauge, {{{}, 37}}},
      {"canhose_delivery_last_error_info",
       "error",
       metrics::MetricType::gauge,
       {{{{"error", "Throttled (HTTP 503): \"slow\" \\ down\nnow"}}, 1}}},
      {"canhose_can_frames_total",
       "frames",
       metrics::MetricType::counter,
       {{{{"interface", "can0"}}, 12}, {{{"interface", "can1"}}, 1.5e9}}}};
  const PrometheusText m = PrometheusText::parse(metrics::render_prometheus(families));
  EXPECT_EQ(m.malformed_lines(), 0u);
  EXPECT_EQ(m.value("canhose_queue_records"), 37);
  EXPECT_EQ(m.label("canhose_delivery_last_error_info", "error"),
            "Throttled (HTTP 503): \"slow\" \\ down\nnow");
  EXPECT_EQ(m.value("canhose_can_frames_total", {{"interface", "can1"}}), 1.5e9);
  EXPECT_EQ(m.value("canhose_can_frames_total", {{"interface", "can0"}}), 12);
  EXPECT_FALSE(m.value("canhose_can_frames_total", {{"interface", "can9"}}));
  EXPECT_FALSE(m.has("canhose_gps_connected"));
  EXPECT_EQ(m.samples("canhose_can_frames_total").size(), 2u);
}

TEST(PrometheusText, BrokenLinesAreCountedAndTheRestIsRead) {
  const PrometheusText m = PrometheusText::parse(
      "# HELP a x\r\na 1\r\nb{x=\"unterminated} 2\n{} 3\nc notanumber\nd{k=\"v\"} +Inf 1700\n"
      "e 4 1700000000\n");
  EXPECT_EQ(m.malformed_lines(), 3u);
  EXPECT_EQ(m.value("a"), 1);
  EXPECT_TRUE(std::isinf(*m.value("d", {{"k", "v"}})));
  EXPECT_EQ(m.value("e"), 4);  // the timestamp is ignored
}

}  // namespace
}  // namespace canhose::cli
