#include "obd/obd_poller.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "obd_poller_fixture.hpp"

namespace canhose::obd {
namespace {

using namespace std::chrono_literals;
using test::EcuSimulator;
using test::run_for;
using test::run_until;
using test_support::ObdPollerTest;
using test_support::Published;

TEST_F(ObdPollerTest, PollsEachSupportedPidWithOnePidPerRequest) {
  start(fast_options({{0x0D, 30ms}, {0x0C, 30ms}, {0x05, 60ms}}));
  ASSERT_TRUE(run_until(
      io, [&] { return count("speed") >= 3 && count("rpm") >= 3 && count("coolant_temp") >= 2; }));
  EXPECT_EQ(all("speed")[0].value, 60.0);
  EXPECT_EQ(all("speed")[0].unit, "km/h");
  EXPECT_EQ(all("rpm")[0].value, 1726.0);
  EXPECT_EQ(all("rpm")[0].unit, "rpm");
  EXPECT_EQ(all("coolant_temp")[0].value, 83.0);
  EXPECT_EQ(all("coolant_temp")[0].unit, "degC");
  EXPECT_GT(all("speed")[0].timestamp_ns, 1'600'000'000'000'000'000);

  // The first request asks for the supported-PID bitmap; every request is a single frame
  // carrying exactly one mode 01 PID, padded to 8 bytes.
  ASSERT_FALSE(bus.log.empty());
  EXPECT_EQ(bus.log[0].frame.data[1], 0x01);
  EXPECT_EQ(bus.log[0].frame.data[2], 0x00);
  for (const auto& e : bus.log) {
    if (e.from_tester) {
      EXPECT_EQ(e.frame.id, 0x7DFu);
      EXPECT_EQ(e.frame.len, 8);
      EXPECT_EQ(e.frame.data[0], 0x02);
    }
  }
  EXPECT_EQ(engine.multi_pid_requests, 0);
  EXPECT_EQ(poller->stats().timeouts, 0u);
}

TEST_F(ObdPollerTest, NeverMoreThanOneRequestOutstanding) {
  engine.response_delay = 5ms;
  ObdOptions o = fast_options({{0x0D, 10ms}, {0x0C, 10ms}, {0x05, 10ms}, {0x10, 10ms}});
  o.co2 = false;  // one published value per answer
  start(o);
  ASSERT_TRUE(run_until(io, [&] { return values.size() >= 40; }));
  // The engine answers every request with one frame; a second request before that answer
  // would show up as two tester frames in a row.
  bool previous_from_tester = false;
  std::size_t requests = 0;
  for (const auto& e : bus.log) {
    if (e.from_tester) {
      EXPECT_FALSE(previous_from_tester) << "request " << requests << " sent before an answer";
      ++requests;
    }
    previous_from_tester = e.from_tester;
  }
  EXPECT_GE(requests, 40u);
}

TEST_F(ObdPollerTest, UnsupportedPidsAreSkippedAndReportedOnce) {
  start(fast_options({{0x0D, 20ms}, {0x5C, 20ms}, {0xA6, 20ms}}));
  ASSERT_TRUE(run_until(io, [&] { return count("speed") >= 5; }));
  EXPECT_EQ(requests_for(0x01, 0x5C), 0u);
  EXPECT_EQ(requests_for(0x01, 0xA6), 0u);
  EXPECT_EQ(poller->unsupported_pids(), (std::vector<std::uint8_t>{0x5C, 0xA6}));
  EXPECT_EQ(poller->polled_pids(), (std::vector<std::uint8_t>{0x0D}));
  EXPECT_EQ(log_lines_containing("does not support PIDs 0x5C (oil_temp), 0xA6 (odometer)"), 1u);
  // The engine advertises range 0x20 and 0x40 (it supports 0x5E), nothing beyond.
  EXPECT_EQ(requests_for(0x01, 0x20), 1u);
  EXPECT_EQ(requests_for(0x01, 0x40), 1u);
  EXPECT_EQ(requests_for(0x01, 0x60), 0u);
}

TEST_F(ObdPollerTest, ReadsTheVinOverMultiFrameIsoTpWithFlowControl) {
  engine.set_vin("1G1JC5444R7252367");
  ObdOptions o = fast_options({{0x0D, 20ms}});
  o.vin_read = true;
  start(o);
  ASSERT_TRUE(run_until(io, [&] { return vins.size() == 1 && count("speed") >= 2; }));
  EXPECT_EQ(vins[0], "1G1JC5444R7252367");
  EXPECT_EQ(poller->vin(), "1G1JC5444R7252367");
  EXPECT_EQ(requests_for(0x09, 0x02), 1u);
  ASSERT_EQ(engine.flow_control_frames.size(), 1u);
  const ObdFrame& fc = engine.flow_control_frames[0];
  EXPECT_EQ(fc.id, 0x7E0u);
  EXPECT_EQ(fc.len, 8);
  EXPECT_EQ(fc.data[0], 0x30);
  EXPECT_EQ(fc.data[1], 0x00);
  EXPECT_EQ(fc.data[2], 0x00);
}

TEST_F(ObdPollerTest, ConfiguredVinIsPublishedAndNeverRequested) {
  engine.set_vin("1G1JC5444R7252367");
  ObdOptions o = fast_options({{0x0D, 20ms}});
  o.vin_read = true;
  o.vin = "WVWZZZ1JZXW000001";
  start(o);
  ASSERT_TRUE(run_until(io, [&] { return count("speed") >= 3; }));
  EXPECT_EQ(vins, (std::vector<std::string>{"WVWZZZ1JZXW000001"}));
  EXPECT_EQ(requests_for(0x09, 0x02), 0u);
}

TEST_F(ObdPollerTest, VinIsAskedAgainWithBackoffUntilAnAnswerComes) {
  ObdOptions o = fast_options({{0x0D, 20ms}});
  o.vin_read = true;
  o.vin_retry_initial = 20ms;
  o.vin_retry_max = 40ms;
  start(o);
  ASSERT_TRUE(run_until(io, [&] { return requests_for(0x09, 0x02) >= 3; }));
  EXPECT_TRUE(vins.empty());
  EXPECT_GE(log_lines_containing("no valid VIN (no answer)"), 2u);
  engine.set_vin("1G1JC5444R7252367");
  ASSERT_TRUE(run_until(io, [&] { return vins.size() == 1; }));
  EXPECT_EQ(vins[0], "1G1JC5444R7252367");
  run_for(io, 100ms);
  EXPECT_EQ(vins.size(), 1u);  // asked no more once known
}

TEST_F(ObdPollerTest, VinWithAnOutOfSequenceFrameIsDroppedAndAskedAgain) {
  engine.set_vin("1G1JC5444R7252367");
  engine.set_fault(0x09, 0x02, EcuSimulator::Fault::wrong_sequence, 1);
  ObdOptions o = fast_options({{0x0D, 20ms}});
  o.vin_read = true;
  o.vin_retry_initial = 20ms;
  start(o);
  ASSERT_TRUE(run_until(io, [&] { return vins.size() == 1; }));
  EXPECT_EQ(vins[0], "1G1JC5444R7252367");
  EXPECT_EQ(poller->isotp_stats().sequence_errors, 1u);
  EXPECT_EQ(requests_for(0x09, 0x02), 2u);
}

TEST_F(ObdPollerTest, EcuThatStopsAfterTheFirstFrameTimesOutAfterNCr) {
  engine.set_vin("1G1JC5444R7252367");
  engine.set_fault(0x09, 0x02, EcuSimulator::Fault::ignore_flow_control, 1);
  ObdOptions o = fast_options({{0x0D, 20ms}});
  o.vin_read = true;
  o.vin_retry_initial = 20ms;
  o.isotp_timeout = 60ms;
  start(o);
  ASSERT_TRUE(run_until(io, [&] { return vins.size() == 1; }));
  EXPECT_EQ(poller->isotp_stats().timeouts, 1u);
  EXPECT_EQ(engine.abandoned_transfers, 1);
  EXPECT_GE(log_lines_containing("N_Cr timeout"), 1u);
}

TEST_F(ObdPollerTest, NegativeResponseIsNamedLoggedAndThePidBackedOff) {
  engine.set_negative(0x0C, 0x12);
  ObdOptions o = fast_options({{0x0D, 20ms}, {0x0C, 20ms}});
  o.failures_before_backoff = 3;
  o.max_backoff = 10s;
  start(o);
  ASSERT_TRUE(run_until(io, [&] { return poller->backed_off(0x0C); }));
  EXPECT_EQ(count("rpm"), 0u);
  EXPECT_GE(
      log_lines_containing("rejected mode 0x01 PID 0x0C (rpm): 7F 01 12 subFunctionNotSupported"),
      3u);
  EXPECT_EQ(log_lines_containing("PID 0x0C (rpm) failed 3 times in a row (last: 7F 01 12 "
                                 "subFunctionNotSupported)"),
            1u);
  EXPECT_EQ(poller->stats().negative_answers, 3u);

  // Backed off: doubling delays from 40 ms. 30 speed polls take at least 580 ms, in which
  // rpm can be asked at most 4 more times (40 + 80 + 160 + 320 ms...).
  const std::size_t rpm_before = requests_for(0x01, 0x0C);
  const std::size_t speed_before = requests_for(0x01, 0x0D);
  ASSERT_TRUE(run_until(io, [&] { return requests_for(0x01, 0x0D) >= speed_before + 30; }));
  EXPECT_LE(requests_for(0x01, 0x0C) - rpm_before, 6u);

  // Once the ECU answers again the PID is back to its period.
  engine.clear_negative(0x0C);
  ASSERT_TRUE(run_until(io, [&] { return count("rpm") >= 1; }));
  EXPECT_FALSE(poller->backed_off(0x0C));
  EXPECT_EQ(log_lines_containing("PID 0x0C (rpm) answers again"), 1u);
}

TEST_F(ObdPollerTest, ResponsePendingKeepsTheExchangeOpenUntilTheAnswer) {
  engine.set_pending(0x0D, 2, 70ms);  // answer after 140 ms, response_timeout is 80 ms
  ObdOptions o = fast_options({{0x0D, 20ms}});
  o.pending_timeout = 1s;
  start(o);
  ASSERT_TRUE(run_until(io, [&] { return count("speed") >= 2; }));
  EXPECT_EQ(all("speed")[0].value, 60.0);
  EXPECT_GE(poller->stats().pending_answers, 4u);
  EXPECT_EQ(poller->stats().timeouts, 0u);
  EXPECT_EQ(poller->stats().negative_answers, 0u);
}

TEST_F(ObdPollerTest, SlowEcuWithinTheTimeoutIsHeard) {
  engine.response_delay = 25ms;
  ObdOptions o = fast_options({{0x0D, 20ms}});
  o.response_timeout = 200ms;
  start(o);
  ASSERT_TRUE(run_until(io, [&] { return count("speed") >= 2; }));
  EXPECT_EQ(poller->stats().timeouts, 0u);
}

TEST_F(ObdPollerTest, AdvertisedPidThatNeverAnswersTimesOutAndIsBackedOff) {
  engine.set_silent_pid(0x0C);
  start(fast_options({{0x0D, 20ms}, {0x0C, 20ms}}));
  ASSERT_TRUE(run_until(io, [&] { return poller->backed_off(0x0C); }));
  EXPECT_EQ(poller->stats().timeouts, 3u);
  EXPECT_EQ(log_lines_containing("PID 0x0C (rpm) failed 3 times in a row (last: no answer)"), 1u);
  EXPECT_GE(count("speed"), 1u);
}

TEST_F(ObdPollerTest, LateAnswerToAnEarlierRequestIsNotMistakenForTheCurrentOne) {
  start(fast_options({{0x0D, 20ms}, {0x0C, 20ms}}));
  ASSERT_TRUE(run_until(io, [&] { return poller->discovery_done(); }));
  engine.response_delay = 150ms;  // beyond the 80 ms response timeout
  const std::size_t speed_before = count("speed");
  const std::size_t rpm_before = count("rpm");
  ASSERT_TRUE(run_until(io, [&] { return poller->stats().unsolicited_answers >= 3; }));
  // A late speed answer arrives while rpm is asked (and vice versa): never published as
  // the other PID, and no values at all come from late answers.
  EXPECT_LE(count("speed"), speed_before + 1);
  EXPECT_LE(count("rpm"), rpm_before + 1);
  for (const Published& p : all("rpm")) {
    EXPECT_EQ(p.value, 1726.0);
  }
}

TEST_F(ObdPollerTest, SilentVehicleIsAskedAgainUntilAnEcuAnswers) {
  engine.silent = true;
  start(fast_options({{0x0D, 20ms}}));
  ASSERT_TRUE(run_until(io, [&] { return engine.requests >= 3; }));
  EXPECT_FALSE(poller->discovery_done());
  EXPECT_EQ(log_lines_containing("no ECU answers on 0x7DF"), 1u);
  engine.silent = false;
  ASSERT_TRUE(run_until(io, [&] { return count("speed") >= 1; }));
  EXPECT_EQ(requests_for(0x01, 0x0D), count("speed"));
}

TEST_F(ObdPollerTest, TwoEcusAnswerAndTheEngineEcuIsPreferred) {
  EcuSimulator transmission(0x7E9);
  transmission.response_delay = 0ms;  // answers first
  engine.response_delay = 5ms;
  transmission.set_pid(0x0D, {0x28});  // 40 km/h
  transmission.set_pid(0x11, {0x66});  // throttle 40 %, only the second ECU has it
  start(fast_options({{0x0D, 20ms}, {0x11, 20ms}}), {&engine, &transmission});
  ASSERT_TRUE(run_until(io, [&] { return count("speed") >= 3 && count("throttle") >= 2; }));
  for (const Published& p : all("speed")) {
    EXPECT_EQ(p.value, 60.0);
  }
  EXPECT_EQ(all("throttle")[0].value, 40.0);
  ASSERT_TRUE(poller->answer(0x0D, 0x7E9));
  EXPECT_EQ(poller->answer(0x0D, 0x7E9)->value, 40.0);
  EXPECT_EQ(poller->answer(0x0D, 0x7E8)->value, 60.0);
  EXPECT_FALSE(poller->answer(0x11, 0x7E8));
  // Both were expected, so no exchange had to run into the timeout.
  EXPECT_EQ(poller->stats().timeouts, 0u);
  EXPECT_EQ(transmission.multi_pid_requests + engine.multi_pid_requests, 0);
}

TEST_F(ObdPollerTest, MalformedAnswersAreCountedAndPollingGoesOn) {
  engine.set_fault(0x01, 0x0D, EcuSimulator::Fault::truncated_frame, 2);
  engine.set_fault(0x01, 0x0C, EcuSimulator::Fault::short_answer, 2);
  engine.set_fault(0x01, 0x05, EcuSimulator::Fault::invalid_pci, 2);
  start(fast_options({{0x0D, 20ms}, {0x0C, 20ms}, {0x05, 20ms}}));
  ASSERT_TRUE(run_until(
      io, [&] { return count("speed") >= 2 && count("rpm") >= 2 && count("coolant_temp") >= 2; }));
  EXPECT_EQ(poller->isotp_stats().malformed_frames, 4u);  // truncated x2, invalid PCI x2
  EXPECT_EQ(poller->stats().malformed_answers, 2u);       // 41 0C with one byte, x2
  for (const Published& p : all("rpm")) {
    EXPECT_EQ(p.value, 1726.0);
  }
}

TEST_F(ObdPollerTest, GarbageOnTheResponseIdsDoesNotStopPolling) {
  start(fast_options({{0x0D, 20ms}, {0x0C, 20ms}}));
  ASSERT_TRUE(run_until(io, [&] { return poller->discovery_done(); }));
  // Another node floods 0x7E8-0x7EF with noise, including plausible-looking answers.
  std::mt19937 rng(777);
  asio::steady_timer noise(io);
  std::function<void()> spray = [&] {
    for (int i = 0; i < 50; ++i) {
      ObdFrame f;
      f.id = 0x7E8 + rng() % 8;
      f.len = static_cast<std::uint8_t>(rng() % 9);
      for (auto& b : f.data) {
        b = static_cast<std::uint8_t>(rng());
      }
      if (rng() % 2 == 0) {
        f.data[0] = static_cast<std::uint8_t>(rng() % 8);
        f.data[1] = 0x41;
      }
      poller->on_frame(f);
    }
    noise.expires_after(1ms);
    noise.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) {
        spray();
      }
    });
  };
  spray();
  const std::size_t speed_before = count("speed");
  ASSERT_TRUE(run_until(io, [&] { return count("speed") >= speed_before + 5; }));
  noise.cancel();
  run_for(io, 5ms);
  // The noise was counted (malformed frames, answers to nothing) and polling went on.
  EXPECT_GT(poller->isotp_stats().malformed_frames + poller->stats().unsolicited_answers, 0u);
}

TEST_F(ObdPollerTest, Co2ComesFromFuelRateWhenItIsPolled) {
  start(fast_options({{0x10, 20ms}, {0x5E, 20ms}}));
  ASSERT_TRUE(run_until(io, [&] { return count("co2_g_per_s") >= 3 && count("maf") >= 3; }));
  for (const Published& p : all("co2_g_per_s")) {
    EXPECT_NEAR(p.value, 1.925, 1e-9);  // 3 L/h * 2310 g/L / 3600 s
    EXPECT_EQ(p.unit, "g/s");
  }
  EXPECT_EQ(count("co2_g_per_s"), count("fuel_rate"));
}

TEST_F(ObdPollerTest, Co2ComesFromMafWhenFuelRateIsNotAvailable) {
  start(fast_options({{0x10, 20ms}, {0x5C, 20ms}}));
  ASSERT_TRUE(run_until(io, [&] { return count("co2_g_per_s") >= 2; }));
  for (const Published& p : all("co2_g_per_s")) {
    EXPECT_NEAR(p.value, 2.109300, 1e-6);  // 10 g/s / 14.7 * 2310 / 745
  }
}

TEST_F(ObdPollerTest, DieselConstantsApplyToCo2) {
  ObdOptions o = fast_options({{0x5E, 20ms}});
  o.fuel_type = FuelType::diesel;
  start(o);
  ASSERT_TRUE(run_until(io, [&] { return count("co2_g_per_s") >= 1; }));
  EXPECT_NEAR(all("co2_g_per_s")[0].value, 2.2333333, 1e-6);  // 3 * 2680 / 3600
}

TEST_F(ObdPollerTest, StopEndsPolling) {
  start(fast_options({{0x0D, 10ms}}));
  ASSERT_TRUE(run_until(io, [&] { return count("speed") >= 2; }));
  bool done = false;
  poller->async_stop(std::chrono::steady_clock::now() + 1s, [&] { done = true; });
  ASSERT_TRUE(run_until(io, [&] { return done; }));
  const std::size_t sent = bus.log.size();
  run_for(io, 100ms);
  std::size_t from_tester_after = 0;
  for (std::size_t i = sent; i < bus.log.size(); ++i) {
    from_tester_after += bus.log[i].from_tester ? 1 : 0;
  }
  EXPECT_EQ(from_tester_after, 0u);
  EXPECT_NE(poller->status().find("stopped"), std::string::npos);
}

TEST(ObdOptionsCheck, BadOptionsAreNamed) {
  ObdOptions o;
  EXPECT_EQ(check_options(o), "");
  o.pids = {{0x02, 1s}};  // the freeze frame's DTC: canhose has no decoder for it
  EXPECT_NE(check_options(o).find("PID 0x2 has no decoder"), std::string::npos);
  o.pids = {{0x0D, 1s}, {0x0D, 2s}};
  EXPECT_NE(check_options(o).find("listed twice"), std::string::npos);
  o.pids = {{0x0D, 1s}};
  o.vin = "TOO-SHORT";
  EXPECT_NE(check_options(o).find("ISO 3779"), std::string::npos);
  o.vin.clear();
  o.dtc_interval = 5ms;
  EXPECT_EQ(check_options(o), "dtc_interval must be between 10ms and 1h");
  o.dtc_interval = 2h;
  EXPECT_EQ(check_options(o), "dtc_interval must be between 10ms and 1h");
  o.dtc_interval = 1min;
  o.request_id = 0x18DB33F1;
  EXPECT_NE(check_options(o).find("11-bit"), std::string::npos);
  asio::io_context io;
  EXPECT_THROW(ObdPoller(io, o, [](const ObdFrame&) {}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace canhose::obd
