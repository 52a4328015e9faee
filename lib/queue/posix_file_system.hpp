#pragma once
// FileSystem on the real disk with POSIX calls (open/write/pread/fdatasync/rename/flock).

#include "queue/file_system.hpp"

namespace canhose::queue {

class PosixFileSystem final : public FileSystem {
 public:
  std::error_code open(const std::filesystem::path& path, OpenMode mode,
                       std::unique_ptr<File>& out) override;
  std::error_code rename(const std::filesystem::path& from,
                         const std::filesystem::path& to) override;
  std::error_code remove(const std::filesystem::path& path) override;
  std::error_code sync_directory(const std::filesystem::path& dir) override;
  std::error_code list(const std::filesystem::path& dir, std::vector<std::string>& names) override;
  std::error_code create_directories(const std::filesystem::path& dir, mode_t mode) override;
  std::error_code lock(const std::filesystem::path& path, std::unique_ptr<File>& out) override;
};

}  // namespace canhose::queue
