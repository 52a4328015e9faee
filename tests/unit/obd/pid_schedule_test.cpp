// PidSchedule's timing for the stored DTCs, on a clock the test moves by hand.
#include "obd/pid_schedule.hpp"

#include <gtest/gtest.h>

namespace canhose::obd {
namespace {

using namespace std::chrono_literals;
using What = PidSchedule::Next::What;

class DtcSchedule : public ::testing::Test {
 protected:
  DtcSchedule() : schedule(options()) {
    schedule.start_polling([](std::uint8_t) { return true; }, t0);
    schedule.answered(0, t0);  // the status PID is next due at t0 + 10 s
  }
  static ObdOptions options() {
    ObdOptions o;
    o.pids = {{0x01, 10s}};
    o.dtc_interval = 60s;
    return o;
  }
  const PidSchedule::Clock::time_point t0{std::chrono::hours(1)};
  PidSchedule schedule;
};

TEST_F(DtcSchedule, NotWantedTheyAreNeverAsked) {
  schedule.want_dtcs(false, true, t0);
  const PidSchedule::Next next = schedule.next(t0 + 1h);
  EXPECT_EQ(next.what, What::pid);
  EXPECT_FALSE(schedule.dtcs_wanted());
}

TEST_F(DtcSchedule, WantedAtOnceTheyComeBeforeTheDuePids) {
  schedule.want_dtcs(true, true, t0 + 20s);
  EXPECT_EQ(schedule.next(t0 + 20s).what, What::dtcs);
}

TEST_F(DtcSchedule, AfterAReadTheNextIsOneIntervalLater) {
  schedule.want_dtcs(true, true, t0);
  schedule.dtcs_read(t0 + 1s);
  schedule.answered(0, t0 + 1s);  // status due at t0 + 20 s
  const PidSchedule::Next next = schedule.next(t0 + 2s);
  EXPECT_EQ(next.what, What::wait);
  EXPECT_EQ(next.wake, t0 + 20s);
  // A status that did not change leaves the read where it was.
  schedule.want_dtcs(true, false, t0 + 20s);
  EXPECT_NE(schedule.next(t0 + 60s).what, What::dtcs);
  EXPECT_EQ(schedule.next(t0 + 61s).what, What::dtcs);
  // A changed status brings it forward.
  schedule.want_dtcs(true, true, t0 + 30s);
  EXPECT_EQ(schedule.next(t0 + 30s).what, What::dtcs);
}

TEST_F(DtcSchedule, NoLongerWantedTheDueReadIsDropped) {
  schedule.want_dtcs(true, true, t0);
  schedule.want_dtcs(false, true, t0 + 1s);
  EXPECT_EQ(schedule.next(t0 + 1s).what, What::wait);
  EXPECT_EQ(schedule.next(t0 + 10s).what, What::pid);
  // Wanted again later, even without a change of status: asked at once.
  schedule.want_dtcs(true, false, t0 + 5min);
  EXPECT_EQ(schedule.next(t0 + 5min).what, What::dtcs);
}

}  // namespace
}  // namespace canhose::obd
