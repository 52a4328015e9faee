// The command lines of canhosed and canhose, as an operator types them.

#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace canhose {
namespace {

using test::run_program;
using test::TempDir;

const std::string kExampleConfig = std::string(CANHOSE_SOURCE_DIR) + "/conf/canhose.yaml";

TEST(CanhosedCommandLine, VersionPrintsNameAndVersion) {
  TempDir dir;
  const auto r = run_program(CANHOSED_PATH, {"--version"}, dir.path());
  EXPECT_EQ(r.status.code, 0);
  EXPECT_EQ(r.out, std::string("canhosed ") + CANHOSE_VERSION + "\n");
}

TEST(CanhosedCommandLine, HelpGoesToStdoutAndExitsZero) {
  TempDir dir;
  const auto r = run_program(CANHOSED_PATH, {"--help"}, dir.path());
  EXPECT_EQ(r.status.code, 0);
  EXPECT_NE(r.out.find("Usage: canhosed [--config FILE]"), std::string::npos);
  EXPECT_NE(r.out.find("--check-config FILE"), std::string::npos);
  EXPECT_TRUE(r.err.empty());
}

TEST(CanhosedCommandLine, UnknownOptionIsAUsageErrorWithExitTwo) {
  TempDir dir;
  const auto r = run_program(CANHOSED_PATH, {"--frobnicate"}, dir.path());
  EXPECT_EQ(r.status.code, 2);
  EXPECT_EQ(
      r.err,
      "canhosed: unknown option '--frobnicate'\nTry 'canhosed --help' for more information.\n");
}

TEST(CanhosedCommandLine, MissingOptionValueIsAUsageError) {
  TempDir dir;
  const auto r = run_program(CANHOSED_PATH, {"--config"}, dir.path());
  EXPECT_EQ(r.status.code, 2);
  EXPECT_NE(r.err.find("needs a value"), std::string::npos) << r.err;
}

TEST(CanhosedCommandLine, CheckConfigPrintsOkForTheExampleConfig) {
  TempDir dir;
  const auto r = run_program(CANHOSED_PATH, {"--check-config", kExampleConfig}, dir.path());
  EXPECT_EQ(r.status.code, 0) << r.err;
  EXPECT_EQ(r.out, "ok\n");
}

TEST(CanhosedCommandLine, CheckConfigPrintsEveryMistakeAndExitsOne) {
  TempDir dir;
  const auto path = dir.write("bad.yaml", "log:\n  level: loud\n  rate_limit_interval: 5\n");
  const auto r = run_program(CANHOSED_PATH, {"--check-config", path.string()}, dir.path());
  EXPECT_EQ(r.status.code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(r.err,
            path.string() +
                ":2:10: log.level: expected one of debug, info, notice, warning or error, found "
                "\"loud\"\n" +
                path.string() +
                ":3:24: log.rate_limit_interval: expected a duration such as 250ms, 5s, 15m or "
                "1h30m, found \"5\"\n2 mistakes in " +
                path.string() + "\n");
}

TEST(CanhoseCli, CheckConfigWorksFromTheOperatorTool) {
  TempDir dir;
  const auto ok = run_program(CANHOSE_CLI_PATH, {"check-config", kExampleConfig}, dir.path());
  EXPECT_EQ(ok.status.code, 0) << ok.err;
  EXPECT_EQ(ok.out, "ok\n");
  const auto bad =
      run_program(CANHOSE_CLI_PATH, {"check-config", "/nonexistent/c.yaml"}, dir.path());
  EXPECT_EQ(bad.status.code, 1);
  EXPECT_NE(
      bad.err.find(
          "/nonexistent/c.yaml: cannot read the configuration file: No such file or directory"),
      std::string::npos)
      << bad.err;
}

TEST(CanhoseCli, UnknownCommandIsAUsageError) {
  TempDir dir;
  const auto r = run_program(CANHOSE_CLI_PATH, {"frobnicate"}, dir.path());
  EXPECT_EQ(r.status.code, 2);
  EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos);
}

TEST(CanhoseCli, VersionAndHelp) {
  TempDir dir;
  EXPECT_EQ(run_program(CANHOSE_CLI_PATH, {"--version"}, dir.path()).out,
            std::string("canhose ") + CANHOSE_VERSION + "\n");
  const auto help = run_program(CANHOSE_CLI_PATH, {"--help"}, dir.path());
  EXPECT_EQ(help.status.code, 0);
  EXPECT_NE(help.out.find("check-config"), std::string::npos);
}

}  // namespace
}  // namespace canhose
