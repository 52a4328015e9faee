#include "can/candump_line.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

namespace canhose::can {
namespace {

CandumpLine parse_ok(std::string_view text) {
  CandumpLine out;
  std::string error;
  EXPECT_TRUE(parse_candump_line(text, out, error)) << text << ": " << error;
  return out;
}

std::string parse_error(std::string_view text) {
  CandumpLine out;
  std::string error;
  EXPECT_FALSE(parse_candump_line(text, out, error)) << text;
  return error;
}

TEST(CandumpLine, ClassicFrameWithMicrosecondTimestamp) {
  const CandumpLine l = parse_ok("(1436509052.249713) vcan0 044#2A366C2BBA");
  EXPECT_EQ(l.interface, "vcan0");
  EXPECT_EQ(l.frame.timestamp_ns, 1436509052249713000LL);
  EXPECT_EQ(l.frame.timestamp_source, TimestampSource::log);
  EXPECT_EQ(l.frame.id, 0x044u);
  EXPECT_FALSE(l.frame.extended);
  EXPECT_FALSE(l.frame.fd);
  ASSERT_EQ(l.frame.len, 5);
  EXPECT_EQ(l.frame.data[0], 0x2A);
  EXPECT_EQ(l.frame.data[4], 0xBA);
  EXPECT_EQ(l.frame.data[5], 0);
}

TEST(CandumpLine, NanosecondTimestampIsExact) {
  EXPECT_EQ(parse_ok("(1.000000001) can0 001#").frame.timestamp_ns, 1000000001LL);
  EXPECT_EQ(parse_ok("(7) can0 001#").frame.timestamp_ns, 7000000000LL);
}

TEST(CandumpLine, ExtendedIdHasEightDigits) {
  const CandumpLine l = parse_ok("(1.5) can1 18FEF100#FF00");
  EXPECT_TRUE(l.frame.extended);
  EXPECT_EQ(l.frame.id, 0x18FEF100u);
  EXPECT_EQ(l.frame.len, 2);
  EXPECT_EQ(l.frame.kernel_id(), 0x18FEF100u | CAN_EFF_FLAG);
}

TEST(CandumpLine, RemoteRequestWithAndWithoutLength) {
  const CandumpLine a = parse_ok("(1.0) can0 123#R");
  EXPECT_TRUE(a.frame.rtr);
  EXPECT_EQ(a.frame.len, 0);
  const CandumpLine b = parse_ok("(1.0) can0 123#R3");
  EXPECT_TRUE(b.frame.rtr);
  EXPECT_EQ(b.frame.len, 3);
}

TEST(CandumpLine, FdFrameWithFlagsNibble) {
  const CandumpLine l = parse_ok("(2.0) can0 123##1AABBCC");
  EXPECT_TRUE(l.frame.fd);
  EXPECT_TRUE(l.frame.brs);
  EXPECT_FALSE(l.frame.esi);
  ASSERT_EQ(l.frame.len, 3);
  EXPECT_EQ(l.frame.data[0], 0xAA);
  EXPECT_EQ(l.frame.data[2], 0xCC);
  const CandumpLine esi = parse_ok("(2.0) can0 123##3");
  EXPECT_TRUE(esi.frame.brs);
  EXPECT_TRUE(esi.frame.esi);
  EXPECT_EQ(esi.frame.len, 0);
}

TEST(CandumpLine, FdDataOfInvalidLengthIsPaddedToNextValidLength) {
  // 9 bytes is not an FD length: the kernel pads to 12.
  const CandumpLine l = parse_ok("(2.0) can0 123##0010203040506070809");
  EXPECT_EQ(l.frame.len, 12);
  EXPECT_EQ(l.frame.data[8], 0x09);
  EXPECT_EQ(l.frame.data[9], 0);
}

TEST(CandumpLine, SixtyFourByteFdFrame) {
  std::string line = "(2.0) can0 18DB33F1##0";
  for (int i = 0; i < 64; ++i) {
    line += "5A";
  }
  const CandumpLine l = parse_ok(line);
  EXPECT_EQ(l.frame.len, 64);
  EXPECT_TRUE(l.frame.extended);
  EXPECT_EQ(l.frame.data[63], 0x5A);
  EXPECT_NE(parse_error(line + "5A").find("more than 64"), std::string::npos);
}

TEST(CandumpLine, ErrorFrameIdCarriesErrorFlag) {
  const CandumpLine l = parse_ok("(3.0) can0 20000040#0000000000000000");
  EXPECT_TRUE(l.frame.error);
  EXPECT_FALSE(l.frame.extended);
  EXPECT_EQ(l.frame.id, 0x40u);  // CAN_ERR_BUSOFF
  EXPECT_EQ(l.frame.len, 8);
}

TEST(CandumpLine, DotSeparatedDataLen8DlcAndDirectionAreAccepted) {
  EXPECT_EQ(parse_ok("(1.0) can0 123#11.22.33").frame.len, 3);
  EXPECT_EQ(parse_ok("(1.0) can0 123#1122334455667788_C").frame.len, 8);
  EXPECT_EQ(parse_ok("(1.0) can0 123#1122 R").frame.len, 2);
  EXPECT_EQ(parse_ok("(1.0) can0 123#1122\r").frame.len, 2);
}

TEST(CandumpLine, MalformedLinesSayWhatWasExpected) {
  EXPECT_NE(parse_error("1.0 can0 123#11").find("timestamp"), std::string::npos);
  EXPECT_NE(parse_error("(1.0) can0").find("interface id#data"), std::string::npos);
  EXPECT_NE(parse_error("(1.0) can0 12345").find("'#'"), std::string::npos);
  EXPECT_NE(parse_error("(1.0) can0 1234#11").find("3-digit"), std::string::npos);
  EXPECT_NE(parse_error("(1.0) can0 800#11").find("above 7FF"), std::string::npos);
  EXPECT_NE(parse_error("(1.0) can0 123#1").find("odd number"), std::string::npos);
  EXPECT_NE(parse_error("(1.0) can0 123#ZZ").find("hex digits"), std::string::npos);
  EXPECT_NE(parse_error("(1.0) can0 123#112233445566778899").find("more than 8"),
            std::string::npos);
  EXPECT_NE(parse_error("(1.0) can0 123###0011").find("CAN XL"), std::string::npos);
  EXPECT_NE(parse_error("(1.0) can0 123#R9").find("RTR length"), std::string::npos);
  EXPECT_NE(parse_error("(1.0) can0 G23#11").find("not hexadecimal"), std::string::npos);
  EXPECT_NE(parse_error("(1.0) can0 40000000#11").find("above 1FFFFFFF"), std::string::npos);
  EXPECT_NE(parse_error("(1.0) can0 123#11 extra junk").find("unexpected text"), std::string::npos);
  EXPECT_NE(parse_error("(1.) can0 123#11").find("fraction"), std::string::npos);
  EXPECT_NE(parse_error("(1.0123456789) can0 123#11").find("fraction"), std::string::npos);
}

// Found by fuzzing: 20 digits overflowed the signed accumulator before the length check
// refused the line (undefined behaviour; UBSan stops here without the fix).
TEST(CandumpLine, OverlongTimestampDigitsAreRefusedWithoutOverflow) {
  const std::string seconds = parse_error("(99999999999999999999.000000) vcan0 123#00");
  EXPECT_NE(seconds.find("timestamp seconds must be 1..10 decimal digits, found 20"),
            std::string::npos)
      << seconds;
  const std::string fraction = parse_error("(1.99999999999999999999) vcan0 123#00");
  EXPECT_NE(fraction.find("timestamp fraction must be 1..9 decimal digits, found 20"),
            std::string::npos)
      << fraction;
  const std::string both =
      parse_error("(99999999999999999999999999999999999999.99999999999999999999) vcan0 123#00");
  EXPECT_NE(both.find("found 38"), std::string::npos) << both;
  // The widest accepted values still convert exactly.
  EXPECT_EQ(parse_ok("(9000000000.999999999) vcan0 123#00").frame.timestamp_ns,
            9'000'000'000'999'999'999LL);
}

TEST(CandumpLine, FormatIsTheInverseOfParse) {
  for (const char* text :
       {"(0000000166.000000) vcan0 21A#FE3612FE690507AD", "(1436509052.249713) can0 18FEF100#FF00",
        "(0000000001.000000) can0 123#R3", "(0000000002.000000) can0 123##1AABBCC",
        "(0000000003.000000) can0 20000040#0000000000000000"}) {
    const CandumpLine l = parse_ok(text);
    const std::string again = format_candump_line(l.frame, l.interface);
    const CandumpLine back = parse_ok(again);
    EXPECT_EQ(back.frame.id, l.frame.id) << text;
    EXPECT_EQ(back.frame.len, l.frame.len) << text;
    EXPECT_EQ(back.frame.data, l.frame.data) << text;
    EXPECT_EQ(back.frame.timestamp_ns, l.frame.timestamp_ns) << text;
    EXPECT_EQ(back.frame.kernel_id(), l.frame.kernel_id()) << text;
  }
  EXPECT_EQ(format_candump_line(parse_ok("(166.000000) vcan0 21A#FE3612FE690507AD").frame, "vcan0"),
            "(0000000166.000000) vcan0 21A#FE3612FE690507AD");
}

}  // namespace
}  // namespace canhose::can

namespace canhose::can {
namespace {

// Every prefix and thousands of random byte mutations of real lines: the parser either
// accepts (and then its output formats and parses back to the same frame) or explains
// the problem; it never crashes or reads outside the line (the ASan build checks that).
TEST(CandumpLine, TruncatedAndMutatedLinesNeverCrash) {
  const std::vector<std::string> seeds = {"(1436509052.249713) vcan0 044#2A366C2BBA",
                                          "(166.000000) vcan0 21A#FE3612FE690507AD",
                                          "(1.5) can1 18FEF100#FF00",
                                          "(2.0) can0 123##1AABBCC",
                                          "(1.0) can0 123#R3",
                                          "(3.0) can0 20000040#0000000000000000"};
  std::uint64_t state = 88172645463325252ULL;
  const auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::string alphabet = "0123456789ABCDEFabcdefRrT#._() \t\r-xX";
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  const auto check = [&](const std::string& text) {
    // Heap copy of exactly the line's bytes so ASan sees any read past the end.
    auto buffer = std::make_unique<char[]>(text.size() + 1);
    std::memcpy(buffer.get(), text.data(), text.size());
    CandumpLine out;
    std::string error;
    if (parse_candump_line(std::string_view(buffer.get(), text.size()), out, error)) {
      ++accepted;
      const std::string again = format_candump_line(out.frame, out.interface);
      CandumpLine back;
      ASSERT_TRUE(parse_candump_line(again, back, error)) << text << " -> " << again;
      EXPECT_EQ(back.frame.kernel_id(), out.frame.kernel_id()) << text;
      EXPECT_EQ(back.frame.len, out.frame.len) << text;
      EXPECT_EQ(back.frame.data, out.frame.data) << text;
    } else {
      ++rejected;
      EXPECT_FALSE(error.empty()) << text;
    }
  };
  for (const std::string& seed : seeds) {
    for (std::size_t n = 0; n <= seed.size(); ++n) {
      check(seed.substr(0, n));
    }
    for (int i = 0; i < 3000; ++i) {
      std::string m = seed;
      const int edits = 1 + static_cast<int>(next() % 3);
      for (int e = 0; e < edits; ++e) {
        const std::size_t at = next() % (m.size() + 1);
        const char c = alphabet[next() % alphabet.size()];
        switch (next() % 3) {
          case 0:
            if (at < m.size()) {
              m[at] = c;
            }
            break;
          case 1:
            m.insert(m.begin() + static_cast<std::ptrdiff_t>(at), c);
            break;
          default:
            if (at < m.size()) {
              m.erase(at, 1);
            }
            break;
        }
      }
      check(m);
    }
  }
  EXPECT_GT(accepted, 100u);
  EXPECT_GT(rejected, 100u);
}

}  // namespace
}  // namespace canhose::can
