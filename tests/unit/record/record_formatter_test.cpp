#include "record/record_formatter.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <locale>

#include "record/text_encoding.hpp"
#include "record/timestamp_text.hpp"

namespace canhose::record {
namespace {

using namespace std::chrono;

// 2026-11-25T18:00:00.123Z
const sys_time<milliseconds> kTime = sys_days{year{2026} / 11 / 25} + 18h + 123ms;

std::string line(const RecordFormatter& f, std::uint64_t id,
                 const std::vector<const FieldValue*>& values) {
  std::string out;
  f.format(id, kTime, values, out);
  return out;
}

RecordFormatter course(RecordFormat format) {
  return RecordFormatter(format, columns_with_default_precision(
                                     {"record_id", "timestamp", "vin", "lat", "lon", "speed"}));
}

const FieldValue kVin = std::string("1HGCM82633A004352");
const FieldValue kLat = 55.797019833;
const FieldValue kLon = -23.5690206666;
const FieldValue kSpeed = 52.34;

TEST(RecordFormatter, SpaceLineIsTheCourseRecord) {
  EXPECT_EQ(line(course(RecordFormat::space), 41, {nullptr, nullptr, &kVin, &kLat, &kLon, &kSpeed}),
            "41 2026-11-25T18:00:00.123Z 1HGCM82633A004352 55.7970198 -23.5690207 52.3\n");
}

TEST(RecordFormatter, CsvLineHasTheSameColumns) {
  EXPECT_EQ(line(course(RecordFormat::csv), 41, {nullptr, nullptr, &kVin, &kLat, &kLon, &kSpeed}),
            "41,2026-11-25T18:00:00.123Z,1HGCM82633A004352,55.7970198,-23.5690207,52.3\n");
}

TEST(RecordFormatter, JsonLineKeepsTheConfiguredKeyOrder) {
  EXPECT_EQ(line(course(RecordFormat::jsonl), 41, {nullptr, nullptr, &kVin, &kLat, &kLon, &kSpeed}),
            R"({"record_id":41,"timestamp":"2026-11-25T18:00:00.123Z","vin":"1HGCM82633A004352",)"
            R"("lat":55.7970198,"lon":-23.5690207,"speed":52.3})"
            "\n");
}

TEST(RecordFormatter, MissingValuesUseTheTokenOrNull) {
  const std::vector<const FieldValue*> none = {nullptr, nullptr, nullptr,
                                               nullptr, nullptr, nullptr};
  EXPECT_EQ(line(course(RecordFormat::space), 7, none),
            "7 2026-11-25T18:00:00.123Z NaN NaN NaN NaN\n");
  EXPECT_EQ(line(course(RecordFormat::csv), 7, none),
            "7,2026-11-25T18:00:00.123Z,NaN,NaN,NaN,NaN\n");
  EXPECT_EQ(line(course(RecordFormat::jsonl), 7, none),
            R"({"record_id":7,"timestamp":"2026-11-25T18:00:00.123Z","vin":null,"lat":null,)"
            R"("lon":null,"speed":null})"
            "\n");
  RecordFormatter na(RecordFormat::space, columns_with_default_precision({"record_id", "speed"}),
                     "NA");
  EXPECT_EQ(line(na, 7, {nullptr, nullptr}), "7 NA\n");
}

TEST(RecordFormatter, NonFiniteNumbersAreMissingNotInfOrNan) {
  const FieldValue inf = std::numeric_limits<double>::infinity();
  const FieldValue nan = std::numeric_limits<double>::quiet_NaN();
  RecordFormatter space(RecordFormat::space, columns_with_default_precision({"a", "b"}));
  EXPECT_EQ(line(space, 1, {&inf, &nan}), "NaN NaN\n");
  RecordFormatter json(RecordFormat::jsonl, columns_with_default_precision({"a", "b"}));
  EXPECT_EQ(line(json, 1, {&inf, &nan}), "{\"a\":null,\"b\":null}\n");
}

TEST(RecordFormatter, PrecisionPerFieldAndShortestTextOtherwise) {
  const FieldValue rpm = 2456.6;
  const FieldValue co2 = 1.23456;
  const FieldValue signal = 0.1;  // unknown field: shortest exact text, not 0.1000000000000000055
  const FieldValue gear = std::int64_t{-3};
  const FieldValue big = 1.0e22;
  RecordFormatter f(RecordFormat::space, columns_with_default_precision(
                                             {"rpm", "co2_g_per_s", "Engine_Torque", "gear", "x"}));
  EXPECT_EQ(line(f, 1, {&rpm, &co2, &signal, &gear, &big}), "2457 1.235 0.1 -3 1e+22\n");
}

TEST(RecordFormatter, SpaceFormatNeverLetsAValueSplitAColumn) {
  const FieldValue text = std::string("Park \tmode\n");
  const FieldValue empty = std::string();
  RecordFormatter f(RecordFormat::space, columns_with_default_precision({"gear_text", "note"}));
  EXPECT_EQ(line(f, 1, {&text, &empty}), "Park__mode_ NaN\n");
  EXPECT_EQ(f.sanitized_values(), 1u);
}

TEST(RecordFormatter, CsvQuotesSeparatorsAndQuotes) {
  const FieldValue text = std::string("a,b \"c\"");
  const FieldValue plain = std::string("ok");
  RecordFormatter f(RecordFormat::csv, columns_with_default_precision({"t", "p"}));
  EXPECT_EQ(line(f, 1, {&text, &plain}), "\"a,b \"\"c\"\"\",ok\n");
}

TEST(RecordFormatter, JsonEscapesControlCharacters) {
  const FieldValue text = std::string("q\"\\\n\x01");
  RecordFormatter f(RecordFormat::jsonl, columns_with_default_precision({"t"}));
  EXPECT_EQ(line(f, 1, {&text}), "{\"t\":\"q\\\"\\\\\\n\\u0001\"}\n");
}

TEST(RecordFormatter, HeaderListsTheColumns) {
  EXPECT_EQ(course(RecordFormat::csv).header(), "record_id,timestamp,vin,lat,lon,speed\n");
  EXPECT_EQ(course(RecordFormat::space).header(), "record_id timestamp vin lat lon speed\n");
  EXPECT_EQ(course(RecordFormat::jsonl).header(), "");
}

TEST(RecordFormatter, BadConfigurationIsRefusedAtStartUp) {
  EXPECT_THROW(RecordFormatter(RecordFormat::space, {}), std::invalid_argument);
  EXPECT_THROW(RecordFormatter(RecordFormat::space, columns_with_default_precision({"a", "a"})),
               std::invalid_argument);
  EXPECT_THROW(RecordFormatter(RecordFormat::space, columns_with_default_precision({"a b"})),
               std::invalid_argument);
  EXPECT_THROW(RecordFormatter(RecordFormat::csv, columns_with_default_precision({"a"}), "missing"),
               std::invalid_argument);
  EXPECT_THROW(RecordFormatter(RecordFormat::space, columns_with_default_precision({"a"}), ""),
               std::invalid_argument);
}

// A German-style locale made by hand (this machine has only C/POSIX installed).
class CommaDecimal : public std::numpunct<char> {
 protected:
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

TEST(RecordFormatter, GlobalLocaleDoesNotChangeNumbers) {
  const std::locale previous =
      std::locale::global(std::locale(std::locale::classic(), new CommaDecimal));
  const FieldValue rpm = std::int64_t{12345};
  std::string out;
  try {
    out = line(course(RecordFormat::csv), 1234567, {nullptr, nullptr, &kVin, &kLat, &kLon, &rpm});
  } catch (...) {
    std::locale::global(previous);
    throw;
  }
  std::locale::global(previous);
  EXPECT_EQ(out,
            "1234567,2026-11-25T18:00:00.123Z,1HGCM82633A004352,55.7970198,-23.5690207,12345\n");
}

TEST(TextEncoding, Iso8601TimestampsCoverDateEdges) {
  std::string out;
  append_iso8601_ms(out, sys_time<milliseconds>{});
  EXPECT_EQ(out, "1970-01-01T00:00:00.000Z");
  out.clear();
  append_iso8601_ms(out, sys_days{year{2028} / 2 / 29} + 23h + 59min + 59s + 999ms);
  EXPECT_EQ(out, "2028-02-29T23:59:59.999Z");
  out.clear();
  append_iso8601_ms(out, sys_days{year{2038} / 1 / 19} + 3h + 14min + 8s + 5ms);
  EXPECT_EQ(out, "2038-01-19T03:14:08.005Z");
}

TEST(TimestampText, CachedSecondIsReplacedWhenTheSecondOrDayChanges) {
  TimestampText text;
  auto write = [&](sys_time<microseconds> t) {
    std::array<char, TimestampText::kMaxLength> buf{};
    return std::string(buf.data(), text.write_us(buf.data(), t));
  };
  const sys_time<microseconds> t = sys_days{year{2026} / 12 / 31} + 23h + 59min + 59s;
  EXPECT_EQ(write(t + 7us), "2026-12-31T23:59:59.000007Z");
  EXPECT_EQ(write(t + 999999us), "2026-12-31T23:59:59.999999Z");
  EXPECT_EQ(write(t + 1000000us), "2027-01-01T00:00:00.000000Z");
  EXPECT_EQ(write(t + 5us), "2026-12-31T23:59:59.000005Z");  // back in time: recomputed
  std::array<char, TimestampText::kMaxLength> buf{};
  EXPECT_EQ(std::string(buf.data(), text.write_ms(buf.data(), floor<milliseconds>(t) + 42ms)),
            "2026-12-31T23:59:59.042Z");
}

TEST(TextEncoding, FixedPrecisionRoundsTheExactBinaryValue) {
  // to_chars rounds the exact binary value: 0.125 is exact and rounds to even.
  std::string out;
  append_double(out, 0.125, 2);
  EXPECT_EQ(out, "0.12");
  out.clear();
  append_double(out, -0.04, 1);
  EXPECT_EQ(out, "-0.0");
}

}  // namespace
}  // namespace canhose::record
