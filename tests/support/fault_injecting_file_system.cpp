#include "support/fault_injecting_file_system.hpp"

#include <algorithm>

namespace canhose::queue {
namespace {

using Knobs = FaultInjectingFileSystem::Knobs;

// Takes one failure from a counter: true if this call must fail.
bool take(int& counter) {
  if (counter == 0) {
    return false;
  }
  if (counter > 0) {
    --counter;
  }
  return true;
}

class FaultInjectingFile final : public File {
 public:
  FaultInjectingFile(std::unique_ptr<File> real, std::shared_ptr<Knobs> knobs, bool segment)
      : real_(std::move(real)), knobs_(std::move(knobs)), segment_(segment) {}

  IoResult append(std::span<const std::byte> data) override {
    {
      std::lock_guard lock(knobs_->mutex);
      if (knobs_->short_write_armed) {
        knobs_->short_write_armed = false;
        ++knobs_->injected;
        IoResult r = real_->append(data.first(std::min(knobs_->short_write_bytes, data.size())));
        if (!r.error) {
          r.error = std::make_error_code(knobs_->short_write_error);
        }
        return r;
      }
      if (take(knobs_->append_failures)) {
        ++knobs_->injected;
        return {0, std::make_error_code(knobs_->append_error)};
      }
    }
    return real_->append(data);
  }
  IoResult read_at(std::uint64_t offset, std::span<std::byte> out) override {
    return real_->read_at(offset, out);
  }
  std::error_code sync() override {
    {
      std::lock_guard lock(knobs_->mutex);
      if (take(knobs_->sync_failures) || (segment_ && take(knobs_->segment_sync_failures))) {
        ++knobs_->injected;
        return std::make_error_code(knobs_->sync_error);
      }
    }
    return real_->sync();
  }
  std::error_code truncate(std::uint64_t size) override { return real_->truncate(size); }
  std::error_code size(std::uint64_t& out) override { return real_->size(out); }

 private:
  std::unique_ptr<File> real_;
  std::shared_ptr<Knobs> knobs_;
  bool segment_;
};

}  // namespace

FaultInjectingFileSystem::FaultInjectingFileSystem(std::shared_ptr<FileSystem> real)
    : real_(std::move(real)), knobs_(std::make_shared<Knobs>()) {}

void FaultInjectingFileSystem::fail_appends(std::errc error, int count) {
  std::lock_guard lock(knobs_->mutex);
  knobs_->append_error = error;
  knobs_->append_failures = count;
}

void FaultInjectingFileSystem::short_write_next(std::size_t bytes, std::errc error) {
  std::lock_guard lock(knobs_->mutex);
  knobs_->short_write_bytes = bytes;
  knobs_->short_write_error = error;
  knobs_->short_write_armed = true;
}

void FaultInjectingFileSystem::fail_syncs(std::errc error, int count) {
  std::lock_guard lock(knobs_->mutex);
  knobs_->sync_error = error;
  knobs_->sync_failures = count;
}

void FaultInjectingFileSystem::fail_segment_syncs(std::errc error, int count) {
  std::lock_guard lock(knobs_->mutex);
  knobs_->sync_error = error;
  knobs_->segment_sync_failures = count;
}

void FaultInjectingFileSystem::fail_creates(std::errc error, int count) {
  std::lock_guard lock(knobs_->mutex);
  knobs_->create_error = error;
  knobs_->create_failures = count;
}

void FaultInjectingFileSystem::clear() {
  std::lock_guard lock(knobs_->mutex);
  knobs_->append_failures = 0;
  knobs_->short_write_armed = false;
  knobs_->sync_failures = 0;
  knobs_->segment_sync_failures = 0;
  knobs_->create_failures = 0;
}

std::uint64_t FaultInjectingFileSystem::injected_failures() const {
  std::lock_guard lock(knobs_->mutex);
  return knobs_->injected;
}

std::error_code FaultInjectingFileSystem::open(const std::filesystem::path& path, OpenMode mode,
                                               std::unique_ptr<File>& out) {
  if (mode == OpenMode::create_truncate) {
    std::lock_guard lock(knobs_->mutex);
    if (take(knobs_->create_failures)) {
      ++knobs_->injected;
      return std::make_error_code(knobs_->create_error);
    }
  }
  std::unique_ptr<File> real;
  if (auto ec = real_->open(path, mode, real)) {
    return ec;
  }
  out = std::make_unique<FaultInjectingFile>(std::move(real), knobs_, path.extension() == ".seg");
  return {};
}

std::error_code FaultInjectingFileSystem::rename(const std::filesystem::path& from,
                                                 const std::filesystem::path& to) {
  return real_->rename(from, to);
}
std::error_code FaultInjectingFileSystem::remove(const std::filesystem::path& path) {
  return real_->remove(path);
}
std::error_code FaultInjectingFileSystem::sync_directory(const std::filesystem::path& dir) {
  return real_->sync_directory(dir);
}
std::error_code FaultInjectingFileSystem::list(const std::filesystem::path& dir,
                                               std::vector<std::string>& names) {
  return real_->list(dir, names);
}
std::error_code FaultInjectingFileSystem::create_directories(const std::filesystem::path& dir,
                                                             mode_t mode) {
  return real_->create_directories(dir, mode);
}
std::error_code FaultInjectingFileSystem::lock(const std::filesystem::path& path,
                                               std::unique_ptr<File>& out) {
  return real_->lock(path, out);
}

}  // namespace canhose::queue
