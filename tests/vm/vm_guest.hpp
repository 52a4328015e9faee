#pragma once
// What the VM tests need from the guest they run in (tests/vm/run_in_vm.sh): programs on
// PATH (canhosed, canhose_ecu_sim, can-utils, iproute2's ip), shell commands to change
// the interfaces, and a directory for a test's files. These tests need AF_CAN and vcan;
// they are only run inside the VM.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace canhose::test {

// The full path of `name` found on PATH; empty when it is not there.
std::string guest_program(const std::string& name);

// Runs `command` with /bin/sh -c and returns its exit status (-1 when it did not exit).
// Output goes to the test's stderr, prefixed, so a failing test shows it.
int guest_shell(const std::string& command);

// Lines of `text` (the simulator's stdout) starting with `prefix`.
std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix);

// Process CPU time of `pid` from /proc/PID/stat, in seconds (-1 when unreadable).
struct CpuTime {
  double user = -1;
  double system = -1;
  double total() const { return user + system; }
};
CpuTime process_cpu_time(int pid);
double process_cpu_seconds(int pid);  // user + system

}  // namespace canhose::test
