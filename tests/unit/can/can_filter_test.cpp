#include "can/can_filter.hpp"

#include <gtest/gtest.h>

namespace canhose::can {
namespace {

CanIdFilter parse_ok(std::string_view text) {
  const CanIdFilterParse p = parse_can_id_filter(text);
  EXPECT_TRUE(p.filter.has_value()) << text << ": " << p.error;
  return p.filter.value_or(CanIdFilter{});
}

CanFrame standard(std::uint32_t id) {
  CanFrame f;
  f.id = id;
  return f;
}

CanFrame extended(std::uint32_t id) {
  CanFrame f = standard(id);
  f.extended = true;
  return f;
}

// The kernel's raw filter rule (net/can/af_can.c): a frame matches when
// (can_id & mask) == (filter_id & mask), with flag bits in both; CAN_INV_FILTER inverts.
bool kernel_matches(const can_filter& k, const CanFrame& f) {
  const canid_t fid = k.can_id & ~CAN_INV_FILTER;
  const bool hit = (f.kernel_id() & k.can_mask) == (fid & k.can_mask);
  return (k.can_id & CAN_INV_FILTER) != 0 ? !hit : hit;
}

TEST(CanIdFilter, ObdAnswerRangeMatchesSevenE8ToSevenEF) {
  const CanIdFilter f = parse_ok("0x7E8/0x7F8");
  EXPECT_EQ(f.format, FrameFormat::standard);
  for (std::uint32_t id = 0x7E0; id <= 0x7FF; ++id) {
    EXPECT_EQ(f.matches(standard(id)), id >= 0x7E8 && id <= 0x7EF) << std::hex << id;
  }
  EXPECT_FALSE(f.matches(extended(0x7E8)));
}

TEST(CanIdFilter, ExtendedSuffixAndExactMatch) {
  const CanIdFilter f = parse_ok("0x18FEF100/0x1FFFFFFF:x");
  EXPECT_EQ(f.format, FrameFormat::extended);
  EXPECT_TRUE(f.matches(extended(0x18FEF100)));
  EXPECT_FALSE(f.matches(extended(0x18FEF101)));
  EXPECT_FALSE(f.matches(standard(0x100)));
  const CanIdFilter exact = parse_ok("0x123");
  EXPECT_EQ(exact.mask, 0x7FFu);
  EXPECT_TRUE(exact.matches(standard(0x123)));
  EXPECT_FALSE(exact.matches(standard(0x124)));
  const CanIdFilter wide = parse_ok("0x18DAF110");  // > 0x7FF: extended, exact
  EXPECT_EQ(wide.format, FrameFormat::extended);
  EXPECT_EQ(wide.mask, 0x1FFFFFFFu);
}

TEST(CanIdFilter, J1939PgnFilterIgnoresPriorityAndSourceAddress) {
  const CanIdFilter f = parse_ok("0x00FEF100/0x03FFFF00:x");
  EXPECT_TRUE(f.matches(extended(0x18FEF100)));
  EXPECT_TRUE(f.matches(extended(0x0CFEF1FE)));
  EXPECT_FALSE(f.matches(extended(0x18FEF200)));
}

TEST(CanIdFilter, InvertedAndAnyFormat) {
  const CanIdFilter inv = parse_ok("~0x000/0x700");
  EXPECT_TRUE(inv.inverted);
  EXPECT_FALSE(inv.matches(standard(0x0FF)));
  EXPECT_TRUE(inv.matches(standard(0x100)));
  const CanIdFilter any = parse_ok("0x100/0x700:any");
  EXPECT_TRUE(any.matches(standard(0x123)));
  EXPECT_TRUE(any.matches(extended(0x18000123)));
  EXPECT_TRUE(parse_ok("291").matches(standard(0x123)));  // decimal
}

TEST(CanIdFilter, UserSpaceMatcherAgreesWithKernelRule) {
  const std::vector<std::string> specs = {
      "0x7E8/0x7F8", "0x18FEF100/0x1FFFFFFF:x", "~0x000/0x700",  "0x100/0x700:any",
      "0x123",       "0x00FEF100/0x03FFFF00:x", "0x7DF/0x7FF:s", "~0x18DA0000/0x1FFF0000:x"};
  std::vector<CanFrame> frames;
  for (std::uint32_t id : {0x000u, 0x0FFu, 0x100u, 0x123u, 0x7DFu, 0x7E8u, 0x7EFu, 0x7F0u}) {
    frames.push_back(standard(id));
    CanFrame r = standard(id);
    r.rtr = true;
    frames.push_back(r);
  }
  for (std::uint32_t id : {0x123u, 0x7E8u, 0x18FEF100u, 0x0CFEF1FEu, 0x18DAF110u, 0x18000123u}) {
    frames.push_back(extended(id));
  }
  for (const std::string& spec : specs) {
    const CanIdFilter f = parse_ok(spec);
    const can_filter k = f.to_kernel();
    for (const CanFrame& frame : frames) {
      EXPECT_EQ(f.matches(frame), kernel_matches(k, frame))
          << spec << " frame " << std::hex << frame.id << (frame.extended ? " ext" : "")
          << (frame.rtr ? " rtr" : "");
    }
  }
}

TEST(CanIdFilterSet, EmptySetPassesEverythingAndErrorFramesAlwaysPass) {
  const CanIdFilterSet none;
  EXPECT_TRUE(none.passes(standard(0x555)));
  const CanIdFilterSet set({parse_ok("0x7E8/0x7F8"), parse_ok("0x18FEF100:x")});
  EXPECT_TRUE(set.passes(standard(0x7E9)));
  EXPECT_TRUE(set.passes(extended(0x18FEF100)));
  EXPECT_FALSE(set.passes(standard(0x555)));
  CanFrame err = standard(0x40);
  err.error = true;
  EXPECT_TRUE(set.passes(err));
  EXPECT_EQ(set.to_kernel().size(), 2u);
}

TEST(CanIdFilter, MalformedFiltersSayWhatWasExpected) {
  for (const char* bad :
       {"", "0x7E8/", "zz", "0x7E8/0xZZ", "0x7E8:q", "0x40000000", "0x800:s", "0x7E8/0x40000000"}) {
    const CanIdFilterParse p = parse_can_id_filter(bad);
    EXPECT_FALSE(p.filter.has_value()) << bad;
    EXPECT_NE(p.error.find("expected ID, ID/MASK"), std::string::npos) << p.error;
  }
}

}  // namespace
}  // namespace canhose::can
