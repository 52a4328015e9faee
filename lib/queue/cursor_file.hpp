#pragma once
// The persisted acknowledgement cursor (layout in queue_format.hpp). Replaced atomically:
// write cursor.tmp, fsync it, rename over cursor, fsync the directory. A reader therefore
// sees either the old or the new cursor, never a mixture, even after a power cut.

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>

#include "queue/file_system.hpp"

namespace canhose::queue {

struct Cursor {
  std::uint64_t ack_seq = 1;   // first sequence number not yet acknowledged
  std::uint64_t next_seq = 1;  // next sequence number to assign
  friend bool operator==(const Cursor&, const Cursor&) = default;
};

class CursorFile {
 public:
  enum class LoadStatus { ok, missing, corrupt, unknown_version, io_error };
  struct LoadResult {
    LoadStatus status = LoadStatus::missing;
    Cursor cursor;
    std::string message;  // what was wrong, for the log
  };

  CursorFile(FileSystem& fs, std::filesystem::path dir);

  LoadResult load();
  std::error_code store(const Cursor& cursor);

 private:
  FileSystem& fs_;
  std::filesystem::path dir_;
};

}  // namespace canhose::queue
