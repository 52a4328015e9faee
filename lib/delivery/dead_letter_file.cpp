#include "delivery/dead_letter_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

#include "aws/crypto.hpp"
#include "base/file_modes.hpp"

namespace canhose::delivery {
namespace {

std::string iso8601_ms(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", buffer, static_cast<int>(ms % 1000));
  return out;
}

std::error_code last_error() {
  return {errno, std::generic_category()};
}

}  // namespace

DeadLetterFile::DeadLetterFile(asio::io_context& io, std::filesystem::path dir,
                               std::uint64_t max_bytes)
    : io_(io), dir_(std::move(dir)), path_(dir_ / "dead-letters.jsonl"), max_bytes_(max_bytes) {}

DeadLetterFile::~DeadLetterFile() {
  worker_.join();
}

std::string DeadLetterFile::to_json_line(const DeadLetter& letter, std::int64_t now_ms) {
  nlohmann::ordered_json j;
  j["time"] = iso8601_ms(now_ms);
  j["stream"] = letter.stream;
  j["record_ids"] = letter.record_ids;
  j["error_code"] = letter.error_code;
  // Error messages come from the service; replace invalid UTF-8 rather than throw.
  j["error_message"] = letter.error_message;
  j["data_base64"] = aws::crypto::base64_encode(letter.data);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void DeadLetterFile::append(DeadLetter letter, std::function<void(std::error_code)> done) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::string line = to_json_line(letter, now_ms);
  std::weak_ptr<int> alive = alive_;
  asio::post(worker_, [this, alive, line = std::move(line), done = std::move(done)]() mutable {
    const std::error_code ec = write_line(line);
    asio::post(io_, [this, alive, ec, done = std::move(done)] {
      if (alive.expired()) {
        return;
      }
      if (!ec) {
        ++written_;
      }
      done(ec);
    });
  });
}

std::error_code DeadLetterFile::write_line(const std::string& line) {
  // Explicit modes: std::filesystem::create_directories gave 0777 under umask 000.
  if (std::error_code ec = base::create_private_directories(dir_, base::private_directory_mode)) {
    return ec;
  }
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 &&
      static_cast<std::uint64_t>(st.st_size) + line.size() > max_bytes_ / 2 && st.st_size > 0) {
    std::filesystem::path old = path_;
    old += ".1";
    if (::rename(path_.c_str(), old.c_str()) != 0) {
      return last_error();
    }
  }
  const int fd =
      ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, base::private_file_mode);
  if (fd < 0) {
    return last_error();
  }
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const std::error_code write_ec = last_error();
      ::close(fd);
      return write_ec;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fdatasync(fd) != 0) {
    const std::error_code sync_ec = last_error();
    ::close(fd);
    return sync_ec;
  }
  if (::close(fd) != 0) {
    return last_error();
  }
  // A new file's directory entry must be durable too.
  const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

}  // namespace canhose::delivery
