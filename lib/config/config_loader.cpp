#include "config/config_loader.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/mapping_reader.hpp"
#include "config/config_schema.hpp"

namespace canhose::config {
namespace {

LoadResult read_document(const YAML::Node& document, base::ReaderContext& context) {
  LoadResult result;
  {
    // The reader reports unknown keys when it goes out of scope, before finalize().
    base::MappingReader root(context, document, "", "");
    read_config(root, result.config);
  }
  context.finalize();
  result.errors = context.errors();
  return result;
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
    return "canhose";
  }
  return name;
}

}  // namespace

LoadResult parse_config_text(std::string_view text, const std::string& file_label) {
  base::ReaderContext context(file_label);
  YAML::Node document;
  try {
    document = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    // A syntax error: yaml-cpp stops at the first, so there is only one to report.
    context.add_error(e.mark, "", "YAML syntax error: " + e.msg);
    LoadResult result;
    result.errors = context.errors();
    return result;
  }
  return read_document(document, context);
}

LoadResult load_config_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    LoadResult result;
    result.errors.push_back(base::ConfigError{
        path.string(),
        0,
        0,
        {},
        std::string("cannot read the configuration file: ") + std::strerror(err)});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  LoadResult result = parse_config_text(text.str(), path.string());
  if (result.ok() && result.config.device.id.empty()) {
    result.config.device.id = host_name();
  }
  // Static keys in this file: the credentials part warns if others can read it.
  result.config.credentials.config_file = path;
  return result;
}

std::set<std::string> known_config_keys() {
  base::ReaderContext context("<schema>");
  {
    base::MappingReader root(context, YAML::Node(YAML::NodeType::Undefined), "", "");
    Config scratch;
    read_config(root, scratch);
  }
  return context.known_keys();
}

}  // namespace canhose::config
