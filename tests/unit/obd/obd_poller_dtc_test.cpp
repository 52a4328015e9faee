// The MIL and the stored trouble codes through ObdPoller over the simulated bus: PID 01 as
// mil and dtc_count, mode 03 only while they call for it, the codes as dtcs.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "obd_poller_fixture.hpp"

namespace canhose::obd {
namespace {

using namespace std::chrono_literals;
using test::EcuSimulator;
using test::run_until;
using test_support::ObdPollerTest;

constexpr std::uint16_t P0301 = 0x0301;  // cylinder 1 misfire
constexpr std::uint16_t P0420 = 0x0420;  // catalyst efficiency below threshold, bank 1
constexpr std::uint16_t P0700 = 0x0700;  // transmission control system malfunction
constexpr std::uint16_t C0123 = 0x4123;

ObdOptions status_options(std::chrono::milliseconds dtc_interval = 1min) {
  ObdOptions o = ObdPollerTest::fast_options({{0x0D, 20ms}, {0x01, 20ms}});
  o.dtc_interval = dtc_interval;
  return o;
}

TEST_F(ObdPollerTest, HealthyVehicleReportsTheMilOffAndIsNeverAskedForDtcs) {
  engine.set_dtcs({}, false);
  start(status_options());
  ASSERT_TRUE(run_until(io, [&] { return count("mil") >= 5; }));
  EXPECT_EQ(integers("mil"), std::vector<std::int64_t>(integers("mil").size(), 0));
  EXPECT_EQ(integers("dtc_count"), std::vector<std::int64_t>(integers("mil").size(), 0));
  // Known to be none without asking: "" with every status.
  EXPECT_EQ(texts("dtcs"), std::vector<std::string>(integers("mil").size(), ""));
  EXPECT_EQ(engine.dtc_requests, 0);
  EXPECT_EQ(requests_for_mode(0x03), 0u);
  EXPECT_EQ(count("monitor_status"), 0u);  // published as mil and dtc_count only
  EXPECT_EQ(poller->dtcs(), "");
}

TEST_F(ObdPollerTest, MilComingOnReadsTheStoredDtcsAtOnceOverMultiFrameIsoTp) {
  engine.set_dtcs({}, false);
  start(status_options());
  ASSERT_TRUE(run_until(io, [&] { return count("mil") >= 2; }));
  ASSERT_EQ(engine.dtc_requests, 0);

  engine.set_dtcs({P0301, P0420, C0123}, true);  // the MIL comes on with three codes
  ASSERT_TRUE(run_until(
      io, [&] { return !texts("dtcs").empty() && texts("dtcs").back() == "P0301 P0420 C0123"; }));
  EXPECT_EQ(integers("mil").back(), 1);
  EXPECT_EQ(integers("dtc_count").back(), 3);
  EXPECT_EQ(poller->monitor_status()->dtc_count, 3);
  EXPECT_TRUE(poller->monitor_status()->mil);
  // The old "" is not repeated once the MIL is on: the next dtcs is the list read.
  const auto mil_on = std::find_if(fields.begin(), fields.end(),
                                   [](const auto& f) { return f.name == "mil" && f.integer == 1; });
  const auto next_dtcs =
      std::find_if(mil_on, fields.end(), [](const auto& f) { return f.name == "dtcs"; });
  ASSERT_NE(next_dtcs, fields.end());
  EXPECT_EQ(next_dtcs->text, "P0301 P0420 C0123");

  // One request [01 03], answered in a first frame + consecutive frame after our flow
  // control (43 03 + six code bytes are eight bytes, one more than a single frame holds).
  EXPECT_EQ(engine.dtc_requests, 1);
  EXPECT_EQ(requests_for_mode(0x03), 1u);
  EXPECT_EQ(engine.flow_controls, 1);
  EXPECT_EQ(poller->stats().dtc_reads, 1u);
  EXPECT_EQ(log_lines_containing("MIL on, 3 DTCs reported"), 1u);
  EXPECT_EQ(log_lines_containing("stored DTCs: P0301 P0420 C0123"), 1u);

  // Later statuses repeat the list without asking again before dtc_interval (1 min).
  const std::size_t mil_now = count("mil");
  ASSERT_TRUE(run_until(io, [&] { return count("mil") >= mil_now + 3; }));
  EXPECT_EQ(texts("dtcs").back(), "P0301 P0420 C0123");
  EXPECT_EQ(engine.dtc_requests, 1);
}

TEST_F(ObdPollerTest, StoredDtcsAreReadEveryDtcIntervalUntilTheMilGoesOff) {
  engine.set_dtcs({P0420}, true);
  start(status_options(30ms));
  ASSERT_TRUE(run_until(io, [&] { return engine.dtc_requests >= 3; }));
  for (const std::string& t : texts("dtcs")) {
    EXPECT_EQ(t, "P0420");
  }
  EXPECT_EQ(poller->stats().dtc_read_failures, 0u);

  engine.set_dtcs({}, false);  // codes cleared (mode 04 by a workshop)
  ASSERT_TRUE(run_until(io, [&] { return integers("mil").back() == 0; }));
  EXPECT_EQ(texts("dtcs").back(), "");
  EXPECT_EQ(integers("dtc_count").back(), 0);
  const int reads = engine.dtc_requests;
  const std::size_t mil_now = count("mil");
  // Well past dtc_interval by the statuses that pass: nothing more is asked.
  ASSERT_TRUE(run_until(io, [&] { return count("mil") >= mil_now + 10; }));
  EXPECT_EQ(engine.dtc_requests, reads);
  EXPECT_EQ(texts("dtcs").back(), "");
}

TEST_F(ObdPollerTest, ANewDtcIsReadAtOnceWhenTheCountChanges) {
  engine.set_dtcs({P0301}, true);
  start(status_options());
  ASSERT_TRUE(run_until(io, [&] { return !texts("dtcs").empty(); }));
  EXPECT_EQ(texts("dtcs").back(), "P0301");
  engine.set_dtcs({P0301, P0420}, true);
  ASSERT_TRUE(run_until(io, [&] { return texts("dtcs").back() == "P0301 P0420"; }));
  EXPECT_EQ(integers("dtc_count").back(), 2);
  EXPECT_EQ(engine.dtc_requests, 2);  // dtc_interval is a minute: the change asked
}

TEST_F(ObdPollerTest, DtcsOfSeveralEcusAreMergedWithoutDuplicatesInCodeOrder) {
  EcuSimulator transmission(0x7E9);
  transmission.set_pid(0x0D, {0x28});
  transmission.set_dtcs({P0700, P0301}, false);  // stored, but it does not light the MIL
  engine.set_dtcs({C0123, P0301}, true);
  start(status_options(), {&engine, &transmission});
  ASSERT_TRUE(run_until(io, [&] { return !texts("dtcs").empty(); }));
  EXPECT_EQ(texts("dtcs").back(), "P0301 P0700 C0123");
  EXPECT_EQ(integers("mil").back(), 1);        // any ECU's MIL lights the lamp
  EXPECT_EQ(integers("dtc_count").back(), 4);  // what PID 01 says: 2 + 2
  EXPECT_EQ(engine.dtc_requests, 1);
  EXPECT_EQ(transmission.dtc_requests, 1);
  // Both answered the status, so both were expected and the read needed no timeout.
  EXPECT_EQ(poller->stats().timeouts, 0u);
}

TEST_F(ObdPollerTest, NegativeAnswerToMode03IsNamedAndTheReadRetriedAtTheInterval) {
  engine.set_dtcs({P0301}, true);
  engine.set_mode_negative(0x03, 0x22);
  start(status_options(30ms));
  ASSERT_TRUE(run_until(io, [&] { return poller->stats().dtc_read_failures >= 3; }));
  EXPECT_EQ(integers("mil").back(), 1);
  EXPECT_EQ(texts("dtcs"), std::vector<std::string>{});  // unknown, so missing: never ""
  EXPECT_GE(log_lines_containing("rejected mode 0x03 (stored DTCs): 7F 03 22 conditionsNotCorrect"),
            3u);
  EXPECT_EQ(log_lines_containing("cannot read the stored DTCs (mode 03; last: 7F 03 22 "
                                 "conditionsNotCorrect); asking again every 30ms"),
            1u);
  engine.clear_mode_negative(0x03);
  ASSERT_TRUE(run_until(io, [&] { return !texts("dtcs").empty(); }));
  EXPECT_EQ(texts("dtcs").back(), "P0301");
  EXPECT_EQ(log_lines_containing("the stored DTCs are read again"), 1u);
  EXPECT_EQ(poller->stats().dtc_reads, 1u);
}

TEST_F(ObdPollerTest, Mode03AnswerThatContradictsItsCountIsRejectedWithTheReason) {
  engine.set_dtcs({P0301, P0420, C0123}, true);
  engine.set_fault(0x03, 0x00, EcuSimulator::Fault::short_answer, 1);
  start(status_options(30ms));
  ASSERT_TRUE(run_until(io, [&] { return !texts("dtcs").empty(); }));
  EXPECT_EQ(texts("dtcs").back(), "P0301 P0420 C0123");
  EXPECT_EQ(poller->stats().dtc_read_failures, 1u);
  EXPECT_EQ(poller->stats().malformed_answers, 1u);
  EXPECT_EQ(log_lines_containing("ECU 0x7E8 sent an unusable list of stored DTCs: announces 3 "
                                 "DTCs (6 bytes) but carries 5 bytes"),
            1u);
  EXPECT_EQ(log_lines_containing("cannot read the stored DTCs (mode 03; last: unusable answer)"),
            1u);
}

TEST_F(ObdPollerTest, SilenceToMode03CountsAsAFailedRead) {
  engine.set_dtcs({P0301, P0420, C0123}, true);  // multi-frame, so the fault applies
  engine.set_fault(0x03, 0x00, EcuSimulator::Fault::ignore_flow_control, 1);
  ObdOptions o = status_options(30ms);
  o.isotp_timeout = 60ms;
  start(o);
  ASSERT_TRUE(run_until(io, [&] { return !texts("dtcs").empty(); }));
  EXPECT_EQ(texts("dtcs").back(), "P0301 P0420 C0123");
  EXPECT_EQ(poller->stats().dtc_read_failures, 1u);
  EXPECT_EQ(poller->isotp_stats().timeouts, 1u);
  EXPECT_EQ(log_lines_containing("cannot read the stored DTCs (mode 03; last: no answer)"), 1u);
}

}  // namespace
}  // namespace canhose::obd
