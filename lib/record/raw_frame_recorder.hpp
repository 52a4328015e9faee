#pragma once
// Optional raw capture: one record per CAN frame whose identifier is selected, for field
// debugging and for fleets that decode later. Format (docs/record.md):
//
//   space  record_id timestamp iface id data
//          1042 2026-11-25T18:00:00.123456Z can0 7E8 0641000000000000
//   csv    the same columns separated by ','
//   jsonl  {"record_id":1042,"timestamp":"...","iface":"can0","id":"7E8","data":"0641..."}
//
// timestamp: UTC with microseconds (kernel receive time). id: hexadecimal as candump
// writes it: 3 digits for 11-bit ids, 8 for 29-bit ids, so the width tells them apart.
// data: hexadecimal bytes, uppercase, no separators; "R" for a remote request; the
// missing token (jsonl: null) for a frame with no data bytes. CAN FD frames write their
// (up to 64) bytes the same way; their BRS/ESI flags are not recorded. Data beyond 64
// bytes (not a valid frame) is cut at 64.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "record/raw_frame.hpp"
#include "record/record_format.hpp"
#include "record/record_sink.hpp"
#include "record/timestamp_text.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::record {

struct RawFrameOptions {
  bool enabled = false;  // record.raw_frames.enabled
  // record.raw_frames.ids: all — every frame, whatever its id (a data logger's default;
  // the configuration refuses enabled: true with no ids at all).
  bool all_ids = false;
  // record.raw_frames.ids: identifiers to capture. Values up to 0x7FF select 11-bit
  // frames; larger values select 29-bit frames.
  std::vector<std::uint32_t> ids;
  // record.raw_frames.extended_ids: identifiers <= 0x7FF to capture as 29-bit frames.
  std::vector<std::uint32_t> extended_ids;
};

class RawFrameRecorder {
 public:
  struct Counters {
    std::uint64_t frames_seen = 0;
    std::uint64_t records = 0;
    std::uint64_t append_failures = 0;
  };

  RawFrameRecorder(RecordSink& sink, RawFrameOptions options, RecordFormat format,
                   std::string missing_token = std::string(kDefaultMissingToken));

  bool selected(std::uint32_t id, std::uint8_t flags) const;
  // Appends a record if the frame is selected. Returns true if one was appended.
  bool on_frame(const RawFrame& frame);
  // The same for every frame of a batch (one CAN read), the selected ones appended with
  // one RecordSink::append_batch. Returns how many records were appended.
  std::size_t on_frames(std::span<const RawFrame> frames);

  // Formats a frame's record (also used by the sink's content and the benchmark).
  void format(std::uint64_t record_id, const RawFrame& frame, std::string& out) const;
  const Counters& counters() const { return counters_; }

 private:
  // The interface name as the format writes it (quoted/escaped once, not per frame).
  const std::string& iface_text(std::string_view iface) const;
  // Writes the decimal record id at `p` (which must have 24 bytes of room); returns the end.
  char* write_record_id(char* p, std::uint64_t record_id) const;

  RecordSink& sink_;
  RawFrameOptions options_;
  RecordFormat format_;
  std::string missing_token_;
  std::array<std::uint64_t, 2048 / 64> selected_standard_{};  // one bit per 11-bit id
  std::unordered_set<std::uint32_t> selected_extended_;
  mutable std::string cached_iface_;       // the last interface name formatted...
  mutable std::string cached_iface_text_;  // ...and its text
  Counters counters_;
  // on_frames()'s reused buffers: the selected frames, the sink's results.
  std::vector<const RawFrame*> batch_frames_;
  std::vector<AppendResult> batch_results_;
  // Caches of format(), event-loop thread only.
  mutable TimestampText timestamp_text_;  // the current second's text
  mutable std::array<char, 24> record_id_text_{};
  mutable std::uint8_t record_id_length_ = 0;  // 0: nothing cached
  mutable std::uint64_t last_record_id_ = 0;
};

// Reads the `record.raw_frames` section of canhose.yaml into `options` (defaults: what it holds);
// each mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, RawFrameOptions& options);

}  // namespace canhose::record
