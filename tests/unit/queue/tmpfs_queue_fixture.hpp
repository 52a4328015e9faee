#pragma once
// A Queue whose directory is on a small tmpfs the fixture mounts, so the disk really fills
// and ENOSPC comes from the kernel, not from a fake. Mounting needs root (CAP_SYS_ADMIN);
// CI runs the tests as root. A test that cannot mount fails with the reason: a skipped
// full-disk test would hide exactly the failure it is there to catch.

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "queue_fixture.hpp"

namespace canhose::queue::testing {

class TmpfsQueueFixture : public QueueFixture {
 protected:
  explicit TmpfsQueueFixture(std::string size) : size_(std::move(size)) {}

  void SetUp() override {
    mount_point_ = dir_.path() / "tmpfs";
    std::filesystem::create_directories(mount_point_);
    const std::string data = "size=" + size_;
    if (::mount("canhose-test", mount_point_.c_str(), "tmpfs", 0, data.c_str()) != 0) {
      const int err = errno;
      GTEST_FAIL() << "cannot mount a " << size_ << " tmpfs on " << mount_point_.string() << ": "
                   << std::strerror(err)
                   << ". This test fills a real disk: run it as root (CAP_SYS_ADMIN).";
    }
    mounted_ = true;
    options_.dir = mount_point_ / "q";
  }
  void TearDown() override {
    close();
    if (mounted_) {
      ::umount2(mount_point_.c_str(), MNT_DETACH);
    }
  }

  // Takes every free byte of the tmpfs with a file named `name`; returns its size.
  std::uint64_t fill_disk(const std::string& name) {
    std::ofstream out(mount_point_ / name, std::ios::binary | std::ios::trunc);
    const std::string page(4096, 'f');
    std::uint64_t bytes = 0;
    while (out.write(page.data(), static_cast<std::streamsize>(page.size())) && out.flush()) {
      bytes += page.size();
    }
    return bytes;
  }

  std::string size_;
  std::filesystem::path mount_point_;
  bool mounted_ = false;
};

}  // namespace canhose::queue::testing
