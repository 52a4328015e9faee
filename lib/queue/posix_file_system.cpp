#include "queue/posix_file_system.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace canhose::queue {
namespace {

std::error_code last_error() {
  return {errno, std::generic_category()};
}

// Owns one descriptor; closed on destruction.
class PosixFile final : public File {
 public:
  explicit PosixFile(int fd) : fd_(fd) {}
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;
  ~PosixFile() override { ::close(fd_); }

  IoResult append(std::span<const std::byte> data) override {
    IoResult r;
    while (r.bytes < data.size()) {
      const ssize_t n = ::write(fd_, data.data() + r.bytes, data.size() - r.bytes);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        r.error = last_error();
        return r;
      }
      if (n == 0) {
        r.error = std::make_error_code(std::errc::no_space_on_device);
        return r;
      }
      r.bytes += static_cast<std::size_t>(n);
    }
    return r;
  }

  IoResult read_at(std::uint64_t offset, std::span<std::byte> out) override {
    IoResult r;
    while (r.bytes < out.size()) {
      const ssize_t n = ::pread(fd_, out.data() + r.bytes, out.size() - r.bytes,
                                static_cast<off_t>(offset + r.bytes));
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        r.error = last_error();
        return r;
      }
      if (n == 0) {
        break;
      }
      r.bytes += static_cast<std::size_t>(n);
    }
    return r;
  }

  std::error_code sync() override {
    if (::fdatasync(fd_) != 0) {
      return last_error();
    }
    return {};
  }

  std::error_code truncate(std::uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return last_error();
    }
    return {};
  }

  std::error_code size(std::uint64_t& out) override {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
      return last_error();
    }
    out = static_cast<std::uint64_t>(st.st_size);
    return {};
  }

 private:
  int fd_;
};

}  // namespace

std::error_code PosixFileSystem::open(const std::filesystem::path& path, OpenMode mode,
                                      std::unique_ptr<File>& out) {
  int flags = O_CLOEXEC;
  switch (mode) {
    case OpenMode::read:
      flags |= O_RDONLY;
      break;
    case OpenMode::read_write:
      flags |= O_RDWR | O_APPEND;
      break;
    case OpenMode::create_truncate:
      flags |= O_RDWR | O_APPEND | O_CREAT | O_TRUNC;
      break;
  }
  const int fd = ::open(path.c_str(), flags, 0640);
  if (fd < 0) {
    return last_error();
  }
  out = std::make_unique<PosixFile>(fd);
  return {};
}

std::error_code PosixFileSystem::rename(const std::filesystem::path& from,
                                        const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return last_error();
  }
  return {};
}

std::error_code PosixFileSystem::remove(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) != 0) {
    return last_error();
  }
  return {};
}

std::error_code PosixFileSystem::sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return last_error();
  }
  std::error_code ec;
  if (::fsync(fd) != 0) {
    ec = last_error();
  }
  ::close(fd);
  return ec;
}

std::error_code PosixFileSystem::list(const std::filesystem::path& dir,
                                      std::vector<std::string>& names) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return last_error();
  }
  names.clear();
  // readdir() returns null at the end and on an error; only errno tells them apart. An
  // error must not pass for the end: the queue would believe segments missing.
  while (true) {
    errno = 0;
    const dirent* e = ::readdir(d);
    if (e == nullptr) {
      const int err = errno;
      ::closedir(d);
      if (err != 0) {
        names.clear();
        return {err, std::generic_category()};
      }
      return {};
    }
    const std::string name = e->d_name;
    if (name != "." && name != "..") {
      names.push_back(name);
    }
  }
}

std::error_code PosixFileSystem::create_directories(const std::filesystem::path& dir, mode_t mode) {
  std::filesystem::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (::mkdir(partial.c_str(), mode) != 0 && errno != EEXIST) {
      return last_error();
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    return last_error();
  }
  if (!S_ISDIR(st.st_mode)) {
    return std::make_error_code(std::errc::not_a_directory);
  }
  return {};
}

std::error_code PosixFileSystem::lock(const std::filesystem::path& path,
                                      std::unique_ptr<File>& out) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return last_error();
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const std::error_code ec = last_error();
    ::close(fd);
    return ec;
  }
  out = std::make_unique<PosixFile>(fd);
  return {};
}

}  // namespace canhose::queue
