#pragma once
// The INI dialect of the AWS shared credentials and config files:
//
//   # comment            ; comment
//   [default]
//   aws_access_key_id = AKIA...
//   aws_secret_access_key=...
//
// Section names and keys are trimmed; keys are case-sensitive like the AWS CLI's; values
// are trimmed and kept verbatim otherwise (secrets may hold any character). Lines
// indented under a key continue a nested value and are ignored (the AWS config file's
// "s3 =\n  max_concurrent_requests = 10" form). A later duplicate key wins.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace canhose::aws {

class IniFile {
 public:
  using Section = std::map<std::string, std::string>;

  IniFile() = default;
  IniFile(IniFile&&) noexcept = default;
  IniFile& operator=(IniFile&&) noexcept = default;
  IniFile(const IniFile&) = delete;
  IniFile& operator=(const IniFile&) = delete;
  // Values may be secrets: they are wiped on destruction.
  ~IniFile();

  struct ParseResult;
  // Parses `text`; `origin` names the file in error messages.
  static ParseResult parse(std::string_view text, std::string_view origin);

  const Section* section(std::string_view name) const;
  const std::map<std::string, Section, std::less<>>& sections() const { return sections_; }

 private:
  std::map<std::string, Section, std::less<>> sections_;
};

struct IniFile::ParseResult {
  IniFile file;
  std::string error;  // "<origin>:<line>: <what>", empty on success
  bool ok() const { return error.empty(); }
};

}  // namespace canhose::aws
