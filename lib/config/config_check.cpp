#include "config/config_check.hpp"

#include "config/config_loader.hpp"

namespace canhose::config {

int check_config_file(const std::filesystem::path& path, std::FILE* out, std::FILE* err) {
  const LoadResult result = load_config_file(path);
  if (result.ok()) {
    std::fputs("ok\n", out);
    return 0;
  }
  std::fputs(format_errors(result.errors).c_str(), err);
  std::fprintf(err, "%zu %s in %s\n", result.errors.size(),
               result.errors.size() == 1 ? "mistake" : "mistakes", path.c_str());
  return 1;
}

}  // namespace canhose::config
