// The documented example config must parse, and must document every key the schema knows.

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "config/config_loader.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace canhose::config {
namespace {

const std::string kExample = std::string(CANHOSE_SOURCE_DIR) + "/conf/canhose.yaml";

// Every key path present in a YAML document, list items written as "list[].key".
void collect_keys(const YAML::Node& node, const std::string& prefix, std::set<std::string>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string path =
          prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
      out.insert(path);
      collect_keys(kv.second, path, out);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (item.IsMap()) {
        collect_keys(item, prefix + "[]", out);
      }
    }
  }
}

TEST(ExampleConfig, ParsesWithoutMistakes) {
  const LoadResult r = load_config_file(kExample);
  EXPECT_TRUE(r.ok()) << base::format_errors(r.errors);
}

// The keys of list items the shipped file leaves empty (`keys: []`) are shown as a
// commented example right below the list: "  # keys:" and its items. Read without the "# ",
// that example must be YAML whose keys the schema knows.
void collect_commented_list_examples(const std::string& text, std::set<std::string>& out) {
  static const std::regex section_line(R"(^([a-z_]+):.*$)");
  static const std::regex list_start(R"(^( +)# ([a-z_]+):$)");
  static const std::regex comment_line(R"(^( +)# (.*)$)");
  std::istringstream in(text);
  std::string line;
  std::string section;
  std::string block;
  std::ptrdiff_t indent = 0;
  const auto flush = [&] {
    if (!block.empty()) {
      collect_keys(YAML::Load(block), section, out);
      block.clear();
    }
  };
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, section_line)) {
      flush();
      section = m[1];
    } else if (std::regex_match(line, m, list_start)) {
      flush();
      indent = m[1].length();
      block = m[2].str() + ":\n";
    } else if (!block.empty() && std::regex_match(line, m, comment_line) &&
               m[1].length() == indent && m[2].str().starts_with(" ")) {
      block += m[2].str() + "\n";
    } else {
      flush();
    }
  }
  flush();
}

TEST(ExampleConfig, DocumentsEveryKeyTheSchemaKnows) {
  std::set<std::string> present;
  collect_keys(YAML::LoadFile(kExample), "", present);
  std::ifstream file(kExample);
  std::stringstream text;
  text << file.rdbuf();
  collect_commented_list_examples(text.str(), present);
  const std::set<std::string> known = known_config_keys();
  ASSERT_FALSE(known.empty());
  for (const std::string& key : known) {
    EXPECT_TRUE(present.count(key)) << key << " is missing from conf/canhose.yaml";
  }
}

TEST(ExampleConfig, KnownKeysIncludeNestedAndFoundationKeys) {
  const std::set<std::string> known = known_config_keys();
  for (const char* key :
       {"device.vin", "service.shutdown_grace", "log.level", "log.rate_limit_burst"}) {
    EXPECT_TRUE(known.count(key)) << key;
  }
}

TEST(ExampleConfig, EveryKeyLineIsDocumentedByAComment) {
  // A key line is documented when a comment stands directly above it, or beside it, or
  // when it continues a run of sibling keys (same indentation, no blank line) whose first
  // key is documented — one comment may explain a pair such as rate_limit_burst/_interval.
  std::istringstream in(test::read_file(kExample));
  std::string line;
  int number = 0;
  bool previous_is_comment = false;
  bool previous_is_documented_key = false;
  std::size_t previous_indent = 0;
  int undocumented = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos) {
      previous_is_comment = previous_is_documented_key = false;
      continue;
    }
    if (line[indent] == '#') {
      previous_is_comment = true;
      previous_is_documented_key = false;
      continue;
    }
    const bool is_key = line.find(':') != std::string::npos;
    if (is_key) {
      const bool documented = previous_is_comment || line.find(" # ") != std::string::npos ||
                              (previous_is_documented_key && indent == previous_indent);
      if (!documented) {
        ADD_FAILURE() << "conf/canhose.yaml:" << number << ": key without a comment: " << line;
        ++undocumented;
      }
      previous_is_documented_key = documented;
      previous_indent = indent;
    }
    previous_is_comment = false;
  }
  EXPECT_GT(number, 10);
  EXPECT_EQ(undocumented, 0);
}

}  // namespace
}  // namespace canhose::config
