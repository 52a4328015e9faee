#pragma once
// MappingReader reads one YAML mapping into typed fields. The schema *is* the code that
// calls it: each call names a key, the field it fills (which already holds its default)
// and, optionally, a check. A missing key keeps the default. Every mistake is recorded in
// the shared ReaderContext with file, line, column, key path, what was expected and what
// was found, and reading goes on, so one run reports all mistakes together.
//
// Unknown keys are reported when the context is finalised, with the closest known key
// at the same level suggested ("did you mean ...?"), or the section a misplaced key
// belongs to.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "base/config_error.hpp"
#include "base/secret.hpp"
#include "base/units.hpp"

namespace canhose::base {

// A check on a parsed value: returns an error message ("must be at least 1") or nothing.
template <class T>
using Check = std::function<std::optional<std::string>(const T&)>;

template <class T>
Check<T> at_least(T min);
template <class T>
Check<T> between(T min, T max);

class ReaderContext {
 public:
  explicit ReaderContext(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  void add_error(const YAML::Mark& mark, std::string key_path, std::string message);
  void add_file_error(std::string message);

  // Every key path the schema asked for, list items written as "list[].key".
  const std::set<std::string>& known_keys() const { return known_keys_; }
  void note_known_key(std::string schema_path) { known_keys_.insert(std::move(schema_path)); }

  struct UnknownKey {
    YAML::Mark mark;
    std::string display_path;  // where it was found, e.g. "queue.fsynk"
    std::string key;
    std::vector<std::string> siblings;  // the keys known at that level
  };
  void note_unknown_key(UnknownKey unknown) { unknown_keys_.push_back(std::move(unknown)); }

  // Turns the unknown keys into errors with suggestions; call once after all reading.
  void finalize();

  const ConfigErrors& errors() const { return errors_; }
  bool ok() const { return errors_.empty(); }

 private:
  std::string file_;
  ConfigErrors errors_;
  std::set<std::string> known_keys_;
  std::vector<UnknownKey> unknown_keys_;
};

class MappingReader {
 public:
  // `node` may be undefined or null (the section was left out: defaults apply).
  MappingReader(ReaderContext& context, const YAML::Node& node, std::string display_path,
                std::string schema_path);
  MappingReader(const MappingReader&) = delete;
  MappingReader& operator=(const MappingReader&) = delete;
  // Records the keys this reader was never asked about as unknown.
  ~MappingReader();

  void value(std::string_view key, bool& out);
  void value(std::string_view key, std::string& out, const Check<std::string>& check = {});
  void value(std::string_view key, Secret& out);
  void value(std::string_view key, std::int64_t& out, const Check<std::int64_t>& check = {});
  void value(std::string_view key, std::uint64_t& out, const Check<std::uint64_t>& check = {});
  void value(std::string_view key, std::uint32_t& out, const Check<std::uint32_t>& check = {});
  void value(std::string_view key, double& out, const Check<double>& check = {});
  void value(std::string_view key, Duration& out, const Check<Duration>& check = {});
  void value(std::string_view key, ByteSize& out, const Check<ByteSize>& check = {});
  void value(std::string_view key, std::vector<std::string>& out);
  // An optional value: stays empty when the key is missing or null.
  void value(std::string_view key, std::optional<Duration>& out, const Check<Duration>& check = {});

  // One of a fixed set of words.
  template <class E>
  void choice(std::string_view key, E& out,
              std::initializer_list<std::pair<std::string_view, E>> choices) {
    std::vector<std::string_view> names;
    for (const auto& [name, value] : choices) {
      names.push_back(name);
    }
    const std::optional<std::size_t> index = choice_index(key, names);
    if (index) {
      out = (choices.begin() + static_cast<std::ptrdiff_t>(*index))->second;
    }
  }

  // A nested mapping.
  void section(std::string_view key, const std::function<void(MappingReader&)>& read);

  // A list of mappings, each read by `read_item` into a default-constructed T. A list
  // given in the file replaces the default list whole.
  template <class T>
  void list(std::string_view key, std::vector<T>& out,
            const std::function<void(MappingReader&, T&)>& read_item) {
    std::vector<T> items;
    const bool given = list_items(
        key,
        [&](MappingReader& item_reader) {
          T item{};
          read_item(item_reader, item);
          items.push_back(std::move(item));
        },
        [&](MappingReader& schema_reader) {
          T scratch{};
          read_item(schema_reader, scratch);
        });
    if (given) {
      out = std::move(items);
    }
  }

  // Reports a mistake that involves a key's value (cross-field checks).
  void error(std::string_view key, std::string message);
  // The same at a given position, for a mistake inside a value (a character of an
  // expression).
  void error_at(const YAML::Mark& mark, std::string_view key, std::string message);

  // Where a key's value starts, to point inside it. `plain` is true for a plain
  // (unquoted) scalar, whose text starts at `mark`; a quoted scalar's text starts one
  // column after it, and a block scalar's on the lines below. yaml-cpp keeps no more:
  // a plain scalar folded over several lines, or a `>-` block, reads like a one-line
  // one. Nothing when the key is absent or null.
  struct ValueMark {
    YAML::Mark mark;
    bool plain = false;
  };
  std::optional<ValueMark> value_mark(std::string_view key) const;
  bool has(std::string_view key) const;
  const std::string& path() const { return display_path_; }

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value_node;
    bool used = false;
  };

  // Finds `key`, marks it known and used; nullptr when it is absent or null.
  const Entry* lookup(std::string_view key);
  std::string child_display(std::string_view key) const;
  std::string child_schema(std::string_view key) const;
  void type_error(const Entry& entry, std::string_view key, std::string_view expected);
  template <class T>
  void run_check(const Entry& entry, std::string_view key, const T& value, const Check<T>& check);
  template <class T>
  void integer(std::string_view key, T& out, const Check<T>& check);
  std::optional<std::size_t> choice_index(std::string_view key,
                                          const std::vector<std::string_view>& names);
  // Returns whether the file gave a list for `key`.
  bool list_items(std::string_view key, const std::function<void(MappingReader&)>& each_item,
                  const std::function<void(MappingReader&)>& schema_only);
  std::optional<Duration> duration(std::string_view key, const Check<Duration>& check);

  ReaderContext& context_;
  std::string display_path_;
  std::string schema_path_;
  YAML::Mark mark_;
  std::vector<Entry> entries_;
  std::vector<std::string> asked_;
};

// Describes a YAML node for "found ..." in messages: "\"5 seconds\"", "a list", ...
std::string describe_node(const YAML::Node& node);
// Levenshtein distance, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);

template <class T>
Check<T> at_least(T min) {
  return [min](const T& v) -> std::optional<std::string> {
    if (v < min) {
      if constexpr (std::is_same_v<T, Duration>) {
        return "must be at least " + format_duration(min);
      } else if constexpr (std::is_same_v<T, ByteSize>) {
        return "must be at least " + format_byte_size(min);
      } else {
        return "must be at least " + std::to_string(min);
      }
    }
    return std::nullopt;
  };
}

template <class T>
Check<T> between(T min, T max) {
  return [min, max](const T& v) -> std::optional<std::string> {
    if (v < min || max < v) {
      if constexpr (std::is_same_v<T, Duration>) {
        return "must be between " + format_duration(min) + " and " + format_duration(max);
      } else if constexpr (std::is_same_v<T, ByteSize>) {
        return "must be between " + format_byte_size(min) + " and " + format_byte_size(max);
      } else {
        return "must be between " + std::to_string(min) + " and " + std::to_string(max);
      }
    }
    return std::nullopt;
  };
}

}  // namespace canhose::base
