#include "cli/command_arguments.hpp"

namespace canhose::cli {

CommandArguments::CommandArguments(const std::vector<std::string>& words,
                                   const std::set<std::string>& with_value,
                                   const std::set<std::string>& flags) {
  bool options_done = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (options_done || w.size() < 2 || w.compare(0, 2, "--") != 0) {
      positional_.push_back(w);
      continue;
    }
    if (w == "--") {
      options_done = true;
      continue;
    }
    const std::size_t eq = w.find('=');
    const std::string name = w.substr(0, eq);
    if (with_value.count(name) != 0) {
      if (eq != std::string::npos) {
        values_[name] = w.substr(eq + 1);
      } else if (i + 1 < words.size()) {
        values_[name] = words[++i];
      } else {
        error_ = "option '" + name + "' needs a value";
        return;
      }
    } else if (flags.count(name) != 0 && eq == std::string::npos) {
      flags_.insert(name);
    } else {
      error_ = flags.count(name) != 0 ? "option '" + name + "' takes no value"
                                      : "unknown option '" + name + "'";
      return;
    }
  }
}

std::optional<std::string> CommandArguments::value(const std::string& option) const {
  const auto it = values_.find(option);
  if (it == values_.end()) {
    return std::nullopt;
  }
  return it->second;
}

}  // namespace canhose::cli
