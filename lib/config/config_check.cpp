#include "config/config_check.hpp"

#include <utility>

#include "base/file_modes.hpp"
#include "config/config_loader.hpp"

namespace canhose::config {

std::vector<std::string> state_directory_warnings(const Config& config) {
  std::vector<std::string> warnings;
  for (const auto& [dir, what] :
       {std::pair{config.service.state_dir, "service.state_dir"},
        std::pair{config.queue.dir, "the queue directory"},
        std::pair{config.delivery.dead_letter_dir, "the dead-letter directory"}}) {
    if (std::string problem = base::state_directory_mode_problem(dir, what); !problem.empty()) {
      warnings.push_back(std::move(problem));
    }
  }
  return warnings;
}

int check_config_file(const std::filesystem::path& path, std::FILE* out, std::FILE* err) {
  const LoadResult result = load_config_file(path);
  if (result.ok()) {
    // The same warnings the daemon gives at start: a valid file can still be unsafe.
    const auto& credentials = result.config.credentials;
    if (!credentials.access_key_id.empty() || !credentials.secret_access_key.empty() ||
        !credentials.session_token.empty()) {
      if (std::string problem = base::credentials_file_mode_problem(path); !problem.empty()) {
        std::fprintf(err, "warning: %s\n", problem.c_str());
      }
    }
    for (const std::string& warning : state_directory_warnings(result.config)) {
      std::fprintf(err, "warning: %s\n", warning.c_str());
    }
    std::fputs("ok\n", out);
    return 0;
  }
  std::fputs(base::format_errors(result.errors).c_str(), err);
  std::fprintf(err, "%zu %s in %s\n", result.errors.size(),
               result.errors.size() == 1 ? "mistake" : "mistakes", path.c_str());
  return 1;
}

}  // namespace canhose::config
