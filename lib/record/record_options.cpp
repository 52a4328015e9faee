// The `record` section of canhose.yaml, `record.raw_frames` included.
#include "record/record_builder_options.hpp"

#include "base/mapping_reader.hpp"
#include "record/raw_frame_recorder.hpp"

namespace canhose::record {

using namespace std::chrono_literals;
using base::between;
using base::Duration;
using base::MappingReader;

void read_options(MappingReader& r, RecordBuilderOptions& c) {
  r.choice(
      "format", c.format,
      {{"space", RecordFormat::space}, {"csv", RecordFormat::csv}, {"jsonl", RecordFormat::jsonl}});
  r.value("fields", c.fields);
  r.value("period", c.period, between<Duration>(10ms, 1h));
  r.value("csv_header", c.csv_header);
  r.value("missing_token", c.missing_token,
          [](const std::string& token) -> std::optional<std::string> {
            if (is_valid_missing_token(token)) {
              return std::nullopt;
            }
            return std::string("expected a token pandas reads as missing, such as NaN, NA or null");
          });
  r.value("field_max_age", c.field_max_age, between<Duration>(0s, 24h));
  if (c.fields.empty()) {
    r.error("fields", "a record needs at least one field");
  }
}

void read_options(MappingReader& f, RawFrameOptions& raw) {
  f.value("enabled", raw.enabled);
  std::vector<std::string> ids;
  f.value("ids", ids);
  raw.ids.clear();
  raw.all_ids = false;
  const auto is_all = [](const std::string& text) {
    return text.size() == 3 && std::tolower(static_cast<unsigned char>(text[0])) == 'a' &&
           std::tolower(static_cast<unsigned char>(text[1])) == 'l' &&
           std::tolower(static_cast<unsigned char>(text[2])) == 'l';
  };
  // A CAN identifier written in decimal or hex; a config error otherwise.
  const auto can_id = [&](const std::string& text,
                          std::string_view key) -> std::optional<std::uint32_t> {
    unsigned long id = 0;
    std::size_t used = 0;
    try {
      id = std::stoul(text, &used, 0);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || id > 0x1FFFFFFF) {
      f.error(key, "\"" + text + "\" is not a CAN id (0x000 to 0x1FFFFFFF)");
      return std::nullopt;
    }
    return static_cast<std::uint32_t>(id);
  };
  if (ids.size() == 1 && is_all(ids[0])) {
    raw.all_ids = true;
    ids.clear();
  }
  for (const std::string& text : ids) {
    if (is_all(text)) {
      f.error("ids", "\"all\" stands alone: write `ids: all`, or list only ids");
      continue;
    }
    if (const auto id = can_id(text, "ids")) {
      raw.ids.push_back(*id);
    }
  }
  // Identifiers up to 0x7FF that are sent as 29-bit frames.
  std::vector<std::string> extended;
  f.value("extended_ids", extended);
  raw.extended_ids.clear();
  for (const std::string& text : extended) {
    if (const auto id = can_id(text, "extended_ids")) {
      raw.extended_ids.push_back(*id);
    }
  }
  // Enabled with nothing selected used to record nothing and say nothing.
  if (raw.enabled && !raw.all_ids && ids.empty() && raw.extended_ids.empty()) {
    f.error(f.has("ids") ? "ids" : "enabled",
            "raw frames are enabled but no ids are selected: write `ids: all` to record "
            "every frame, or list the ids, e.g. ids: [\"0x7E8\", \"0x18FEF100\"]");
  }
}

}  // namespace canhose::record
