#include "record/raw_frame_recorder.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

#include "log/logger.hpp"
#include "record/text_encoding.hpp"

namespace canhose::record {

namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

char* put_hex(char* p, std::uint32_t value, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    *p++ = kHexDigits[(value >> shift) & 0xF];
  }
  return p;
}

class FrameContent final : public RecordContent {
 public:
  FrameContent(const RawFrameRecorder& r, const RawFrame& f) : recorder_(r), frame_(f) {}
  void write(std::uint64_t sequence, std::string& out) const override {
    recorder_.format(sequence, frame_, out);
  }

 private:
  const RawFrameRecorder& recorder_;
  const RawFrame& frame_;
};

}  // namespace

RawFrameRecorder::RawFrameRecorder(RecordSink& sink, RawFrameOptions options, RecordFormat format,
                                   std::string missing_token)
    : sink_(sink),
      options_(std::move(options)),
      format_(format),
      missing_token_(std::move(missing_token)) {
  if (format_ != RecordFormat::jsonl && !is_valid_missing_token(missing_token_)) {
    throw std::invalid_argument("record: invalid missing token \"" + missing_token_ + "\"");
  }
  for (const auto id : options_.ids) {
    if (id > 0x1FFFFFFF) {
      throw std::invalid_argument("record.raw_frames.ids: " + std::to_string(id) +
                                  " is not a CAN identifier");
    }
    if (id > 0x7FF) {
      selected_extended_.insert(id);
    } else {
      selected_standard_[id / 64] |= std::uint64_t{1} << (id % 64);
    }
  }
  for (const auto id : options_.extended_ids) {
    if (id > 0x1FFFFFFF) {
      throw std::invalid_argument("record.raw_frames.extended_ids: " + std::to_string(id) +
                                  " is not a CAN identifier");
    }
    selected_extended_.insert(id);
  }
}

bool RawFrameRecorder::selected(std::uint32_t id, std::uint8_t flags) const {
  if (!options_.enabled) {
    return false;
  }
  if ((flags & RawFrame::kExtended) != 0) {
    return selected_extended_.contains(id);
  }
  return id <= 0x7FF && ((selected_standard_[id / 64] >> (id % 64)) & 1U) != 0;
}

bool RawFrameRecorder::on_frame(const RawFrame& frame) {
  ++counters_.frames_seen;
  if (!selected(frame.id, frame.flags)) {
    return false;
  }
  const AppendResult r = sink_.append(FrameContent(*this, frame));
  if (r.error) {
    ++counters_.append_failures;
    log::warning("record", "a raw-frame record was refused by the queue: ", r.error.message());
    return false;
  }
  ++counters_.records;
  return true;
}

const std::string& RawFrameRecorder::iface_text(std::string_view iface) const {
  // The text is never empty once computed (space/csv get a non-empty name, jsonl quotes).
  if (cached_iface_text_.empty() || iface != cached_iface_) {
    cached_iface_.assign(iface);
    cached_iface_text_.clear();
    if (format_ == RecordFormat::jsonl) {
      append_json_string(cached_iface_text_, iface);
    } else if (format_ == RecordFormat::csv) {
      append_csv_field(cached_iface_text_, iface);
    } else {
      append_space_token(cached_iface_text_, iface);
    }
  }
  return cached_iface_text_;
}

void RawFrameRecorder::format(std::uint64_t record_id, const RawFrame& frame,
                              std::string& out) const {
  // Fixed-size parts are assembled in stack buffers and appended in one go: per-character
  // appends (a capacity check each) cost more than the formatting itself.
  const bool json = format_ == RecordFormat::jsonl;
  const char sep = format_ == RecordFormat::csv ? ',' : ' ';
  auto put = [](char* p, std::string_view text) { return std::copy(text.begin(), text.end(), p); };

  std::array<char, 32 + 20 + TimestampText::kMaxLength + 16> head;  // ... up to the iface
  char* p = head.data();
  if (json) {
    p = put(p, "{\"record_id\":");
  }
  p = std::to_chars(p, head.data() + head.size(), record_id).ptr;
  p = json ? put(p, ",\"timestamp\":\"") : put(p, std::string_view(&sep, 1));
  p = timestamp_text_.write_us(p, frame.timestamp);
  p = json ? put(p, "\",\"iface\":") : put(p, std::string_view(&sep, 1));
  out.append(head.data(), p);

  if (!json && frame.iface.empty()) {
    out += missing_token_;
  } else {
    out += iface_text(frame.iface);
  }

  // id, data (at most 64 bytes: 128 hex digits), closing characters.
  std::array<char, 32 + 128 + 32> tail;
  p = tail.data();
  p = json ? put(p, ",\"id\":\"") : put(p, std::string_view(&sep, 1));
  const bool extended = (frame.flags & RawFrame::kExtended) != 0;
  p = put_hex(p, frame.id & (extended ? 0x1FFFFFFFu : 0x7FFu), extended ? 8 : 3);
  p = json ? put(p, "\",\"data\":") : put(p, std::string_view(&sep, 1));
  if ((frame.flags & RawFrame::kRemote) != 0) {
    p = put(p, json ? std::string_view("\"R\"") : std::string_view("R"));
  } else if (frame.data.empty()) {
    if (json) {
      p = put(p, "null");
    } else {
      out.append(tail.data(), p);
      out += missing_token_;
      p = tail.data();
    }
  } else {
    if (json) {
      *p++ = '"';
    }
    const std::size_t n = std::min<std::size_t>(frame.data.size(), 64);
    for (std::size_t i = 0; i < n; ++i) {
      *p++ = kHexDigits[frame.data[i] >> 4];
      *p++ = kHexDigits[frame.data[i] & 0xF];
    }
    if (json) {
      *p++ = '"';
    }
  }
  if (json) {
    *p++ = '}';
  }
  *p++ = '\n';
  out.append(tail.data(), p);
}

}  // namespace canhose::record
