#include "queue/append_timeline.hpp"

#include <gtest/gtest.h>

namespace canhose::queue {
namespace {

TEST(AppendTimeline, DatesARecordByTheNewestMarkBeforeIt) {
  AppendTimeline t(16, 1000);
  t.mark(1, 10'000);  // records >= 1 appended after 10 s
  t.mark(5, 11'000);  // records 1..4 appended in the first second
  t.mark(9, 12'000);
  EXPECT_EQ(t.appended_after(1), 10'000);
  EXPECT_EQ(t.appended_after(4), 10'000);
  EXPECT_EQ(t.appended_after(5), 11'000);
  EXPECT_EQ(t.appended_after(100), 12'000);
  EXPECT_FALSE(t.appended_after(0).has_value()) << "before the first mark: unknown";
}

TEST(AppendTimeline, IdleTimeMovesTheNewestMarkForward) {
  AppendTimeline t(16, 1000);
  t.mark(7, 10'000);
  t.mark(7, 70'000);  // a minute with nothing appended
  t.mark(8, 70'500);  // record 7 arrived in the last half second
  EXPECT_EQ(t.appended_after(7), 70'000);
  EXPECT_EQ(t.size(), 1u) << "within the resolution: no new mark";
}

TEST(AppendTimeline, MarksMoreOftenThanTheResolutionAreSkipped) {
  AppendTimeline t(16, 1000);
  t.mark(1, 0);
  t.mark(2, 300);
  t.mark(3, 900);
  EXPECT_EQ(t.size(), 1u);
  t.mark(4, 1000);
  EXPECT_EQ(t.size(), 2u);
}

TEST(AppendTimeline, FullTimelineThinsOutButStaysAnUpperBoundOnAge) {
  AppendTimeline t(8, 1000);
  for (std::uint64_t s = 0; s < 100; ++s) {
    t.mark(s * 10, static_cast<std::int64_t>(s) * 1000);
  }
  EXPECT_LE(t.size(), 8u);
  // The first mark is kept: record 0 is still dated, and no record is ever dated later
  // than it really was appended (ages only err towards older).
  EXPECT_EQ(t.appended_after(0), 0);
  for (std::uint64_t seq = 0; seq < 1000; seq += 7) {
    const auto after = t.appended_after(seq);
    ASSERT_TRUE(after.has_value());
    EXPECT_LE(*after, static_cast<std::int64_t>(seq / 10) * 1000) << "seq " << seq;
  }
  EXPECT_EQ(t.appended_after(990), 99'000) << "the newest mark survives thinning";
}

TEST(AppendTimeline, ForgettingAcknowledgedRecordsKeepsTheMarkDatingTheOldestUnacked) {
  AppendTimeline t(16, 1000);
  t.mark(1, 1000);
  t.mark(10, 2000);
  t.mark(20, 3000);
  t.forget_before(15);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.appended_after(15), 2000);
  t.forget_before(20);
  EXPECT_EQ(t.appended_after(20), 3000);
  EXPECT_EQ(t.size(), 1u);
}

}  // namespace
}  // namespace canhose::queue
