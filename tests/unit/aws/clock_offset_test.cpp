#include "aws/clock_offset.hpp"

#include <gtest/gtest.h>

#include "aws/http_date.hpp"

namespace canhose::aws {
namespace {

using namespace std::chrono;

system_clock::time_point at(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

TEST(HttpDate, ParsesImfFixdate) {
  const auto t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, at(1994, 11, 6, 8, 49, 37));
  EXPECT_EQ(parse_http_date("Wed, 25 Nov 2026 18:00:00 GMT"), at(2026, 11, 25, 18, 0, 0));
}

TEST(HttpDate, RejectsOtherFormsAndImpossibleDates) {
  for (const char* bad : {"", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                          "Sun, 06 Nov 1994 08:49:37 UTC", "Mon, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:49:37 GMT",
                          "Sun, 06 Xyz 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMTX",
                          "Sun, 0a Nov 1994 08:49:37 GMT"}) {
    EXPECT_FALSE(parse_http_date(bad).has_value()) << bad;
  }
}

// Found by fuzzing: a year outside what a time_point holds overflowed (an optimised build
// read 0997 as 2166 and moved the signing clock by 4.4e9 s).
TEST(HttpDate, YearsATimePointCannotHoldAreRefusedWithTheReason) {
  for (const char* bad : {"Sun, 01 Jan 0997 00:00:00 GMT", "Fri, 31 Dec 1677 23:59:59 GMT",
                          "Wed, 01 Jan 2262 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"}) {
    std::string why;
    EXPECT_FALSE(parse_http_date(bad, &why).has_value()) << bad;
    EXPECT_EQ(why, "the year is outside 1678-2261") << bad;
  }
  EXPECT_EQ(parse_http_date("Sat, 01 Jan 1678 00:00:00 GMT"), at(1678, 1, 1, 0, 0, 0));
  EXPECT_EQ(parse_http_date("Tue, 31 Dec 2261 23:59:59 GMT"), at(2261, 12, 31, 23, 59, 59));
  std::string why;
  EXPECT_FALSE(parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT", &why));
  EXPECT_EQ(why, "the day of the week does not match the date");
}

TEST(HttpDate, FormatRoundTrips) {
  const auto t = at(2026, 2, 28, 23, 5, 9);
  EXPECT_EQ(format_http_date(t), "Sat, 28 Feb 2026 23:05:09 GMT");
  EXPECT_EQ(parse_http_date(format_http_date(t)), t);
}

// A system clock and a steady clock the test moves by hand.
struct ManualClocks {
  system_clock::time_point system = at(2000, 1, 1, 0, 0, 0);  // a Pi that booted without RTC
  steady_clock::time_point steady{hours(1)};
  void advance(milliseconds d) {
    system += d;
    steady += d;
  }
  ClockOffset make(milliseconds min_correction = ClockOffset::default_min_correction) {
    return ClockOffset(
        min_correction, [this] { return system; }, [this] { return steady; });
  }
};

TEST(ClockOffset, LearnsFromTheDateHeaderAtTheRoundTripMidpoint) {
  ManualClocks clocks;
  ClockOffset clock = clocks.make();
  EXPECT_EQ(clock.now(), clocks.system);
  // 26 years off, and one plausible Date header corrects it.
  const auto sent = clocks.steady;
  clocks.advance(milliseconds(400));  // the server stamps its Date half-way
  const auto server_time = at(2026, 11, 25, 18, 0, 0);
  clocks.advance(milliseconds(400));
  ASSERT_TRUE(clock.learn_from_http_date(format_http_date(server_time), sent, clocks.steady));
  // now() = server time + 400 ms since the midpoint (+ 500 ms: middle of the Date second)
  EXPECT_EQ(clock.now(), server_time + milliseconds(900));
  clocks.advance(seconds(10));
  EXPECT_EQ(clock.now(), server_time + milliseconds(10900));
}

TEST(ClockOffset, IgnoresDifferencesBelowTheMinimumCorrection) {
  ManualClocks clocks;
  clocks.system = at(2026, 11, 25, 18, 0, 0);
  ClockOffset clock = clocks.make();
  const auto sent = clocks.steady;
  // Server 1 s ahead: within the Date header's resolution plus round trip; ignored.
  EXPECT_FALSE(clock.learn_from_http_date(format_http_date(clocks.system + seconds(1)), sent,
                                          clocks.steady));
  EXPECT_EQ(clock.offset(), milliseconds(0));
  // Server 10 s ahead: corrected.
  EXPECT_TRUE(clock.learn_from_http_date(format_http_date(clocks.system + seconds(10)), sent,
                                         clocks.steady));
  EXPECT_EQ(clock.offset(), milliseconds(10500));
  // The same again: already known, nothing changes.
  EXPECT_FALSE(clock.learn_from_http_date(format_http_date(clocks.system + seconds(10)), sent,
                                          clocks.steady));
}

TEST(ClockOffset, FollowsTheSystemClockBackWhenNtpFixesIt) {
  ManualClocks clocks;
  ClockOffset clock = clocks.make();
  const auto truth = at(2026, 11, 25, 18, 0, 0);
  ASSERT_TRUE(clock.learn(truth, clocks.system, "test"));
  clocks.system = truth;  // NTP stepped the system clock
  EXPECT_GT(clock.now() - truth, hours(24));
  // The next observation follows it at once.
  ASSERT_TRUE(clock.learn(truth, clocks.system, "test"));
  EXPECT_EQ(clock.offset(), milliseconds(0));
  EXPECT_EQ(clock.now(), truth);
}

TEST(ClockOffset, LearnsFromGpsTimeWithItsObservationInstant) {
  ManualClocks clocks;
  ClockOffset clock = clocks.make();
  const auto gps = at(2026, 11, 25, 18, 0, 0);
  const auto observed_at = clocks.system;
  clocks.advance(milliseconds(250));  // the fix is handed over a little later
  ASSERT_TRUE(clock.learn_from_gps(gps, observed_at));
  EXPECT_EQ(clock.now(), gps + milliseconds(250));
}

TEST(ClockOffset, ARecentServerDateOutranksADisagreeingGpsTime) {
  ManualClocks clocks;
  ClockOffset clock = clocks.make();
  const auto server_time = at(2026, 11, 25, 18, 0, 0);
  ASSERT_TRUE(clock.learn_from_http_date(format_http_date(server_time), {}, {}));
  const auto offset = clock.offset();
  // gpsfake replaying a 2023 log: GPS says it is years earlier. Ignored.
  EXPECT_FALSE(clock.learn_from_gps(at(2023, 3, 1, 12, 0, 0), clocks.system));
  EXPECT_EQ(clock.offset(), offset);
  // A GPS time agreeing with the server within min_correction changes nothing either.
  EXPECT_FALSE(clock.learn_from_gps(clock.now() + milliseconds(300), clocks.system));
  EXPECT_EQ(clock.offset(), offset);
  // Without a Date header for longer than the authority period, GPS leads again.
  clocks.advance(ClockOffset::server_time_authority + seconds(1));
  const auto gps = at(2026, 11, 25, 19, 0, 0);
  EXPECT_TRUE(clock.learn_from_gps(gps, clocks.system));
  EXPECT_EQ(clock.now(), gps);
}

TEST(ClockOffset, MissingRoundTripTimesFallBackToNow) {
  ManualClocks clocks;
  ClockOffset clock = clocks.make();
  const auto server_time = at(2026, 11, 25, 18, 0, 0);
  ASSERT_TRUE(clock.learn_from_http_date(format_http_date(server_time), {}, {}));
  EXPECT_EQ(clock.now(), server_time + milliseconds(500));
}

TEST(ClockOffset, UnparsableDateHeaderChangesNothing) {
  ManualClocks clocks;
  ClockOffset clock = clocks.make();
  EXPECT_FALSE(clock.learn_from_http_date("yesterday", clocks.steady, clocks.steady));
  EXPECT_EQ(clock.offset(), milliseconds(0));
}

// A server answering with a date no real server sends must not move the signing clock.
TEST(ClockOffset, ImplausibleDateHeadersNeverMoveTheClock) {
  ManualClocks clocks;
  clocks.system = at(2026, 12, 6, 12, 0, 0);
  ClockOffset clock = clocks.make();
  for (const char* header : {"Sun, 01 Jan 0997 00:00:00 GMT",     // refused by the parser
                             "Wed, 01 Jan 2166 00:00:00 GMT",     // what 0997 used to become
                             "Fri, 01 Jan 2100 00:00:00 GMT",     // the first implausible day
                             "Sat, 01 Jan 2000 00:00:00 GMT"}) {  // before canhose existed
    for (int i = 0; i < 3; ++i) {  // repeating it does not help either
      EXPECT_FALSE(clock.learn_from_http_date(header, {}, {})) << header;
    }
    EXPECT_EQ(clock.offset(), milliseconds(0)) << header;
  }
  // Nor does it count as server time that outranks GPS.
  EXPECT_TRUE(clock.learn_from_gps(clocks.system + minutes(5), clocks.system));
}

// A Pi that booted in 1970, or at its image's date weeks or years ago: one plausible Date
// header corrects it, so the single re-sign after a clock-skew error succeeds.
TEST(ClockOffset, OnePlausibleHeaderCorrectsAClockYearsOrWeeksOff) {
  for (const auto boot :
       {at(1970, 1, 1, 0, 0, 30), at(2025, 3, 1, 12, 0, 0), at(2026, 11, 4, 12, 0, 0)}) {
    ManualClocks clocks;
    clocks.system = boot;
    ClockOffset clock = clocks.make();
    const auto server_time = at(2026, 12, 6, 12, 0, 0);
    EXPECT_TRUE(clock.learn_from_http_date(format_http_date(server_time), {}, {}));
    EXPECT_EQ(clock.now(), server_time + milliseconds(500));
  }
}

// After a correction of decades, GPS agreeing with the server is no conflict, and NTP
// setting the system clock right is followed by the next response.
TEST(ClockOffset, AfterALargeCorrectionGpsAgreesAndNtpIsFollowed) {
  ManualClocks clocks;
  clocks.system = at(2000, 1, 1, 0, 0, 0);
  ClockOffset clock = clocks.make();
  const auto server_time = at(2026, 12, 6, 12, 0, 0);
  ASSERT_TRUE(clock.learn_from_http_date(format_http_date(server_time), {}, {}));
  EXPECT_FALSE(clock.learn_from_gps(clock.now() + milliseconds(200), clocks.system));
  EXPECT_EQ(clock.now(), server_time + milliseconds(500));
  clocks.system = server_time;  // NTP stepped the system clock
  EXPECT_TRUE(clock.learn_from_http_date(format_http_date(server_time + seconds(1)), {}, {}));
  EXPECT_EQ(clock.offset(), milliseconds(1500));
}

}  // namespace
}  // namespace canhose::aws
