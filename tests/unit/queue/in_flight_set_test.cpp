// InFlightSet against a plain std::set doing the same adds and acknowledgements in random
// order, with gaps (damaged records are never in flight) and runs that cross 64-bit words.

#include "queue/in_flight_set.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

namespace canhose::queue {
namespace {

TEST(InFlightSet, FirstIsTheLowestUnacknowledgedNumber) {
  InFlightSet s;
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(s.first().has_value());
  for (std::uint64_t seq = 100; seq < 300; ++seq) {
    s.add(seq);
  }
  EXPECT_EQ(200U, s.size());
  EXPECT_EQ(100U, s.first());
  EXPECT_TRUE(s.acknowledge(101));
  EXPECT_EQ(100U, s.first()) << "100 is still in flight";
  EXPECT_FALSE(s.acknowledge(101)) << "twice does nothing";
  EXPECT_FALSE(s.acknowledge(99)) << "never added";
  EXPECT_FALSE(s.acknowledge(300)) << "never added";
  EXPECT_TRUE(s.acknowledge(100));
  EXPECT_EQ(102U, s.first());
  for (std::uint64_t seq = 102; seq < 299; ++seq) {
    EXPECT_TRUE(s.acknowledge(seq));
  }
  EXPECT_EQ(299U, s.first());
  EXPECT_TRUE(s.acknowledge(299));
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(s.first().has_value());
  s.add(5000);  // after everything was acknowledged, numbers go on from anywhere higher
  EXPECT_EQ(5000U, s.first());
}

TEST(InFlightSet, GapsAreNeverInFlight) {
  InFlightSet s;
  s.add(10);
  s.add(1000);  // 11..999 were skipped as damaged
  EXPECT_FALSE(s.acknowledge(500));
  EXPECT_TRUE(s.acknowledge(10));
  EXPECT_EQ(1000U, s.first());
  EXPECT_EQ(1U, s.size());
}

TEST(InFlightSet, MatchesAStdSetUnderRandomAcknowledgement) {
  std::mt19937_64 rng(7);
  InFlightSet s;
  std::set<std::uint64_t> model;
  std::uint64_t next = 1;
  for (int round = 0; round < 200; ++round) {
    // A read: a run of numbers, some skipped.
    std::vector<std::uint64_t> read;
    const int n = static_cast<int>(rng() % 700);
    for (int i = 0; i < n; ++i) {
      next += (rng() % 20 == 0) ? 1 + rng() % 150 : 1;
      s.add(next);
      model.insert(next);
      read.push_back(next);
    }
    // Acknowledge most of what is in flight, in random order, with some repeats and misses.
    std::vector<std::uint64_t> in_flight(model.begin(), model.end());
    std::shuffle(in_flight.begin(), in_flight.end(), rng);
    in_flight.resize(in_flight.size() * 3 / 4);
    in_flight.push_back(next + 5);
    for (const std::uint64_t seq : in_flight) {
      const bool was = model.erase(seq) == 1;
      ASSERT_EQ(was, s.acknowledge(seq)) << "seq " << seq;
      ASSERT_FALSE(s.acknowledge(seq)) << "seq " << seq;
      ASSERT_EQ(model.size(), s.size());
      if (model.empty()) {
        ASSERT_FALSE(s.first().has_value());
      } else {
        ASSERT_EQ(*model.begin(), s.first());
      }
    }
  }
}

}  // namespace
}  // namespace canhose::queue
