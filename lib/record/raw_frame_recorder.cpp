#include "record/raw_frame_recorder.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include "log/logger.hpp"
#include "record/text_encoding.hpp"

namespace canhose::record {

namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

// "00" "01" ... "FF": a byte's two hex digits in one lookup.
constexpr std::array<char, 512> kHexPairs = [] {
  std::array<char, 512> t{};
  for (std::size_t b = 0; b < 256; ++b) {
    t[2 * b] = kHexDigits[b >> 4];
    t[2 * b + 1] = kHexDigits[b & 0xF];
  }
  return t;
}();

// The identifier as candump writes it: 3 hex digits for 11-bit ids, 8 for 29-bit ids.
char* put_id(char* p, std::uint32_t id, bool extended) {
  if (extended) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      std::memcpy(p, &kHexPairs[2 * ((id >> shift) & 0xFFu)], 2);
      p += 2;
    }
    return p;
  }
  *p++ = kHexDigits[(id >> 8) & 0x7u];
  std::memcpy(p, &kHexPairs[2 * (id & 0xFFu)], 2);
  return p + 2;
}

// a == b for the short strings interface names are (at most 15 characters, IFNAMSIZ):
// two overlapping word loads instead of a memcmp() call or a loop.
bool same_short_text(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) {
    return false;
  }
  auto word = [](const char* p, auto w) {
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  if (n >= 8) {
    if (n > 16) {
      return a == b;
    }
    return word(a.data(), std::uint64_t{}) == word(b.data(), std::uint64_t{}) &&
           word(a.data() + n - 8, std::uint64_t{}) == word(b.data() + n - 8, std::uint64_t{});
  }
  if (n >= 4) {
    return word(a.data(), std::uint32_t{}) == word(b.data(), std::uint32_t{}) &&
           word(a.data() + n - 4, std::uint32_t{}) == word(b.data() + n - 4, std::uint32_t{});
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) {
      return false;
    }
  }
  return true;
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

class FrameBatchContent final : public RecordBatchContent {
 public:
  FrameBatchContent(const RawFrameRecorder& r, std::span<const RawFrame* const> frames)
      : recorder_(r), frames_(frames) {}
  std::size_t size() const override { return frames_.size(); }
  void write(std::size_t index, std::uint64_t sequence, std::string& out) const override {
    recorder_.format(sequence, *frames_[index], out);
  }

 private:
  const RawFrameRecorder& recorder_;
  std::span<const RawFrame* const> frames_;
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
  if (options_.all_ids) {
    return true;
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

std::size_t RawFrameRecorder::on_frames(std::span<const RawFrame> frames) {
  counters_.frames_seen += frames.size();
  batch_frames_.clear();
  for (const RawFrame& f : frames) {
    if (selected(f.id, f.flags)) {
      batch_frames_.push_back(&f);
    }
  }
  if (batch_frames_.empty()) {
    return 0;
  }
  batch_results_.resize(batch_frames_.size());
  sink_.append_batch(FrameBatchContent(*this, batch_frames_), batch_results_);
  std::size_t appended = 0;
  for (const AppendResult& r : batch_results_) {
    if (r.error) {
      ++counters_.append_failures;
      log::warning("record", "a raw-frame record was refused by the queue: ", r.error.message());
    } else {
      ++appended;
    }
  }
  counters_.records += appended;
  return appended;
}

const std::string& RawFrameRecorder::iface_text(std::string_view iface) const {
  // The text is never empty once computed (space/csv get a non-empty name, jsonl quotes).
  if (cached_iface_text_.empty() || !same_short_text(iface, cached_iface_)) {
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

char* RawFrameRecorder::write_record_id(char* p, std::uint64_t record_id) const {
  // Records ids are queue sequence numbers: usually the previous one plus one, so the
  // previous text is incremented in place instead of converting the number again.
  if (record_id == last_record_id_ + 1 && record_id != 0 && record_id_length_ != 0) {
    std::size_t i = record_id_length_;
    while (i > 0 && record_id_text_[i - 1] == '9') {
      record_id_text_[--i] = '0';
    }
    if (i > 0) {
      ++record_id_text_[i - 1];
    } else {  // 99..9 + 1: one digit more
      record_id_length_ = 0;
    }
  } else {
    record_id_length_ = 0;
  }
  if (record_id_length_ == 0) {
    const auto r = std::to_chars(record_id_text_.data(), record_id_text_.data() + 20, record_id);
    record_id_length_ = static_cast<std::uint8_t>(r.ptr - record_id_text_.data());
  }
  last_record_id_ = record_id;
  // A fixed-size copy (compiled to a few moves); only record_id_length_ bytes count.
  std::memcpy(p, record_id_text_.data(), record_id_text_.size());
  return p + record_id_length_;
}

void RawFrameRecorder::format(std::uint64_t record_id, const RawFrame& frame,
                              std::string& out) const {
  // The whole line is assembled in one buffer and appended in one go: per-character
  // appends (a capacity check each) cost more than the formatting itself.
  const bool json = format_ == RecordFormat::jsonl;
  const char sep = format_ == RecordFormat::csv ? ',' : ' ';
  auto put = [](char* p, std::string_view text) { return std::copy(text.begin(), text.end(), p); };
  const bool missing_iface = !json && frame.iface.empty();
  const std::string& iface = missing_iface ? missing_token_ : iface_text(frame.iface);

  // Longest line: JSON punctuation (< 64), the record id and its copy slack (24), the
  // timestamp (27), the interface, 64 data bytes (128 hex digits), the missing token.
  const std::size_t longest =
      64 + 24 + TimestampText::kMaxLength + iface.size() + 128 + missing_token_.size();
  std::array<char, 512> stack;
  std::string heap;  // only for an unusually long interface name or missing token
  char* const line = longest <= stack.size() ? stack.data() : (heap.resize(longest), heap.data());
  char* p = line;
  if (json) {
    p = put(p, "{\"record_id\":");
  }
  p = write_record_id(p, record_id);
  p = json ? put(p, ",\"timestamp\":\"") : put(p, std::string_view(&sep, 1));
  p = timestamp_text_.write_us(p, frame.timestamp);
  p = json ? put(p, "\",\"iface\":") : put(p, std::string_view(&sep, 1));
  p = put(p, iface);
  p = json ? put(p, ",\"id\":\"") : put(p, std::string_view(&sep, 1));
  const bool extended = (frame.flags & RawFrame::kExtended) != 0;
  p = put_id(p, frame.id & (extended ? 0x1FFFFFFFu : 0x7FFu), extended);
  p = json ? put(p, "\",\"data\":") : put(p, std::string_view(&sep, 1));
  if ((frame.flags & RawFrame::kRemote) != 0) {
    p = put(p, json ? std::string_view("\"R\"") : std::string_view("R"));
  } else if (frame.data.empty()) {
    p = put(p, json ? std::string_view("null") : std::string_view(missing_token_));
  } else {
    if (json) {
      *p++ = '"';
    }
    const std::size_t n = std::min<std::size_t>(frame.data.size(), 64);
    const std::uint8_t* d = frame.data.data();
    auto hex = [&](std::size_t i) { std::memcpy(p + 2 * i, &kHexPairs[2 * std::size_t{d[i]}], 2); };
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {  // 4 bytes a step: a classic frame's 8 bytes in two
      hex(i);
      hex(i + 1);
      hex(i + 2);
      hex(i + 3);
    }
    for (; i < n; ++i) {
      hex(i);
    }
    p += 2 * n;
    if (json) {
      *p++ = '"';
    }
  }
  if (json) {
    *p++ = '}';
  }
  *p++ = '\n';
  out.append(line, static_cast<std::size_t>(p - line));
}

}  // namespace canhose::record
