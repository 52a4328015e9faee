#pragma once
// A FileSystem that forwards to a real one but can be told to fail: ENOSPC or EIO on
// append, a short write, EIO on fsync, failure to create files. Tests use it to drive the
// queue's error paths on real files. Thread-safe: the queue's worker thread does the I/O
// while the test thread turns the knobs. Test code only: it is not built into canhosed.

#include <memory>
#include <mutex>

#include "queue/file_system.hpp"

namespace canhose::queue {

class FaultInjectingFileSystem final : public FileSystem {
 public:
  explicit FaultInjectingFileSystem(std::shared_ptr<FileSystem> real);

  // The next `count` appends fail with `error` (nothing written); count < 0: until cleared.
  void fail_appends(std::errc error, int count = -1);
  // The next append writes only `bytes` bytes, then reports `error` (a full disk by
  // default, which the queue answers with queue.when_full).
  void short_write_next(std::size_t bytes, std::errc error = std::errc::no_space_on_device);
  // The next `count` syncs fail with `error`; count < 0: until cleared.
  void fail_syncs(std::errc error, int count = -1);
  // The same for syncs of segment files only (*.seg): the cursor's are not affected.
  void fail_segment_syncs(std::errc error, int count = -1);
  // Creating files (OpenMode::create_truncate) fails with `error`; count < 0: until cleared.
  void fail_creates(std::errc error, int count = -1);
  void clear();

  std::uint64_t injected_failures() const;

  std::error_code open(const std::filesystem::path& path, OpenMode mode,
                       std::unique_ptr<File>& out) override;
  std::error_code rename(const std::filesystem::path& from,
                         const std::filesystem::path& to) override;
  std::error_code remove(const std::filesystem::path& path) override;
  std::error_code sync_directory(const std::filesystem::path& dir) override;
  std::error_code list(const std::filesystem::path& dir, std::vector<std::string>& names) override;
  std::error_code create_directories(const std::filesystem::path& dir, mode_t mode) override;
  std::error_code lock(const std::filesystem::path& path, std::unique_ptr<File>& out) override;

  // Shared with the files this file system opened, which may outlive a knob change.
  struct Knobs {
    mutable std::mutex mutex;
    std::errc append_error{};
    int append_failures = 0;
    std::size_t short_write_bytes = 0;
    bool short_write_armed = false;
    std::errc short_write_error = std::errc::no_space_on_device;
    std::errc sync_error{};
    int sync_failures = 0;
    int segment_sync_failures = 0;
    std::errc create_error{};
    int create_failures = 0;
    std::uint64_t injected = 0;
  };

 private:
  std::shared_ptr<FileSystem> real_;
  std::shared_ptr<Knobs> knobs_;
};

}  // namespace canhose::queue
