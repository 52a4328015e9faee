#include "cli/command_arguments.hpp"

#include <gtest/gtest.h>

namespace canhose::cli {
namespace {

TEST(CommandArguments, OptionsWithValuesFlagsAndPositionalsInAnyOrder) {
  const CommandArguments a(
      {"create", "--bucket", "b", "fleet-2", "--json", "--prefix=raw/", "--", "--not-an-option"},
      {"--bucket", "--prefix"}, {"--json"});
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_EQ(a.value("--bucket"), "b");
  EXPECT_EQ(a.value("--prefix"), "raw/");
  EXPECT_FALSE(a.value("--config"));
  EXPECT_TRUE(a.flag("--json"));
  EXPECT_FALSE(a.flag("--yes"));
  EXPECT_EQ(a.positional(), (std::vector<std::string>{"create", "fleet-2", "--not-an-option"}));
}

TEST(CommandArguments, MistakesAreNamed) {
  EXPECT_EQ(CommandArguments({"--bucket"}, {"--bucket"}, {}).error(),
            "option '--bucket' needs a value");
  EXPECT_EQ(CommandArguments({"--frob"}, {}, {"--json"}).error(), "unknown option '--frob'");
  EXPECT_EQ(CommandArguments({"--json=1"}, {}, {"--json"}).error(),
            "option '--json' takes no value");
}

}  // namespace
}  // namespace canhose::cli
