// Modes of what canhose creates and keeps, in a process with umask 000 and real folders.

#include "base/file_modes.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/file_modes.hpp"
#include "support/temp_dir.hpp"

namespace canhose::base {
namespace {

using test::mode_of;
using test::ScopedUmask;

TEST(FileModes, CreatedFoldersAreClosedToOthersUnderUmaskZero) {
  test::TempDir dir;
  ScopedUmask open_umask(0);
  ASSERT_FALSE(create_private_directories(dir.path() / "a" / "b" / "c"));
  EXPECT_EQ(mode_of(dir.path() / "a"), 0750u);
  EXPECT_EQ(mode_of(dir.path() / "a" / "b" / "c"), 0750u);
  // An existing folder is not changed; a file in the way is an error.
  ::chmod((dir.path() / "a").c_str(), 0700);
  EXPECT_FALSE(create_private_directories(dir.path() / "a"));
  EXPECT_EQ(mode_of(dir.path() / "a"), 0700u);
  dir.write("file", "x");
  EXPECT_EQ(create_private_directories(dir.path() / "file"),
            std::make_error_code(std::errc::not_a_directory));
}

TEST(FileModes, LooseStateDirectoriesAreNamedWithTheFix) {
  test::TempDir dir;
  const auto state = dir.path() / "state";
  ASSERT_FALSE(create_private_directories(state));
  EXPECT_EQ(state_directory_mode_problem(state, "service.state_dir"), "");
  ::chmod(state.c_str(), 0700);
  EXPECT_EQ(state_directory_mode_problem(state, "service.state_dir"), "");
  ::chmod(state.c_str(), 0777);
  EXPECT_EQ(state_directory_mode_problem(state, "service.state_dir"),
            "service.state_dir " + state.string() +
                " is mode 0777: other users can read the queued records and alter or delete "
                "them; run: chmod 750 " +
                state.string());
  ::chmod(state.c_str(), 0755);
  EXPECT_EQ(state_directory_mode_problem(state, "service.state_dir"),
            "service.state_dir " + state.string() +
                " is mode 0755: other users can read the queued records; run: chmod 750 " +
                state.string());
  EXPECT_EQ(state_directory_mode_problem(dir.path() / "missing", "x"), "");
}

}  // namespace
}  // namespace canhose::base
