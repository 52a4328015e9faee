// check-config's warnings about loose modes: a config file holding static keys that others
// can read, a loose state directory; real files, real modes.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>

#include "base/file_modes.hpp"
#include "config/config_check.hpp"
#include "support/temp_dir.hpp"

namespace canhose::config {
namespace {

using base::create_private_directories;

// Runs check-config on `file` and returns what it wrote to stderr.
std::string check_config_warnings(const std::filesystem::path& file, int& exit_code) {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  exit_code = check_config_file(file, out, err);
  std::string text;
  std::rewind(err);
  for (int c = std::fgetc(err); c != EOF; c = std::fgetc(err)) {
    text += static_cast<char>(c);
  }
  std::fclose(out);
  std::fclose(err);
  return text;
}

// The daemon warned about a readable config holding static keys; check-config did not.
TEST(FileModes, CheckConfigWarnsAboutAReadableConfigWithStaticKeys) {
  test::TempDir dir;
  const auto state = dir.path() / "state";
  ASSERT_FALSE(create_private_directories(state));
  const std::string state_line = "service:\n  state_dir: " + state.string() + "\n";
  const auto with_keys =
      dir.write("keys.yaml", state_line +
                                 "credentials:\n  access_key_id: AKIDEXAMPLE\n"
                                 "  secret_access_key: wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n");
  const auto without_keys = dir.write("plain.yaml", state_line);
  ::chmod(with_keys.c_str(), 0644);
  ::chmod(without_keys.c_str(), 0644);
  int code = -1;
  EXPECT_EQ(check_config_warnings(with_keys, code),
            "warning: " + with_keys.string() +
                " holds AWS credentials but is readable by everyone (mode 0644); move the keys "
                "to a root-only file that systemd hands to the service (EnvironmentFile= with "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or LoadCredential= with "
                "credentials.shared_file; see docs/aws.md); chmod 600 would lock out the "
                "service, which runs as a dynamic user\n");
  EXPECT_EQ(code, 0);  // a warning, not a mistake
  ::chmod(with_keys.c_str(), 0640);
  EXPECT_NE(check_config_warnings(with_keys, code).find("readable by its group (mode 0640)"),
            std::string::npos);
  ::chmod(with_keys.c_str(), 0600);
  EXPECT_EQ(check_config_warnings(with_keys, code), "");
  EXPECT_EQ(check_config_warnings(without_keys, code), "");
  // And about a state directory open to others, as the daemon does at start.
  ::chmod(state.c_str(), 0777);
  EXPECT_NE(check_config_warnings(without_keys, code)
                .find("warning: service.state_dir " + state.string() + " is mode 0777"),
            std::string::npos);
  EXPECT_EQ(code, 0);
  ::chmod(state.c_str(), 0750);
  ASSERT_FALSE(create_private_directories(state / "dead-letter"));
  ::chmod((state / "dead-letter").c_str(), 0777);
  EXPECT_EQ(check_config_warnings(without_keys, code),
            "warning: the dead-letter directory " + (state / "dead-letter").string() +
                " is mode 0777: other users can read the queued records and alter or delete "
                "them; run: chmod 750 " +
                (state / "dead-letter").string() + "\n");
}

}  // namespace
}  // namespace canhose::config
