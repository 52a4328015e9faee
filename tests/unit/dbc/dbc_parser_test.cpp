#include "dbc/dbc_parser.hpp"
#include "support/test_paths.hpp"

#include "dbc/dbc_decoder.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace canhose::dbc {
namespace {

const std::string kToyota = std::string(CANHOSE_TEST_DATA_DIR) + "/can/toyota_2017_ref_pt.dbc";

TEST(DbcParser, ParsesTheWholeToyotaDbc) {
  const DbcParseResult r = load_dbc_file(kToyota);
  for (const DbcDiagnostic& e : r.errors) {
    ADD_FAILURE() << e.to_string();
  }
  ASSERT_TRUE(r.ok());
  // grep -c '^BO_' = 143, grep -c '^ SG_' = 1315
  EXPECT_EQ(r.database.messages.size(), 143u);
  std::size_t signals = 0;
  for (const DbcMessage& m : r.database.messages) {
    signals += m.signals.size();
  }
  EXPECT_EQ(signals, 1315u);

  const DbcMessage* vsc = r.database.find_message("VSC1S03");
  ASSERT_NE(vsc, nullptr);
  EXPECT_EQ(vsc->id, 180u);
  EXPECT_FALSE(vsc->extended);
  EXPECT_EQ(vsc->length, 8);
  EXPECT_EQ(vsc->transmitter, "CGW");
  ASSERT_EQ(vsc->signals.size(), 4u);
  const DbcSignal& sp1 = vsc->signals[2];
  EXPECT_EQ(sp1.name, "SP1");
  EXPECT_EQ(sp1.start_bit, 47);
  EXPECT_EQ(sp1.length, 16);
  EXPECT_EQ(sp1.byte_order, ByteOrder::motorola);
  EXPECT_TRUE(sp1.is_signed);
  EXPECT_DOUBLE_EQ(sp1.factor, 0.01);
  EXPECT_EQ(sp1.unit, "km/h");
  EXPECT_EQ(sp1.receivers, (std::vector<std::string>{"BSR", "DS1", "FCM", "MAV"}));

  const DbcSignal& yr = r.database.find_message("YGS1S03")->signals[6];
  EXPECT_EQ(yr.name, "YR");
  EXPECT_DOUBLE_EQ(yr.offset, -125);
  EXPECT_DOUBLE_EQ(yr.factor, 0.244);

  // 32 messages have ids like 1073743490 (0x40000682): above 0x7FF without the extended
  // bit 31, so no frame can carry them. They parse, with a warning each.
  std::size_t invalid_id_warnings = 0;
  for (const DbcDiagnostic& w : r.warnings) {
    invalid_id_warnings += w.message.find("is not a valid 11-bit CAN id") != std::string::npos;
  }
  EXPECT_EQ(invalid_id_warnings, 32u);
}

TEST(DbcParser, ExtendedIdsIntelSignedMultiplexAndValueTables) {
  const DbcParseResult r = parse_dbc(R"(VERSION ""
NS_ :
    CM_
    BA_
BS_:
BU_: ECU TOOL
BO_ 2364539904 EEC1: 8 ECU
 SG_ EngineSpeed : 24|16@1+ (0.125,0) [0|8031.875] "rpm" TOOL
 SG_ Torque : 16|8@1- (1,-125) [-125|125] "%" TOOL,ECU
BO_ 100 MUXED: 8 ECU
 SG_ Mux M : 0|8@1+ (1,0) [0|255] "" TOOL
 SG_ A m1 : 8|8@1+ (1,0) [0|255] "" TOOL
 SG_ B m2 : 8|16@1+ (1E-002,0) [0|0] "" TOOL
CM_ SG_ 100 A "a comment; with a semicolon
over two lines";
BA_DEF_ SG_ "SPN" INT 0 524287;
BA_ "SPN" SG_ 2364539904 EngineSpeed 190;
VAL_ 100 Mux 1 "first" 2 "second" ;
SIG_VALTYPE_ 100 B : 0;
)");
  for (const DbcDiagnostic& e : r.errors) {
    ADD_FAILURE() << e.to_string();
  }
  ASSERT_EQ(r.database.messages.size(), 2u);
  const DbcMessage& eec1 = r.database.messages[0];
  EXPECT_TRUE(eec1.extended);
  EXPECT_EQ(eec1.id, 0x0CF00400u);
  EXPECT_EQ(eec1.signals[1].byte_order, ByteOrder::intel);
  EXPECT_TRUE(eec1.signals[1].is_signed);
  EXPECT_EQ(eec1.signals[1].receivers, (std::vector<std::string>{"TOOL", "ECU"}));
  const DbcMessage& muxed = r.database.messages[1];
  EXPECT_EQ(muxed.signals[0].multiplex, MultiplexRole::multiplexer);
  EXPECT_EQ(muxed.signals[1].multiplex, MultiplexRole::multiplexed);
  EXPECT_EQ(muxed.signals[2].multiplex_value, 2u);
  EXPECT_DOUBLE_EQ(muxed.signals[2].factor, 0.01);
  EXPECT_EQ(muxed.signals[0].value_names.at(2), "second");
}

TEST(DbcParser, MalformedLinesNameTheLineAndWhatWasExpected) {
  const DbcParseResult r = parse_dbc(
      "BO_ 100 M1: 8 ECU\n"                        // 1
      " SG_ A : 0|8@1+ (1,0) [0|255] \"\" ECU\n"   // 2 fine
      " SG_ B : 0 8@1+ (1,0) [0|255] \"\" ECU\n"   // 3 no '|'
      " SG_ C : 0|8@2+ (1,0) [0|255] \"\" ECU\n"   // 4 bad order
      " SG_ D : 0|8@1+ (1;0) [0|255] \"\" ECU\n"   // 5 bad ','
      " SG_ E : 0|0@1+ (1,0) [0|255] \"\" ECU\n"   // 6 length 0
      " SG_ F : 0|8@1+ (x,0) [0|255] \"\" ECU\n"   // 7 factor
      " SG_ G : 0|8@1+ (1,0) [0|255] ECU\n"        // 8 no unit
      "BO_ x M2: 8 ECU\n"                          // 9 bad id
      " SG_ H : 500|16@1+ (1,0) [0|0] \"\" ECU\n"  // 10 orphaned by line 9
      "BO_ 101 M3: 8 ECU\n"                        // 11
      " SG_ I m1 : 8|8@1+ (1,0) [0|0] \"\" ECU\n"  // 12 no multiplexer
      " SG_ J : 8|8@1+ (1,0) [0|0] \"\" ECU\n");   // 13 fine
  ASSERT_EQ(r.errors.size(), 9u);
  const auto has = [&](std::size_t line, const std::string& text) {
    for (const DbcDiagnostic& e : r.errors) {
      if (e.line == line && e.message.find(text) != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(has(3, "SG_ B: expected '|' after the start bit, found '8'"));
  EXPECT_TRUE(has(4, "byte order and sign"));
  EXPECT_TRUE(has(5, "expected ',' between factor and offset"));
  EXPECT_TRUE(has(6, "length of 1..64 bits"));
  EXPECT_TRUE(has(7, "expected the factor"));
  EXPECT_TRUE(has(8, "unit as a quoted string"));
  EXPECT_TRUE(has(9, "message id"));
  EXPECT_TRUE(has(10, "outside a message"));
  EXPECT_TRUE(has(12, "no multiplexer"));
  EXPECT_FALSE(r.ok());
  // Parsing went on: the good signals are there.
  EXPECT_EQ(r.database.find_message("M1")->signals.size(), 1u);
  EXPECT_EQ(r.database.find_message("M3")->signals.size(), 2u);
}

TEST(DbcParser, SignalPastSixtyFourBytesIsAnErrorPastTheMessageLengthAWarning) {
  const DbcParseResult r = parse_dbc(
      "BO_ 1 M: 8 E\n SG_ H : 500|16@1+ (1,0) [0|0] \"\" E\n"
      " SG_ K : 71|8@0+ (1,0) [0|0] \"\" E\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_NE(r.errors[0].message.find("past the end of a 64-byte frame"), std::string::npos);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].line, 3u);
  EXPECT_NE(r.warnings[0].message.find("beyond the message length 8"), std::string::npos);
}

TEST(DbcParser, SignalBeforeAnyMessageAndUnterminatedStringAreErrors) {
  const DbcParseResult a = parse_dbc(" SG_ A : 0|8@1+ (1,0) [0|255] \"\" ECU\n");
  ASSERT_EQ(a.errors.size(), 1u);
  EXPECT_NE(a.errors[0].message.find("outside a message"), std::string::npos);
  const DbcParseResult b = parse_dbc("BO_ 1 M: 8 E\nCM_ \"never closed;\n");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.errors[0].line, 2u);
  EXPECT_NE(b.errors[0].message.find("string never closed"), std::string::npos);
}

TEST(DbcParser, UnknownKeywordsAreIgnoredWithAWarning) {
  const DbcParseResult r =
      parse_dbc("FOO_ bar baz\nBO_ 1 M: 8 E\n SG_ A : 0|8@1+ (1,0) [0|0] \"\" E\n");
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].line, 1u);
  EXPECT_EQ(r.database.messages.at(0).signals.size(), 1u);
}

TEST(DbcParser, MissingFileIsOneClearError) {
  const DbcParseResult r = load_dbc_file("/nonexistent/x.dbc");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(), "/nonexistent/x.dbc:0: cannot open DBC file");
}

}  // namespace
}  // namespace canhose::dbc

namespace canhose::dbc {
namespace {

// Random edits to a real DBC: the parser reports errors or warnings with line numbers but
// never crashes, hangs or reads out of bounds (ASan build), and decoding whatever it
// accepted is safe.
TEST(DbcParser, MutatedToyotaDbcNeverCrashes) {
  std::ifstream in(kToyota);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string original = buffer.str();
  ASSERT_GT(original.size(), 10000u);
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  const auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::string alphabet = "0123456789|@+-()[],;:\" \nMmxBO_SG_VAL_";
  std::size_t with_errors = 0;
  for (int round = 0; round < 60; ++round) {
    std::string text = original.substr(0, 3000 + next() % 40000);
    for (int e = 0; e < 40; ++e) {
      const std::size_t at = next() % text.size();
      text[at] = alphabet[next() % alphabet.size()];
    }
    DbcParseResult r = parse_dbc(text);
    with_errors += r.errors.empty() ? 0 : 1;
    if (r.ok()) {
      const DbcDecoder decoder(std::move(r.database), DbcDecoderOptions{true});
      for (const DbcMessage& m : decoder.database().messages) {
        can::CanFrame f;
        f.id = m.id;
        f.extended = m.extended;
        f.len = static_cast<std::uint8_t>(next() % 9);
        for (auto& b : f.data) {
          b = static_cast<std::uint8_t>(next());
        }
        decoder.decode(f, [](std::uint32_t, double) {});
      }
    }
    for (const DbcDiagnostic& d : r.errors) {
      EXPECT_GT(d.line, 0u);
      EXPECT_FALSE(d.message.empty());
    }
  }
  EXPECT_GT(with_errors, 30u);
}

}  // namespace
}  // namespace canhose::dbc
