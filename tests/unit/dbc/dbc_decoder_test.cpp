#include "dbc/dbc_decoder.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "dbc/dbc_parser.hpp"

namespace canhose::dbc {
namespace {

using can::CanFrame;

const std::string kToyota = std::string(CANHOSE_TEST_DATA_DIR) + "/can/toyota_2017_ref_pt.dbc";

CanFrame frame(std::uint32_t id, std::initializer_list<std::uint8_t> bytes, bool ext = false) {
  CanFrame f;
  f.id = id;
  f.extended = ext;
  f.len = static_cast<std::uint8_t>(bytes.size());
  std::size_t i = 0;
  for (std::uint8_t b : bytes) {
    f.data[i++] = b;
  }
  return f;
}

std::map<std::string, double> decode_all(const DbcDecoder& d, const CanFrame& f) {
  std::map<std::string, double> out;
  d.decode(f, [&](std::uint32_t n, double v) { out[d.signal(n).name] = v; });
  return out;
}

DbcDecoder decoder_from(std::string_view text, DbcDecoderOptions options = {}) {
  DbcParseResult r = parse_dbc(text);
  for (const DbcDiagnostic& e : r.errors) {
    ADD_FAILURE() << e.to_string();
  }
  return DbcDecoder(std::move(r.database), options);
}

class ToyotaDbc : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    DbcParseResult r = load_dbc_file(kToyota);
    ASSERT_TRUE(r.ok());
    decoder_ = new DbcDecoder(std::move(r.database), {});
  }
  static void TearDownTestSuite() {
    delete decoder_;
    decoder_ = nullptr;
  }
  static DbcDecoder* decoder_;
};
DbcDecoder* ToyotaDbc::decoder_ = nullptr;

TEST_F(ToyotaDbc, VehicleSpeedIsMotorolaSigned16BitTimesHundredth) {
  // BO_ 180 VSC1S03: SG_ SP1 : 47|16@0- (0.01,0) "km/h"
  // Motorola start bit 47 = byte 5 bit 7 is the MSB; 16 bits run through byte 5 then
  // byte 6, big-endian. 88.88 km/h = raw 8888 = 0x22B8 -> data[5]=0x22, data[6]=0xB8.
  // SP1P : 39|6@0+ -> byte 4 bits 7..2; SP1S : 33|1@0+ -> byte 4 bit 1.
  // data[4] = 0b101101_1_0 = 0xB6 -> SP1P = 0b101101 = 45, SP1S = 1.
  // VSC03SUM : 63|8@0+ -> byte 7 = 0x5C = 92.
  const auto v = decode_all(*decoder_, frame(180, {0, 0, 0, 0, 0xB6, 0x22, 0xB8, 0x5C}));
  ASSERT_EQ(v.size(), 4u);
  EXPECT_NEAR(v.at("SP1"), 88.88, 1e-9);
  EXPECT_EQ(v.at("SP1P"), 45);
  EXPECT_EQ(v.at("SP1S"), 1);
  EXPECT_EQ(v.at("VSC03SUM"), 92);
  // Reversing: -1.5 km/h = raw -150 = 0xFF6A as 16-bit two's complement.
  const auto back = decode_all(*decoder_, frame(180, {0, 0, 0, 0, 0, 0xFF, 0x6A, 0}));
  EXPECT_NEAR(back.at("SP1"), -1.5, 1e-9);
}

TEST_F(ToyotaDbc, TorqueRequestOnAFiveByteMessage) {
  // BO_ 545 VSC2F05: 5; SG_ TQER : 7|16@0- (0.03125,0) "Nm" -> bytes 0..1 big-endian.
  // 0xFF38 = -200 -> -200 * 0.03125 = -6.25 Nm.
  // Byte 2 = 0xA5 = 1010 0101: REQC(23)=bit7=1, REQ2(22)=bit6=0, REQ1(21)=bit5=1,
  // AIDWI(20)=bit4=0, RTD : 19|4@0+ = bits 3..0 = 0101 = 5.
  // Byte 3 = 0x80: LOMUSFT(31) = bit 7 = 1. VSC2F05S : 39|8@0+ = byte 4 = 0x11 = 17.
  const auto v = decode_all(*decoder_, frame(545, {0xFF, 0x38, 0xA5, 0x80, 0x11}));
  EXPECT_DOUBLE_EQ(v.at("TQER"), -6.25);
  EXPECT_EQ(v.at("REQC"), 1);
  EXPECT_EQ(v.at("REQ2"), 0);
  EXPECT_EQ(v.at("REQ1"), 1);
  EXPECT_EQ(v.at("AIDWI"), 0);
  EXPECT_EQ(v.at("RTD"), 5);
  EXPECT_EQ(v.at("LOMUSFT"), 1);
  EXPECT_EQ(v.at("VSC2F05S"), 17);
}

TEST_F(ToyotaDbc, YawRateTenBitsAcrossTheByteBoundaryWithOffset) {
  // BO_ 36 YGS1S03: SG_ YR : 1|10@0+ (0.244,-125): MSB is byte 0 bit 1, so the value is
  // byte 0 bits 1..0 followed by all of byte 1 (the Motorola "sawtooth").
  // data[0] = 0x02, data[1] = 0x00 -> raw 0b10_0000_0000 = 512 -> 512*0.244 - 125 = -0.072.
  // GL1X : 17|10@0+ (0.03589,-18.375): byte 2 bits 1..0 then byte 3.
  // data[2] = 0x03, data[3] = 0xFF -> raw 1023 -> 1023*0.03589 - 18.375 = 18.34047.
  // YGS1 : 3|1@0+ -> byte 0 bit 3 = 0 (0x02 has it clear).
  const auto v = decode_all(*decoder_, frame(36, {0x02, 0x00, 0x03, 0xFF, 0, 0, 0, 0}));
  EXPECT_NEAR(v.at("YR"), -0.072, 1e-9);
  EXPECT_NEAR(v.at("GL1X"), 18.34047, 1e-9);
  EXPECT_EQ(v.at("YGS1"), 0);
}

TEST_F(ToyotaDbc, SignedTenBitMotorolaWithSixBitShift) {
  // BO_ 836 ACC1F01: SG_ DSS1GDRV : 7|10@0- (0.1,0): byte 0 (8 bits) then byte 1 bits 7..6.
  // data[0]=0xFF, data[1]=0x40 -> 0xFF40 >> 6 = 0x3FD -> 10-bit signed = -3 -> -0.3 m/s^2.
  const auto v = decode_all(*decoder_, frame(836, {0xFF, 0x40, 0, 0, 0, 0, 0, 0}));
  EXPECT_NEAR(v.at("DSS1GDRV"), -0.3, 1e-12);
}

TEST_F(ToyotaDbc, ShortFrameSkipsSignalsBeyondItsLength) {
  // Only 6 bytes of VSC1S03: SP1 (bytes 5..6) and VSC03SUM (byte 7) are absent.
  const auto v = decode_all(*decoder_, frame(180, {0, 0, 0, 0, 0xB6, 0x22}));
  EXPECT_EQ(v.size(), 2u);
  EXPECT_FALSE(v.contains("SP1"));
  EXPECT_TRUE(v.contains("SP1P"));
}

TEST_F(ToyotaDbc, UnknownIdsErrorAndRtrFramesDecodeNothing) {
  EXPECT_EQ(decoder_->match(frame(0x7FF, {1, 2})), nullptr);
  CanFrame err = frame(180, {0, 0, 0, 0, 0, 0, 0, 0});
  err.error = true;
  EXPECT_EQ(decoder_->match(err), nullptr);
  CanFrame ext = frame(180, {0, 0, 0, 0, 0, 0, 0, 0}, true);
  EXPECT_EQ(decoder_->match(ext), nullptr);
  ASSERT_TRUE(decoder_->find_signal("VSC1S03", "SP1").has_value());
  EXPECT_EQ(decoder_->signal(*decoder_->find_signal("VSC1S03", "SP1")).unit, "km/h");
  EXPECT_FALSE(decoder_->find_signal("VSC1S03", "NOPE").has_value());
}

TEST(DbcDecoder, IntelUnsignedAndSignedAcrossBytes) {
  const DbcDecoder d = decoder_from(R"(BO_ 256 I: 8 E
 SG_ A : 0|12@1+ (1,0) [0|0] "" E
 SG_ T : 12|12@1- (0.5,-10) [0|0] "" E
 SG_ W : 24|32@1+ (1,0) [0|0] "" E
 SG_ B : 63|1@1+ (1,0) [0|0] "" E
)");
  // A: bits 0..11 = byte 0 + low nibble of byte 1: 0x34, 0x?2 -> 0x234 = 564.
  // T: bits 12..23 = high nibble of byte 1 (low bits) + byte 2: 0xF?, 0xFF -> 0xFFF = -1
  //    -> -1 * 0.5 - 10 = -10.5.
  // W: bytes 3..6 little-endian: 78 56 34 12 -> 0x12345678. B: bit 63 = byte 7 bit 7.
  const auto v = decode_all(d, frame(256, {0x34, 0xF2, 0xFF, 0x78, 0x56, 0x34, 0x12, 0x80}));
  EXPECT_EQ(v.at("A"), 564);
  EXPECT_DOUBLE_EQ(v.at("T"), -10.5);
  EXPECT_EQ(v.at("W"), 0x12345678);
  EXPECT_EQ(v.at("B"), 1);
}

TEST(DbcDecoder, SixtyFourBitSignalsBothOrders) {
  const DbcDecoder d = decoder_from(R"(BO_ 1 L: 8 E
 SG_ L : 0|64@1+ (1,0) [0|0] "" E
BO_ 2 M: 8 E
 SG_ M : 7|64@0- (1,0) [0|0] "" E
)");
  const auto l = decode_all(d, frame(1, {0, 0, 0, 0, 0, 0, 0, 0x01}));
  EXPECT_EQ(l.at("L"), 72057594037927936.0);  // 2^56
  const auto m = decode_all(d, frame(2, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE}));
  EXPECT_EQ(m.at("M"), -2);
}

TEST(DbcDecoder, MultiplexedSignalsOnlyWhenTheMultiplexerMatches) {
  const DbcDecoder d = decoder_from(R"(BO_ 100 MUXED: 8 E
 SG_ Mux M : 0|8@1+ (1,0) [0|255] "" E
 SG_ A m1 : 8|8@1+ (1,0) [0|255] "" E
 SG_ B m2 : 8|16@1+ (0.01,0) [0|0] "" E
 SG_ C : 56|8@1+ (1,0) [0|0] "" E
)");
  const auto one = decode_all(d, frame(100, {1, 0x2A, 0x01, 0, 0, 0, 0, 7}));
  EXPECT_EQ(one.size(), 3u);
  EXPECT_EQ(one.at("Mux"), 1);
  EXPECT_EQ(one.at("A"), 42);
  EXPECT_FALSE(one.contains("B"));
  EXPECT_EQ(one.at("C"), 7);
  const auto two = decode_all(d, frame(100, {2, 0x2A, 0x01, 0, 0, 0, 0, 7}));
  EXPECT_DOUBLE_EQ(two.at("B"), 2.98);  // 0x012A = 298 * 0.01
  EXPECT_FALSE(two.contains("A"));
  const auto other = decode_all(d, frame(100, {3, 0x2A, 0x01, 0, 0, 0, 0, 7}));
  EXPECT_EQ(other.size(), 2u);  // Mux and C
}

TEST(DbcDecoder, FloatSignalsAreReinterpreted) {
  const DbcDecoder d = decoder_from(R"(BO_ 5 F: 8 E
 SG_ F : 0|32@1- (2,1) [0|0] "" E
SIG_VALTYPE_ 5 F : 1;
)");
  // 1.5f = 0x3FC00000, little-endian 00 00 C0 3F -> 1.5 * 2 + 1 = 4.
  const auto v = decode_all(d, frame(5, {0x00, 0x00, 0xC0, 0x3F}));
  EXPECT_DOUBLE_EQ(v.at("F"), 4.0);
}

TEST(DbcDecoder, J1939MatchesAnySourceAddressAndPriorityWhenEnabled) {
  const std::string text = R"(BO_ 2364539904 EEC1: 8 E
 SG_ EngineSpeed : 24|16@1+ (0.125,0) [0|8031.875] "rpm" E
BO_ 2565537536 RQST: 3 E
 SG_ RequestedPgn : 0|24@1+ (1,0) [0|0] "" E
)";
  // EEC1 0x8CF00400: extended, id 0x0CF00400, PGN 0xF004 (PDU2), SA 0x00.
  // Frame 0x18F00417: priority 6, PGN 0xF004, SA 0x17. Bytes 3..4 = 0x20 0x1C = 7200
  // -> 7200 * 0.125 = 900 rpm.
  const CanFrame eec1 = frame(0x18F00417, {0, 0, 0, 0x20, 0x1C, 0, 0, 0}, true);
  const DbcDecoder plain = decoder_from(text);
  EXPECT_EQ(plain.match(eec1), nullptr);
  const DbcDecoder j1939 = decoder_from(text, DbcDecoderOptions{true});
  ASSERT_NE(j1939.match(eec1), nullptr);
  EXPECT_DOUBLE_EQ(decode_all(j1939, eec1).at("EngineSpeed"), 900.0);
  // RQST 0x98EAFF00 -> 0x18EAFF00: PDU1 (PF 0xEA < 240), PGN 0xEA00, DA 0xFF is not part
  // of the PGN. Frame 0x18EA2117 (DA 0x21, SA 0x17) asks for PGN 0xFECA (CA FE 00).
  const CanFrame rqst = frame(0x18EA2117, {0xCA, 0xFE, 0x00}, true);
  ASSERT_NE(j1939.match(rqst), nullptr);
  EXPECT_EQ(j1939.match(rqst)->name, "RQST");
  EXPECT_EQ(decode_all(j1939, rqst).at("RequestedPgn"), 0xFECA);
  // A standard frame never matches by PGN.
  EXPECT_EQ(j1939.match(frame(0x400, {0})), nullptr);
}

TEST(J1939Pgn, PduOneDropsDestinationPduTwoKeepsGroupExtension) {
  EXPECT_EQ(j1939_pgn(0x18F00417), 0xF004u);
  EXPECT_EQ(j1939_pgn(0x0CF00400), 0xF004u);
  EXPECT_EQ(j1939_pgn(0x18EA2117), 0xEA00u);
  EXPECT_EQ(j1939_pgn(0x18FEF100), 0xFEF1u);
  EXPECT_EQ(j1939_pgn(0x1BFEF100), 0x3FEF1u);  // EDP and DP bits belong to the PGN
  EXPECT_EQ(j1939_pgn(0x18DA10F1), 0xDA00u);
}

// A reference implementation that walks bit by bit, as the DBC format describes it:
// Intel takes bits start, start+1, ...; Motorola starts at the MSB and walks down within a
// byte, jumping to bit 7 of the next byte after bit 0.
std::uint64_t reference_raw(const DbcSignal& s, const std::uint8_t* data) {
  std::uint64_t v = 0;
  if (s.byte_order == ByteOrder::intel) {
    for (unsigned i = 0; i < s.length; ++i) {
      const unsigned bit = s.start_bit + i;
      v |= static_cast<std::uint64_t>((data[bit / 8] >> (bit % 8)) & 1u) << i;
    }
  } else {
    unsigned bit = s.start_bit;
    for (unsigned i = 0; i < s.length; ++i) {
      v = (v << 1) | ((data[bit / 8] >> (bit % 8)) & 1u);
      bit = (bit % 8 == 0) ? bit + 15 : bit - 1;
    }
  }
  return v;
}

TEST(SignalLayout, AgreesWithBitByBitReferenceOnRandomLayoutsUpTo64Bytes) {
  std::mt19937_64 rng(20261125);
  std::array<std::uint8_t, 64> data{};
  int checked = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    for (auto& b : data) {
      b = static_cast<std::uint8_t>(rng());
    }
    DbcSignal s;
    s.length = static_cast<std::uint8_t>(1 + rng() % 64);
    s.byte_order = (rng() & 1) != 0 ? ByteOrder::intel : ByteOrder::motorola;
    s.start_bit = static_cast<std::uint16_t>(rng() % 512);
    const SignalLayout l = SignalLayout::of(s);
    const unsigned msb = (s.start_bit / 8u) * 8u + (7u - s.start_bit % 8u);
    const unsigned last =
        s.byte_order == ByteOrder::intel ? s.start_bit + s.length - 1u : msb + s.length - 1u;
    if (last >= 512) {
      continue;  // the parser refuses these
    }
    EXPECT_EQ(l.last_byte, last / 8);
    ASSERT_EQ(l.extract(data.data()), reference_raw(s, data.data()))
        << "start " << s.start_bit << " length " << int{s.length}
        << (s.byte_order == ByteOrder::intel ? " intel" : " motorola");
    ++checked;
  }
  EXPECT_GT(checked, 15000);
}

// The decoder's one-word fast path (two shifts) against the bit-by-bit reference, sign
// extension, factor and offset, for random signals in 64-byte FD messages and frames of
// every length (signals past the frame's end must not be decoded).
TEST(DbcDecoder, DecodedValuesAgreeWithBitByBitReferenceOnRandomSignals) {
  std::mt19937_64 rng(6);
  std::string text;
  for (std::uint32_t id = 1; id <= 40; ++id) {
    text += "BO_ " + std::to_string(id) + " M" + std::to_string(id) + ": 64 ECU\n";
    for (int k = 0; k < 12; ++k) {
      const unsigned length = 1 + static_cast<unsigned>(rng() % 64);
      const bool intel = (rng() & 1) != 0;
      const bool is_signed = (rng() & 1) != 0;
      unsigned start = static_cast<unsigned>(rng() % 512);
      // Keep the signal inside 64 bytes (the parser refuses others).
      if (intel) {
        start = std::min(start, 512 - length);
      } else {
        const unsigned msb = std::min((start / 8u) * 8u + (7u - start % 8u), 512 - length);
        start = (msb / 8u) * 8u + (7u - msb % 8u);
      }
      const double factor = (rng() & 1) != 0 ? 1.0 : 0.25 * static_cast<double>(1 + rng() % 7);
      const double offset = (rng() & 1) != 0 ? 0.0 : -40.0;
      text += " SG_ S" + std::to_string(id) + "_" + std::to_string(k) + " : " +
              std::to_string(start) + "|" + std::to_string(length) + "@" + (intel ? "1" : "0") +
              (is_signed ? "-" : "+") + " (" + std::to_string(factor) + "," +
              std::to_string(offset) + ") [0|0] \"\" X\n";
    }
  }
  const DbcDecoder d = decoder_from(text);
  ASSERT_EQ(d.signal_count(), 480u);
  const std::array<std::uint8_t, 16> fd_lengths = {0, 1,  2,  3,  4,  5,  6,  7,
                                                   8, 12, 16, 20, 24, 32, 48, 64};
  std::size_t decoded = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    CanFrame f;
    f.id = 1 + static_cast<std::uint32_t>(rng() % 40);
    f.fd = true;
    f.len = fd_lengths[rng() % fd_lengths.size()];
    for (std::size_t i = 0; i < f.len; ++i) {
      f.data[i] = static_cast<std::uint8_t>(rng());
    }
    std::map<std::uint32_t, double> got;
    decoded += d.decode(f, [&](std::uint32_t n, double v) { got[n] = v; });
    for (std::uint32_t n = 0; n < d.signal_count(); ++n) {
      if (d.message_of(n).id != f.id) {
        continue;
      }
      const DbcSignal& s = d.signal(n);
      const SignalLayout l = SignalLayout::of(s);
      if (l.last_byte >= f.len) {
        EXPECT_EQ(got.count(n), 0u) << s.name;
        continue;
      }
      std::uint64_t raw = reference_raw(s, f.data.data());
      double value = static_cast<double>(raw);
      if (s.is_signed) {
        if (s.length < 64 && (raw >> (s.length - 1)) != 0) {
          raw |= ~((std::uint64_t{1} << s.length) - 1);
        }
        value = static_cast<double>(static_cast<std::int64_t>(raw));
      }
      ASSERT_EQ(got.count(n), 1u) << s.name;
      EXPECT_EQ(got[n], value * s.factor + s.offset)
          << s.name << " start " << s.start_bit << " length " << int{s.length}
          << (s.byte_order == ByteOrder::intel ? " intel" : " motorola")
          << (s.is_signed ? " signed" : " unsigned") << " len " << int{f.len};
    }
  }
  EXPECT_GT(decoded, 5000u);  // about 9,400 with this seed
}

}  // namespace
}  // namespace canhose::dbc
