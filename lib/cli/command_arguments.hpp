#pragma once
// CommandArguments: the words after a `canhose` command, split into options and
// positional arguments against the options the command accepts. "--name value" and
// "--name=value" for options with a value; "--name" for flags; "--" ends the options.
// Anything else starting with "--" is an error (usage, exit code 2).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace canhose::cli {

class CommandArguments {
 public:
  // `with_value`: options that take a value ("--config"); `flags`: options that do not.
  CommandArguments(const std::vector<std::string>& words, const std::set<std::string>& with_value,
                   const std::set<std::string>& flags);

  // Empty when the words parsed; otherwise what is wrong ("unknown option '--x'").
  const std::string& error() const { return error_; }
  bool ok() const { return error_.empty(); }

  std::optional<std::string> value(const std::string& option) const;
  bool flag(const std::string& option) const { return flags_.count(option) != 0; }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
  std::string error_;
};

}  // namespace canhose::cli
