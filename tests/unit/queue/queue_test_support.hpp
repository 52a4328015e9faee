#pragma once
// Shared by the queue tests: an in-memory File (LevelDB's StringSource habit, so frame
// damage can be made byte by byte), a reporter that collects what it is told, small
// helpers to drive an io_context and to read and write whole files, and segments built
// with the queue's own encoders.

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "asio/asio.hpp"
#include "queue/corruption_reporter.hpp"
#include "queue/file_system.hpp"
#include "queue/frame_codec.hpp"
#include "queue/queue_format.hpp"
#include "queue/segment_header.hpp"

namespace canhose::queue::testing {

class StringFile final : public File {
 public:
  std::string contents;

  IoResult append(std::span<const std::byte> data) override {
    contents.append(reinterpret_cast<const char*>(data.data()), data.size());
    return {data.size(), {}};
  }
  IoResult read_at(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset >= contents.size()) {
      return {0, {}};
    }
    const std::size_t n = std::min<std::size_t>(out.size(), contents.size() - offset);
    std::memcpy(out.data(), contents.data() + offset, n);
    return {n, {}};
  }
  std::error_code sync() override { return {}; }
  std::error_code truncate(std::uint64_t size) override {
    contents.resize(size);
    return {};
  }
  std::error_code size(std::uint64_t& out) override {
    out = contents.size();
    return {};
  }
};

class CollectingReporter final : public CorruptionReporter {
 public:
  std::uint64_t bytes = 0;
  std::uint64_t records = 0;
  std::string reasons;
  void corruption(const std::filesystem::path&, std::uint64_t, std::uint64_t b, std::uint64_t r,
                  std::string_view reason) override {
    bytes += b;
    records += r;
    reasons.append(reason).append(";");
  }
};

// A record read from the queue, copied out of its ReadBatch so it outlives the batch.
struct OwnedRecord {
  std::uint64_t seq = 0;
  std::vector<std::byte> data;
};

inline std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}
inline std::string string_of(std::span<const std::byte> b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

// Runs `io` until `done()` is true or `limit` passes; returns done().
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return done();
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
inline void spit(const std::filesystem::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

// The segment files of a queue directory, oldest first.
inline std::vector<std::filesystem::path> segment_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".seg") {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "record-<n>" padded with a pattern to `size` bytes: checkable content.
inline std::string payload_for(std::uint64_t n, std::size_t size) {
  std::string s = "record-" + std::to_string(n) + "-";
  while (s.size() < size) {
    s.push_back(static_cast<char>('a' + (s.size() + n) % 26));
  }
  s.resize(size);
  return s;
}

// A segment file's name in `dir`, as the queue names it.
inline std::filesystem::path segment_path(const std::filesystem::path& dir,
                                          std::uint64_t first_seq) {
  std::string digits = std::to_string(first_seq);
  digits.insert(0, format::kSegmentNameDigits - digits.size(), '0');
  return dir / (digits + std::string(format::kSegmentSuffix));
}

// Frames (no segment header) of a segment starting at `first_seq`, one per entry of
// `seqs` (any numbers, in that order), each holding payload_for(seq - 1, size), encoded as
// the queue encodes them.
inline std::string frames_with(std::uint64_t first_seq, const std::vector<std::uint64_t>& seqs,
                               std::size_t size = 50) {
  std::vector<std::byte> out;
  for (const std::uint64_t seq : seqs) {
    const std::string payload = payload_for(seq - 1, size);
    append_frame(out, static_cast<std::uint32_t>(seq - first_seq),
                 std::as_bytes(std::span(payload.data(), payload.size())));
  }
  return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

// A whole version-1 segment with those frames: what a test puts on disk to give the queue
// frames it would never write.
inline std::string segment_with(std::uint64_t first_seq, const std::vector<std::uint64_t>& seqs,
                                std::size_t size = 50) {
  std::array<std::byte, format::kSegmentHeaderSize> header{};
  encode_segment_header({format::kVersion1, first_seq, 0}, header);
  return std::string(reinterpret_cast<const char*>(header.data()), header.size()) +
         frames_with(first_seq, seqs, size);
}

// A segment starting at 1 as issue 14's fuzzing found it: records next - 2 and next - 1
// (the latter damaged: a checksum mismatch), then `region` bytes of `fill`, then records
// next .. next + after - 1, where next = 1 + fill * 0x01010101. Every offset of the region
// holds a frame header with length fill * 0x010101 (986,895 bytes for 0x0F) numbered
// next, which continues the sequence: every byte is a candidate for the resync.
struct CraftedSegment {
  std::string bytes;
  std::uint64_t next = 0;
  std::size_t damage_at = 0;  // offset of the damaged frame
  std::size_t resume_at = 0;  // offset of record `next`, after the region
};
inline CraftedSegment crafted_segment(std::uint8_t fill, std::size_t region, int after = 5) {
  CraftedSegment c;
  c.next = 1 + fill * 0x01010101ULL;
  c.bytes = segment_with(1, {c.next - 2, c.next - 1});
  c.damage_at = c.bytes.size() - format::kFrameHeaderSize - 50;
  c.bytes[c.damage_at + format::kFrameHeaderSize] ^= 0x01;
  c.bytes.append(region, static_cast<char>(fill));
  c.resume_at = c.bytes.size();
  std::vector<std::uint64_t> seqs;
  for (int i = 0; i < after; ++i) {
    seqs.push_back(c.next + static_cast<std::uint64_t>(i));
  }
  c.bytes += frames_with(1, seqs);
  return c;
}

}  // namespace canhose::queue::testing
