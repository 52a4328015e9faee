#include "support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "support/temp_dir.hpp"

extern char** environ;

namespace canhose::test {
namespace {

ExitStatus decode(int wstatus) {
  if (WIFEXITED(wstatus)) {
    return ExitStatus{true, WEXITSTATUS(wstatus)};
  }
  return ExitStatus{false, WTERMSIG(wstatus)};
}

}  // namespace

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& extra_env,
                           const std::filesystem::path& output_dir)
    : stdout_path_(output_dir / "stdout.txt"), stderr_path_(output_dir / "stderr.txt") {
  std::vector<std::string> argv_storage{program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);

  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    if (extra_env.count(name) == 0) {
      env_storage.push_back(entry);
    }
  }
  for (const auto& [k, v] : extra_env) {
    env_storage.push_back(k + "=" + v);
  }
  std::vector<char*> envp;
  for (std::string& e : env_storage) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);

  const int out_fd = ::open(stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err_fd = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out_fd < 0 || err_fd < 0) {
    throw std::system_error(errno, std::generic_category(), "open output files");
  }
  pid_ = fork();
  if (pid_ < 0) {
    throw std::system_error(errno, std::generic_category(), "fork");
  }
  if (pid_ == 0) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    // The child must not inherit the test's blocked or ignored signals.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  ::close(out_fd);
  ::close(err_fd);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int wstatus = 0;
    waitpid(pid_, &wstatus, 0);
  }
}

void ChildProcess::signal(int signal_number) const {
  if (::kill(pid_, signal_number) != 0) {
    throw std::system_error(errno, std::generic_category(), "kill");
  }
}

std::optional<ExitStatus> ChildProcess::wait_for(std::chrono::milliseconds limit) {
  if (status_) {
    return status_;
  }
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int wstatus = 0;
    const pid_t r = waitpid(pid_, &wstatus, WNOHANG);
    if (r == pid_) {
      status_ = decode(wstatus);
      return status_;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string ChildProcess::stdout_text() const {
  return read_file(stdout_path_);
}
std::string ChildProcess::stderr_text() const {
  return read_file(stderr_path_);
}

bool ChildProcess::wait_for_stderr(const std::string& needle,
                                   std::chrono::milliseconds limit) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (stderr_text().find(needle) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return stderr_text().find(needle) != std::string::npos;
}

RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& output_dir, std::chrono::milliseconds limit) {
  ChildProcess child(program, args, {}, output_dir);
  const auto status = child.wait_for(limit);
  if (!status) {
    throw std::runtime_error(program + " did not finish in time");
  }
  return RunResult{*status, child.stdout_text(), child.stderr_text()};
}

NotifySocket::NotifySocket(const std::filesystem::path& path) : path_(path) {
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "socket");
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.native().size() >= sizeof addr.sun_path) {
    throw std::runtime_error("notify socket path too long: " + path.string());
  }
  std::strcpy(addr.sun_path, path.c_str());
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::system_error(errno, std::generic_category(), "bind " + path.string());
  }
}

NotifySocket::~NotifySocket() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

std::optional<std::string> NotifySocket::receive(std::chrono::milliseconds limit) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) {
    return std::nullopt;
  }
  char buffer[4096];
  const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n < 0) {
    return std::nullopt;
  }
  return std::string(buffer, static_cast<std::size_t>(n));
}

bool NotifySocket::wait_for(const std::string& needle, std::chrono::milliseconds limit,
                            std::vector<std::string>* seen) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return false;
    }
    auto message = receive(left);
    if (!message) {
      return false;
    }
    if (seen != nullptr) {
      seen->push_back(*message);
    }
    if (message->find(needle) != std::string::npos) {
      return true;
    }
  }
}

}  // namespace canhose::test
