#pragma once
// Real processes for integration tests: start a program with arguments and extra
// environment, collect its stdout and stderr into files, signal it, wait for it with a
// time limit (killing it with SIGKILL if it overstays, so a hung test ends).

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace canhose::test {

struct ExitStatus {
  bool exited = false;  // false: killed by a signal
  int code = -1;        // exit code, or the signal number
};

class ChildProcess {
 public:
  // `output_dir` receives stdout.txt and stderr.txt.
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& extra_env,
               const std::filesystem::path& output_dir);
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();  // SIGKILLs and reaps the process if it still runs

  pid_t pid() const { return pid_; }
  void signal(int signal_number) const;
  // Waits up to `limit`; nullopt if it is still running.
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds limit);
  std::string stdout_text() const;
  std::string stderr_text() const;
  // Polls stderr until it contains `needle` (true) or `limit` passes (false).
  bool wait_for_stderr(const std::string& needle, std::chrono::milliseconds limit) const;

 private:
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
  std::filesystem::path stdout_path_;
  std::filesystem::path stderr_path_;
};

// Runs a program to completion (for short commands such as --check-config).
struct RunResult {
  ExitStatus status;
  std::string out;
  std::string err;
};
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& output_dir,
                      std::chrono::milliseconds limit = std::chrono::seconds(30));

// A NOTIFY_SOCKET the test owns: the datagram socket systemd would listen on.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path);
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  ~NotifySocket();

  const std::filesystem::path& path() const { return path_; }
  // Waits for the next datagram; nullopt after `limit`.
  std::optional<std::string> receive(std::chrono::milliseconds limit);
  // Receives until a datagram contains `needle`; every datagram seen is appended to `seen`.
  bool wait_for(const std::string& needle, std::chrono::milliseconds limit,
                std::vector<std::string>* seen = nullptr);

 private:
  int fd_ = -1;
  std::filesystem::path path_;
};

}  // namespace canhose::test
