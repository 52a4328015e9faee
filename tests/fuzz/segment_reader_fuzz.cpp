// The queue's segment reader (lib/queue/segment_reader.cpp, segment_header.cpp) on an
// arbitrary segment file: after a power cut, an SD card's bit rot or a crafted file in
// the state directory, recovery reads whatever is on the disk.
//
// The input is the whole segment, header included, held in memory behind the queue's File
// interface. Invariants checked beyond "no crash": sequence numbers only increase and stay
// below the segment's end, every record lies inside the file, and valid_end() never
// passes the readable range.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string_view>

#include "queue/queue_format.hpp"
#include "queue/segment_header.hpp"
#include "queue/segment_reader.hpp"

namespace queue = canhose::queue;

namespace {

// A read-only file over the fuzzer's bytes.
class BufferFile final : public queue::File {
 public:
  explicit BufferFile(std::span<const std::byte> bytes) : bytes_(bytes) {}
  queue::IoResult append(std::span<const std::byte>) override {
    return {0, std::make_error_code(std::errc::bad_file_descriptor)};
  }
  queue::IoResult read_at(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset >= bytes_.size()) {
      return {};
    }
    const std::size_t n = std::min<std::size_t>(out.size(), bytes_.size() - offset);
    std::memcpy(out.data(), bytes_.data() + offset, n);
    return {n, {}};
  }
  std::error_code sync() override { return {}; }
  std::error_code truncate(std::uint64_t) override {
    return std::make_error_code(std::errc::bad_file_descriptor);
  }
  std::error_code size(std::uint64_t& out) override {
    out = bytes_.size();
    return {};
  }

 private:
  std::span<const std::byte> bytes_;
};

class CountingReporter final : public queue::CorruptionReporter {
 public:
  void corruption(const std::filesystem::path&, std::uint64_t, std::uint64_t, std::uint64_t,
                  std::string_view) override {
    ++reports;
  }
  std::uint64_t reports = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  const queue::DecodedSegmentHeader decoded = queue::decode_segment_header(bytes);
  if (size < queue::format::kSegmentHeaderSize) {
    return 0;  // a segment torn while being created: recovery never reads its frames
  }
  // The frames are read whatever the header's status, so that the fuzzer need not forge
  // the header's checksum to reach them. A sequence of 0 cannot be a first_seq (sequences
  // start at 1), so such a file is read as from 1.
  const std::uint64_t first_seq = std::max<std::uint64_t>(decoded.header.first_seq, 1);
  // Read as though a successor segment started just after the most records this file
  // can hold, so that frames numbered beyond it (issue 14) meet the range check.
  const std::uint64_t most =
      (size - queue::format::kSegmentHeaderSize) / queue::format::kFrameHeaderSize;
  const std::uint64_t seq_end =
      std::min(queue::format::max_seq_end(first_seq),
               first_seq > ~std::uint64_t{0} - most ? ~std::uint64_t{0} : first_seq + most);
  BufferFile file(bytes);
  CountingReporter reporter;
  auto reader = queue::make_segment_reader(queue::format::kVersion1, file, "fuzz.seg", first_seq,
                                           seq_end, size, &reporter);
  if (!reader) {
    std::abort();  // version 1 is always readable
  }
  std::uint64_t previous = first_seq - 1;
  queue::FrameView frame;
  while (reader->next(frame) == queue::SegmentReader::Status::record) {
    if (frame.seq <= previous || frame.seq >= seq_end || frame.offset >= size ||
        frame.payload.size() > size) {
      std::abort();
    }
    previous = frame.seq;
  }
  if (reader->valid_end() > size) {
    std::abort();
  }
  return 0;
}
