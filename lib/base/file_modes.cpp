#include "base/file_modes.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

namespace canhose::base {
namespace {

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

std::error_code create_private_directories(const std::filesystem::path& dir, mode_t mode) {
  std::filesystem::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (::mkdir(partial.c_str(), mode) != 0 && errno != EEXIST) {
      return {errno, std::generic_category()};
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    return {errno, std::generic_category()};
  }
  if (!S_ISDIR(st.st_mode)) {
    return std::make_error_code(std::errc::not_a_directory);
  }
  return {};
}

std::string credentials_file_mode_problem(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return {};
  }
  const mode_t mode = st.st_mode & 0777;
  if ((mode & (S_IRGRP | S_IROTH)) == 0) {
    return {};
  }
  return path.string() + " holds AWS credentials but is readable by " +
         ((mode & S_IROTH) != 0 ? "everyone" : "its group") + " (mode " + octal(mode) +
         "); move the keys to a root-only file that systemd hands to the service "
         "(EnvironmentFile= with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or LoadCredential= "
         "with credentials.shared_file; see docs/aws.md); chmod 600 would lock out the service, "
         "which runs as a dynamic user";
}

std::string state_directory_mode_problem(const std::filesystem::path& path, std::string_view what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return {};
  }
  const mode_t mode = st.st_mode & 07777;
  if ((mode & (S_IRWXO | S_IWGRP)) == 0) {
    return {};
  }
  const bool others_write = (mode & S_IWOTH) != 0;
  return std::string(what) + " " + path.string() + " is mode " + octal(mode) + ": " +
         (others_write || (mode & S_IWGRP) != 0
              ? "other users can read the queued records and alter or delete them"
              : "other users can read the queued records") +
         "; run: chmod 750 " + path.string();
}

}  // namespace canhose::base
