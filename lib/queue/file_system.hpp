#pragma once
// The small file interface every byte of the queue goes through, so that tests can put a
// fault-injecting wrapper (tests/support/fault_injecting_file_system.hpp) between the
// queue and the real disk. Errors are values: std::error_code with the errno of the
// failing call.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace canhose::queue {

struct IoResult {
  std::size_t bytes = 0;  // bytes transferred, possibly fewer than asked (short write/read)
  std::error_code error;
};

class File {
 public:
  virtual ~File() = default;
  // Writes at the end of the file. A short write reports the bytes that did get written.
  virtual IoResult append(std::span<const std::byte> data) = 0;
  // Reads up to out.size() bytes at `offset`; fewer only at end of file or on error.
  virtual IoResult read_at(std::uint64_t offset, std::span<std::byte> out) = 0;
  // fdatasync: data and the size needed to read it back.
  virtual std::error_code sync() = 0;
  virtual std::error_code truncate(std::uint64_t size) = 0;
  virtual std::error_code size(std::uint64_t& out) = 0;
};

enum class OpenMode {
  read,             // existing file, read only
  read_write,       // existing file, read and append (recovery truncates through it)
  create_truncate,  // new or emptied file, read and append
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual std::error_code open(const std::filesystem::path& path, OpenMode mode,
                               std::unique_ptr<File>& out) = 0;
  virtual std::error_code rename(const std::filesystem::path& from,
                                 const std::filesystem::path& to) = 0;
  virtual std::error_code remove(const std::filesystem::path& path) = 0;
  // fsync of a directory, so that created, renamed and removed names survive power loss.
  virtual std::error_code sync_directory(const std::filesystem::path& dir) = 0;
  // Plain file names (no path) of the directory's entries.
  virtual std::error_code list(const std::filesystem::path& dir,
                               std::vector<std::string>& names) = 0;
  virtual std::error_code create_directories(const std::filesystem::path& dir, mode_t mode) = 0;
  // Takes an exclusive advisory lock (flock) on `path`, held until the returned File dies.
  virtual std::error_code lock(const std::filesystem::path& path, std::unique_ptr<File>& out) = 0;
};

}  // namespace canhose::queue
