#include "queue/cursor_file.hpp"

#include <array>

#include "queue/crc32c.hpp"
#include "queue/little_endian.hpp"
#include "queue/queue_format.hpp"

namespace canhose::queue {

CursorFile::CursorFile(FileSystem& fs, std::filesystem::path dir) : fs_(fs), dir_(std::move(dir)) {}

CursorFile::LoadResult CursorFile::load() {
  LoadResult result;
  std::unique_ptr<File> file;
  const auto path = dir_ / format::kCursorName;
  if (auto ec = fs_.open(path, OpenMode::read, file)) {
    if (ec == std::errc::no_such_file_or_directory) {
      result.status = LoadStatus::missing;
      result.message = "no cursor file";
    } else {
      result.status = LoadStatus::io_error;
      result.message = "cannot open " + path.string() + ": " + ec.message();
    }
    return result;
  }
  std::array<std::byte, format::kCursorFileSize + 1> buf{};
  const IoResult r = file->read_at(0, buf);
  if (r.error) {
    result.status = LoadStatus::io_error;
    result.message = "cannot read " + path.string() + ": " + r.error.message();
    return result;
  }
  const std::byte* p = buf.data();
  if (r.bytes != format::kCursorFileSize) {
    result.status = LoadStatus::corrupt;
    result.message = "cursor file has " + std::to_string(r.bytes) + " bytes, expected " +
                     std::to_string(format::kCursorFileSize);
  } else if (le::get_u32(p) != format::kCursorMagic) {
    result.status = LoadStatus::corrupt;
    result.message = "cursor file has a bad magic number";
  } else if (crc32c::mask(crc32c::value({p, 24})) != le::get_u32(p + 24)) {
    result.status = LoadStatus::corrupt;
    result.message = "cursor file checksum mismatch";
  } else if (le::get_u32(p + 4) != format::kCursorVersion) {
    result.status = LoadStatus::unknown_version;
    result.message = "cursor file has unknown format version " + std::to_string(le::get_u32(p + 4));
  } else {
    result.status = LoadStatus::ok;
    result.cursor.ack_seq = le::get_u64(p + 8);
    result.cursor.next_seq = le::get_u64(p + 16);
    if (result.cursor.ack_seq > result.cursor.next_seq || result.cursor.ack_seq == 0) {
      result.status = LoadStatus::corrupt;
      result.message = "cursor file holds an impossible cursor";
    }
  }
  return result;
}

std::error_code CursorFile::store(const Cursor& cursor) {
  std::array<std::byte, format::kCursorFileSize> buf{};
  std::byte* p = buf.data();
  le::put_u32(p, format::kCursorMagic);
  le::put_u32(p + 4, format::kCursorVersion);
  le::put_u64(p + 8, cursor.ack_seq);
  le::put_u64(p + 16, cursor.next_seq);
  le::put_u32(p + 24, crc32c::mask(crc32c::value({p, 24})));

  const auto tmp = dir_ / format::kCursorTmpName;
  std::unique_ptr<File> file;
  if (auto ec = fs_.open(tmp, OpenMode::create_truncate, file)) {
    return ec;
  }
  const IoResult w = file->append(buf);
  if (w.error) {
    return w.error;
  }
  if (auto ec = file->sync()) {
    return ec;
  }
  file.reset();
  if (auto ec = fs_.rename(tmp, dir_ / format::kCursorName)) {
    return ec;
  }
  return fs_.sync_directory(dir_);
}

}  // namespace canhose::queue
