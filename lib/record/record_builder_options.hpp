#pragma once
// Options of the snapshot record builder (YAML: record.*).

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "base/units.hpp"
#include "record/record_format.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::record {

struct RecordBuilderOptions {
  RecordFormat format = RecordFormat::space;  // record.format: space | csv | jsonl
  // record.fields: columns in order. record_id and timestamp are built in; any other name
  // is a field some source publishes (vin, device_id, lat, lon, speed, rpm, DBC signals).
  std::vector<std::string> fields = {"record_id", "timestamp", "vin", "lat", "lon", "speed"};
  base::Duration period = std::chrono::seconds(1);  // record.period: one record per period
  bool csv_header = false;  // record.csv_header: emit the header line as the first record
                            // after every start (csv only; see docs/record.md)
  std::string missing_token = std::string(kDefaultMissingToken);  // record.missing_token
  // record.field_max_age: a value older than this is missing. 0: never expires.
  base::Duration field_max_age = std::chrono::seconds(5);
  // record.field_max_age_overrides: per-field max ages (e.g. {rpm: 2s, vin: 0}).
  // vin and device_id default to 0 (never expire).
  std::map<std::string, base::Duration> field_max_age_overrides;
  // record.precision: decimals per field, overriding the defaults (lat/lon 7, speed 1...).
  std::map<std::string, int> precision;
  std::string vin;        // vehicle.vin: published as field "vin" if set (else OBD-II's)
  std::string device_id;  // device.id: published as field "device_id"
};

// Reads the `record` section of canhose.yaml into `options` (defaults: what it holds); each
// mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, RecordBuilderOptions& options);

}  // namespace canhose::record
