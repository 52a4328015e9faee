#pragma once
// The configuration a `canhose` command works from: --config FILE, or the default
// /etc/canhose/canhose.yaml, loaded and checked like canhosed loads it.

#include <cstdio>
#include <optional>
#include <string>

#include "cli/command_arguments.hpp"
#include "config/config.hpp"

namespace canhose::cli {

struct CommandConfig {
  config::Config config;
  std::string path;
};

// nullopt after printing every mistake (file:line:column) to `err`, prefixed by the
// command's name ("canhose status").
std::optional<CommandConfig> load_command_config(const std::string& command,
                                                 const CommandArguments& args, std::FILE* err);

}  // namespace canhose::cli
