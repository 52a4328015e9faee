// Records written by the builder are read back with pandas, as the fleet team reads the
// S3 objects: column types, NaN for missing values, timestamps that parse as UTC.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "record/record_builder.hpp"
#include "support/child_process.hpp"
#include "support/memory_record_sink.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace canhose::record {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

const std::vector<std::string> kFields = {"record_id", "timestamp", "vin", "lat",
                                          "lon",       "speed",     "rpm", "gear_text"};

// Ten records: lat/lon missing in records 3-4 (no fix), rpm missing in 5 (stale), a
// string field with a space and a comma.
std::string generate(RecordFormat format, bool csv_header) {
  asio::io_context io;
  FieldStore store;
  test::MemoryRecordSink sink(1'000'000);
  RecordBuilderOptions o;
  o.format = format;
  o.csv_header = csv_header;
  o.fields = kFields;
  o.vin = "1HGCM82633A004352";
  o.field_max_age_overrides["rpm"] = 1s;
  auto wall = sys_days{year{2026} / 11 / 25} + 18h + 123ms;
  RecordBuilder builder(io, store, sink, o, [&] { return wall; });
  builder.start();  // header record, if any; the snapshots below are taken by hand
  for (int i = 0; i < 10; ++i) {
    const auto now = steady_clock::now();
    if (i == 3 || i == 4) {
      store.clear("lat");
      store.clear("lon");
    } else {
      store.publish("lat", 55.797019833 + i * 1e-5);
      store.publish("lon", -23.569020667);
    }
    store.publish("speed", 50.0 + i);
    store.publish("rpm", std::int64_t{2000 + i}, i == 5 ? now - 2s : now);
    store.publish("gear_text", std::string(i % 2 == 0 ? "D 4, eco" : "N"));
    builder.build_once();
    wall += 1s;
  }
  builder.stop();
  return sink.joined();
}

nlohmann::json read_with_pandas(const std::string& mode, const std::string& contents) {
  test::TempDir dir;
  const auto path = dir.write("records.txt", contents);
  std::vector<std::string> args = {
      std::string(CANHOSE_SOURCE_DIR) + "/tests/unit/record/read_records.py", mode, path.string()};
  args.insert(args.end(), kFields.begin(), kFields.end());
  // Debian's interpreter (python3-pandas), not the python3 first on PATH.
  const auto r = test::run_program("/usr/bin/python3", args, dir.path());
  EXPECT_TRUE(r.status.exited && r.status.code == 0) << r.err;
  return nlohmann::json::parse(r.out);
}

void check_common(const nlohmann::json& s) {
  EXPECT_EQ(s["rows"], 10);
  EXPECT_EQ(s["dtypes"]["record_id"], "int64");
  EXPECT_EQ(s["dtypes"]["lat"], "float64");
  EXPECT_EQ(s["dtypes"]["lon"], "float64");
  EXPECT_EQ(s["dtypes"]["speed"], "float64");
  EXPECT_EQ(s["dtypes"]["rpm"], "float64");  // an integer column with a NaN
  EXPECT_EQ(s["dtypes"]["vin"], "object");
  EXPECT_EQ(s["nan"]["lat"], 2);
  EXPECT_EQ(s["nan"]["lon"], 2);
  EXPECT_EQ(s["nan"]["rpm"], 1);
  EXPECT_EQ(s["nan"]["speed"], 0);
  EXPECT_EQ(s["nan"]["vin"], 0);
  EXPECT_EQ(s["bad_timestamps"], 0);
  EXPECT_EQ(s["first_timestamp"], "2026-11-25T18:00:00.123000+00:00");
  EXPECT_EQ(s["first"]["vin"], "1HGCM82633A004352");
  EXPECT_DOUBLE_EQ(s["first"]["lat"].get<double>(), 55.7970198);
  EXPECT_DOUBLE_EQ(s["first"]["lon"].get<double>(), -23.5690207);
  EXPECT_DOUBLE_EQ(s["first"]["rpm"].get<double>(), 2000.0);
}

TEST(PandasReadsRecords, SpaceFormatWithNamesGivesNumbersAndNaN) {
  const auto s = read_with_pandas("space", generate(RecordFormat::space, false));
  check_common(s);
  EXPECT_EQ(s["first"]["record_id"], 1'000'000);
  EXPECT_EQ(s["first"]["gear_text"], "D_4,_eco");  // no space can split a column
}

TEST(PandasReadsRecords, CsvFormatQuotesStrings) {
  const auto s = read_with_pandas("csv", generate(RecordFormat::csv, false));
  check_common(s);
  EXPECT_EQ(s["first"]["gear_text"], "D 4, eco");
}

TEST(PandasReadsRecords, CsvHeaderRecordNamesTheColumns) {
  const auto s = read_with_pandas("csv-header", generate(RecordFormat::csv, true));
  check_common(s);
  EXPECT_EQ(s["columns"], nlohmann::json(kFields));
  EXPECT_EQ(s["first"]["record_id"], 1'000'001);  // the header took sequence 1000000
}

TEST(PandasReadsRecords, JsonLinesGiveNullAsNaN) {
  const auto s = read_with_pandas("jsonl", generate(RecordFormat::jsonl, false));
  check_common(s);
  EXPECT_EQ(s["columns"], nlohmann::json(kFields));
  EXPECT_EQ(s["first"]["gear_text"], "D 4, eco");
}

}  // namespace
}  // namespace canhose::record
