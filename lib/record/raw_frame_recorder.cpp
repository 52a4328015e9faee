#include "record/raw_frame_recorder.hpp"

#include <stdexcept>

#include "log/logger.hpp"
#include "record/text_encoding.hpp"

namespace canhose::record {

namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

void append_hex(std::string& out, std::uint32_t value, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out += kHexDigits[(value >> shift) & 0xF];
  }
}

void append_iso8601_us(std::string& out, std::chrono::sys_time<std::chrono::microseconds> t) {
  // The millisecond form, then the three extra digits before the 'Z'.
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  append_iso8601_ms(out, ms);
  out.pop_back();
  const auto us = static_cast<std::uint32_t>((t - ms).count());
  out += static_cast<char>('0' + us / 100);
  out += static_cast<char>('0' + us / 10 % 10);
  out += static_cast<char>('0' + us % 10);
  out += 'Z';
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
    selected_.insert(key(id, id > 0x7FF));
  }
  for (const auto id : options_.extended_ids) {
    if (id > 0x1FFFFFFF) {
      throw std::invalid_argument("record.raw_frames.extended_ids: " + std::to_string(id) +
                                  " is not a CAN identifier");
    }
    selected_.insert(key(id, true));
  }
}

bool RawFrameRecorder::selected(std::uint32_t id, std::uint8_t flags) const {
  return options_.enabled && selected_.contains(key(id, (flags & RawFrame::kExtended) != 0));
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

void RawFrameRecorder::format(std::uint64_t record_id, const RawFrame& frame,
                              std::string& out) const {
  const bool json = format_ == RecordFormat::jsonl;
  const char sep = format_ == RecordFormat::csv ? ',' : ' ';
  if (json) {
    out += "{\"record_id\":";
  }
  append_uint(out, record_id);
  out += json ? ",\"timestamp\":\"" : std::string_view(&sep, 1);
  append_iso8601_us(out, frame.timestamp);
  if (json) {
    out += "\",\"iface\":";
    append_json_string(out, frame.iface);
    out += ",\"id\":\"";
  } else {
    out += sep;
    if (frame.iface.empty()) {
      out += missing_token_;
    } else if (format_ == RecordFormat::csv) {
      append_csv_field(out, frame.iface);
    } else {
      append_space_token(out, frame.iface);
    }
    out += sep;
  }
  const bool extended = (frame.flags & RawFrame::kExtended) != 0;
  append_hex(out, frame.id & (extended ? 0x1FFFFFFFu : 0x7FFu), extended ? 8 : 3);
  out += json ? "\",\"data\":" : std::string_view(&sep, 1);
  if ((frame.flags & RawFrame::kRemote) != 0) {
    out += json ? "\"R\"" : "R";
  } else if (frame.data.empty()) {
    out += json ? std::string_view("null") : std::string_view(missing_token_);
  } else {
    if (json) {
      out += '"';
    }
    for (const std::uint8_t b : frame.data) {
      out += kHexDigits[b >> 4];
      out += kHexDigits[b & 0xF];
    }
    if (json) {
      out += '"';
    }
  }
  if (json) {
    out += '}';
  }
  out += '\n';
}

}  // namespace canhose::record
