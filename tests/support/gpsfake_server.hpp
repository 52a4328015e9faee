#pragma once
// A real gpsd started by gpsfake on 127.0.0.1:<free port>, replaying an NMEA log for
// outside clients (-P). gpsfake forks gpsd as its child; the destructor stops gpsfake
// with SIGTERM (it then terminates its gpsd) and SIGKILLs a gpsd left behind.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace canhose::test {

// A TCP port on 127.0.0.1 that was free a moment ago.
inline std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("cannot bind a loopback port");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class GpsfakeServer {
 public:
  // `once`: replay the log a single time (-1); otherwise gpsfake loops over it.
  // `cycle_s`: delay between sentences (-c).
  GpsfakeServer(const std::filesystem::path& log, std::uint16_t port, bool once,
                const std::string& cycle_s = "0.02")
      : port_(port) {
    std::vector<std::string> args = {"-q", "-P", std::to_string(port), "-W", "20", "-c", cycle_s};
    if (once) {
      args.push_back("-1");
    }
    args.push_back(log.string());
    process_ = std::make_unique<ChildProcess>("/usr/bin/gpsfake", args,
                                              std::map<std::string, std::string>{}, dir_.path());
  }
  GpsfakeServer(const GpsfakeServer&) = delete;
  GpsfakeServer& operator=(const GpsfakeServer&) = delete;
  ~GpsfakeServer() { stop(); }

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }

  // gpsd's pid (gpsfake's child), or -1 before gpsfake has started it.
  pid_t gpsd_pid() const {
    if (!process_) {
      return -1;
    }
    const auto task_dir = std::filesystem::path("/proc") / std::to_string(pid()) / "task";
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator(task_dir, ec)) {
      std::ifstream children(task.path() / "children");
      pid_t child = -1;
      if (children >> child) {
        return child;
      }
    }
    return -1;
  }

  // True while `pid` is still a gpsd process (guards against a recycled pid).
  static bool is_gpsd(pid_t pid) {
    std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
    std::string argv0;
    std::getline(cmdline, argv0, '\0');
    return argv0.find("gpsd") != std::string::npos;
  }

  // Kills gpsd with SIGKILL (as a crash would), then lets gpsfake notice and exit.
  void kill_gpsd() {
    const pid_t gpsd = gpsd_pid();
    if (gpsd > 0 && is_gpsd(gpsd)) {
      ::kill(gpsd, SIGKILL);
    }
    stop();
  }

  void stop() {
    if (!process_) {
      return;
    }
    const pid_t gpsd = gpsd_pid();
    process_->signal(SIGTERM);
    if (!process_->wait_for(std::chrono::seconds(5))) {
      process_->signal(SIGKILL);
      process_->wait_for(std::chrono::seconds(5));
    }
    if (gpsd > 0 && is_gpsd(gpsd)) {
      ::kill(gpsd, SIGKILL);  // gpsfake normally ends it itself
    }
    process_.reset();
  }

  std::string stderr_text() const { return process_ ? process_->stderr_text() : std::string(); }

 private:
  TempDir dir_;
  std::uint16_t port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace canhose::test
