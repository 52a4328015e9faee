#include "cli/command_config.hpp"

#include "config/config_loader.hpp"

namespace canhose::cli {

std::optional<CommandConfig> load_command_config(const std::string& command,
                                                 const CommandArguments& args, std::FILE* err) {
  const std::string path = args.value("--config").value_or(config::kDefaultConfigPath);
  config::LoadResult loaded = config::load_config_file(path);
  if (!loaded.ok()) {
    std::fprintf(err, "%s: cannot use the configuration %s:\n%s", command.c_str(), path.c_str(),
                 base::format_errors(loaded.errors).c_str());
    std::fprintf(err, "Pass --config FILE to use another file.\n");
    return std::nullopt;
  }
  return CommandConfig{std::move(loaded.config), path};
}

}  // namespace canhose::cli
