#include "delivery/dead_letter_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "support/file_modes.hpp"
#include "support/temp_dir.hpp"

namespace canhose::delivery {
namespace {

std::error_code append_and_wait(asio::io_context& io, DeadLetterFile& file, DeadLetter letter) {
  std::optional<std::error_code> result;
  // The worker thread posts the completion: keep the loop waiting for it.
  auto work = asio::make_work_guard(io);
  file.append(std::move(letter), [&](std::error_code ec) {
    result = ec;
    work.reset();
  });
  io.restart();
  io.run_for(std::chrono::seconds(30));
  if (!result) {
    ADD_FAILURE() << "the dead-letter write did not complete";
    return std::make_error_code(std::errc::timed_out);
  }
  return *result;
}

TEST(DeadLetterFile, WritesOneJsonLinePerRejectedRecordWithItsData) {
  test::TempDir dir;
  asio::io_context io;
  DeadLetterFile file(io, dir.path() / "dead-letter", 1 << 20);
  ASSERT_FALSE(append_and_wait(
      io, file, {"fleet", {41, 42}, "InvalidArgumentException", "bad \"data\"", "a b\nc d\n"}));
  ASSERT_FALSE(append_and_wait(io, file, {"fleet", {43}, "X", "y", std::string("\x00\xff", 2)}));
  const std::string text = test::read_file(dir.path() / "dead-letter" / "dead-letters.jsonl");
  std::istringstream lines(text);
  std::string first;
  std::string second;
  std::getline(lines, first);
  std::getline(lines, second);
  const auto j = nlohmann::json::parse(first);
  EXPECT_EQ(j["stream"], "fleet");
  EXPECT_EQ(j["record_ids"], nlohmann::json::array({41, 42}));
  EXPECT_EQ(j["error_code"], "InvalidArgumentException");
  EXPECT_EQ(j["error_message"], "bad \"data\"");
  EXPECT_EQ(j["data_base64"], "YSBiCmMgZAo=");
  EXPECT_EQ(nlohmann::json::parse(second)["data_base64"], "AP8=");
  EXPECT_EQ(file.written(), 2u);
}

using test::mode_of;
using test::ScopedUmask;

// Under umask 000 the folder was created 0777 (std::filesystem::create_directories).
TEST(DeadLetterFile, FolderAndFileGetPrivateModesWhateverTheUmask) {
  test::TempDir dir;
  ScopedUmask open_umask(0);
  asio::io_context io;
  DeadLetterFile file(io, dir.path() / "state" / "dead-letter", 1 << 20);
  ASSERT_FALSE(append_and_wait(io, file, {"fleet", {41}, "InvalidArgumentException", "bad", "x"}));
  EXPECT_EQ(mode_of(dir.path() / "state"), 0750u);
  EXPECT_EQ(mode_of(dir.path() / "state" / "dead-letter"), 0750u);
  EXPECT_EQ(mode_of(dir.path() / "state" / "dead-letter" / "dead-letters.jsonl"), 0640u);
}

TEST(DeadLetterFile, RotatesSoTheTwoFilesStayNearTheLimit) {
  test::TempDir dir;
  asio::io_context io;
  DeadLetterFile file(io, dir.path(), 4000);
  for (std::uint64_t i = 0; i < 20; ++i) {
    ASSERT_FALSE(append_and_wait(io, file, {"s", {i}, "E", "m", std::string(300, 'q')}));
  }
  const auto current = std::filesystem::file_size(dir.path() / "dead-letters.jsonl");
  const auto previous = std::filesystem::file_size(dir.path() / "dead-letters.jsonl.1");
  EXPECT_LE(current, 2000u);
  EXPECT_LE(previous, 2000u);
}

TEST(DeadLetterFile, UnwritableDirectoryIsAnErrorNotACrash) {
  test::TempDir dir;
  asio::io_context io;
  dir.write("blocker", "a file where the directory should be");
  DeadLetterFile file(io, dir.path() / "blocker" / "dead-letter", 1 << 20);
  EXPECT_TRUE(append_and_wait(io, file, {"s", {1}, "E", "m", "data"}));
  EXPECT_EQ(file.written(), 0u);
}

}  // namespace
}  // namespace canhose::delivery
