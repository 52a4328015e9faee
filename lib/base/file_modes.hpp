#pragma once
// Modes of the files and folders canhose keeps: its configuration (which may hold AWS
// keys) and its state directory (the queued records, the cursor, the dead letters).
//
// Everything canhose creates asks for an explicit mode: folders 0750 and files 0640, so a
// shell's umask 000 no longer gives 0777/0666. The umask can only narrow that: under the
// shipped unit (UMask=0077) they are 0700 and 0600. The group is the one systemd's
// StateDirectoryMode=0750 grants on the state directory itself; others get nothing. What already
// exists with looser modes is used, with a warning that says how to fix it.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace canhose::base {

inline constexpr mode_t private_directory_mode = 0750;
inline constexpr mode_t private_file_mode = 0640;

// Creates `dir` and its missing parents, each with exactly `mode` (mkdir's mode is only
// narrowed by the umask, never widened). An existing directory is left as it is.
std::error_code create_private_directories(const std::filesystem::path& dir,
                                           mode_t mode = private_directory_mode);

// "" when `path` (a file holding AWS credentials) is readable by no one but its owner or
// does not exist; otherwise the warning to give. It advises moving the keys out, not a
// chmod: the shipped unit runs canhosed as a DynamicUser, which cannot read a root-owned
// 0600 file.
std::string credentials_file_mode_problem(const std::filesystem::path& path);

// "" when the directory `path` is closed to others (no permission bit for others, no
// write for the group) or does not exist; otherwise the warning to give. `what` names it
// ("service.state_dir").
std::string state_directory_mode_problem(const std::filesystem::path& path, std::string_view what);

}  // namespace canhose::base
