#include "base/mapping_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

namespace canhose::base {
namespace {

constexpr std::size_t kMaxFoundChars = 60;

bool is_absent(const YAML::Node& node) {
  return !node.IsDefined() || node.IsNull();
}

std::string join(const std::vector<std::string_view>& names, std::string_view last_sep) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out += (i + 1 == names.size()) ? last_sep : std::string_view(", ");
    }
    out += names[i];
  }
  return out;
}

// The closest candidate that still looks like a typo: within a small edit distance, or
// one word a prefix of the other ("warn" for "warning", "loggging" for "log").
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  if (best && best_distance <= limit) {
    return best;
  }
  for (const std::string& c : candidates) {
    const std::string_view shorter = c.size() < word.size() ? std::string_view(c) : word;
    const std::string_view longer = c.size() < word.size() ? word : std::string_view(c);
    if (shorter.size() >= 3 && longer.substr(0, shorter.size()) == shorter) {
      return c;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string describe_node(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) {
    return "an empty value";
  }
  if (node.IsSequence()) {
    return "a list";
  }
  if (node.IsMap()) {
    return "a mapping";
  }
  std::string text = node.Scalar();
  if (text.size() > kMaxFoundChars) {
    text = text.substr(0, kMaxFoundChars) + "...";
  }
  return '"' + text + '"';
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = (a[i - 1] == b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// ---- ReaderContext ----

void ReaderContext::add_error(const YAML::Mark& mark, std::string key_path, std::string message) {
  ConfigError e;
  e.file = file_;
  // yaml-cpp marks are 0-based and -1 when unknown.
  e.line = mark.line >= 0 ? mark.line + 1 : 0;
  e.column = mark.column >= 0 ? mark.column + 1 : 0;
  e.key_path = std::move(key_path);
  e.message = std::move(message);
  errors_.push_back(std::move(e));
}

void ReaderContext::add_file_error(std::string message) {
  errors_.push_back(ConfigError{file_, 0, 0, {}, std::move(message)});
}

void ReaderContext::finalize() {
  // Leaf names of every known key, to point at the right section for a misplaced key.
  std::map<std::string, std::vector<std::string>> sections_by_leaf;
  for (const std::string& path : known_keys_) {
    const std::size_t dot = path.rfind('.');
    const std::string leaf = dot == std::string::npos ? path : path.substr(dot + 1);
    sections_by_leaf[leaf].push_back(path);
  }
  for (const UnknownKey& u : unknown_keys_) {
    std::string message = "unknown key";
    if (auto near = closest(u.key, u.siblings)) {
      message += "; did you mean \"" + *near + "\"?";
    } else if (auto it = sections_by_leaf.find(u.key); it != sections_by_leaf.end()) {
      message += "; \"" + u.key + "\" belongs at " + it->second.front();
    } else if (!u.siblings.empty()) {
      std::vector<std::string_view> names(u.siblings.begin(), u.siblings.end());
      message += " (known keys here: " + join(names, ", ") + ")";
    }
    add_error(u.mark, u.display_path, std::move(message));
  }
  unknown_keys_.clear();
}

// ---- MappingReader ----

MappingReader::MappingReader(ReaderContext& context, const YAML::Node& node,
                             std::string display_path, std::string schema_path)
    : context_(context),
      display_path_(std::move(display_path)),
      schema_path_(std::move(schema_path)),
      mark_(node.IsDefined() ? node.Mark() : YAML::Mark::null_mark()) {
  if (is_absent(node)) {
    return;
  }
  if (!node.IsMap()) {
    context_.add_error(
        mark_, display_path_,
        "expected a mapping of keys (key: value lines), found " + describe_node(node));
    return;
  }
  std::map<std::string, int> first_line;
  for (const auto& key_value : node) {
    // Copies: yaml-cpp's iterator yields a temporary pair, references would dangle.
    const YAML::Node k = key_value.first;
    if (!k.IsScalar()) {
      context_.add_error(k.Mark(), display_path_,
                         "keys must be plain words, found " + describe_node(k));
      continue;
    }
    const std::string key = k.Scalar();
    if (auto [pos, inserted] = first_line.emplace(key, k.Mark().line + 1); !inserted) {
      context_.add_error(k.Mark(), child_display(key),
                         "key appears twice (first on line " + std::to_string(pos->second) +
                             "); remove one of them");
      continue;
    }
    entries_.push_back(Entry{key, k, key_value.second, false});
  }
}

MappingReader::~MappingReader() {
  for (const Entry& e : entries_) {
    if (!e.used) {
      context_.note_unknown_key({e.key_node.Mark(), child_display(e.key), e.key, asked_});
    }
  }
}

std::string MappingReader::child_display(std::string_view key) const {
  return display_path_.empty() ? std::string(key) : display_path_ + "." + std::string(key);
}

std::string MappingReader::child_schema(std::string_view key) const {
  return schema_path_.empty() ? std::string(key) : schema_path_ + "." + std::string(key);
}

const MappingReader::Entry* MappingReader::lookup(std::string_view key) {
  asked_.emplace_back(key);
  context_.note_known_key(child_schema(key));
  for (Entry& e : entries_) {
    if (e.key == key) {
      e.used = true;
      return is_absent(e.value_node) ? nullptr : &e;
    }
  }
  return nullptr;
}

bool MappingReader::has(std::string_view key) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.key == key; });
}

void MappingReader::error(std::string_view key, std::string message) {
  for (const Entry& e : entries_) {
    if (e.key == key) {
      context_.add_error(e.value_node.Mark(), child_display(key), std::move(message));
      return;
    }
  }
  context_.add_error(mark_, child_display(key), std::move(message));
}

void MappingReader::error_at(const YAML::Mark& mark, std::string_view key, std::string message) {
  context_.add_error(mark, child_display(key), std::move(message));
}

std::optional<MappingReader::ValueMark> MappingReader::value_mark(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key && !is_absent(e.value_node)) {
      // yaml-cpp tags a plain scalar "?" and a quoted or block scalar "!".
      return ValueMark{e.value_node.Mark(), e.value_node.Tag() == "?"};
    }
  }
  return std::nullopt;
}

void MappingReader::type_error(const Entry& entry, std::string_view key,
                               std::string_view expected) {
  context_.add_error(
      entry.value_node.Mark(), child_display(key),
      "expected " + std::string(expected) + ", found " + describe_node(entry.value_node));
}

template <class T>
void MappingReader::run_check(const Entry& entry, std::string_view key, const T& value,
                              const Check<T>& check) {
  if (check) {
    if (auto problem = check(value)) {
      context_.add_error(entry.value_node.Mark(), child_display(key),
                         *problem + ", found " + describe_node(entry.value_node));
    }
  }
}

void MappingReader::value(std::string_view key, bool& out) {
  const Entry* e = lookup(key);
  if (e == nullptr) {
    return;
  }
  if (e->value_node.IsScalar()) {
    static const std::map<std::string, bool> words{
        {"true", true}, {"false", false}, {"yes", true},    {"no", false},  {"on", true},
        {"off", false}, {"True", true},   {"False", false}, {"TRUE", true}, {"FALSE", false}};
    if (auto it = words.find(e->value_node.Scalar()); it != words.end()) {
      out = it->second;
      return;
    }
  }
  type_error(*e, key, "true or false");
}

void MappingReader::value(std::string_view key, std::string& out, const Check<std::string>& check) {
  const Entry* e = lookup(key);
  if (e == nullptr) {
    return;
  }
  if (!e->value_node.IsScalar()) {
    type_error(*e, key, "a string");
    return;
  }
  out = e->value_node.Scalar();
  run_check(*e, key, out, check);
}

void MappingReader::value(std::string_view key, Secret& out) {
  const Entry* e = lookup(key);
  if (e == nullptr) {
    return;
  }
  if (!e->value_node.IsScalar()) {
    // Never echo a secret's text, even a malformed one.
    context_.add_error(e->value_node.Mark(), child_display(key), "expected a string");
    return;
  }
  out = Secret(e->value_node.Scalar());
}

template <class T>
void MappingReader::integer(std::string_view key, T& out, const Check<T>& check) {
  const Entry* e = lookup(key);
  if (e == nullptr) {
    return;
  }
  if (e->value_node.IsScalar()) {
    const std::string& text = e->value_node.Scalar();
    T parsed{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec == std::errc{} && end == text.data() + text.size()) {
      out = parsed;
      run_check(*e, key, out, check);
      return;
    }
    if (ec == std::errc::result_out_of_range) {
      type_error(*e, key,
                 "a whole number between " + std::to_string(std::numeric_limits<T>::min()) +
                     " and " + std::to_string(std::numeric_limits<T>::max()));
      return;
    }
  }
  type_error(*e, key, std::is_signed_v<T> ? "a whole number" : "a whole number (0 or more)");
}

void MappingReader::value(std::string_view key, std::int64_t& out,
                          const Check<std::int64_t>& check) {
  integer(key, out, check);
}
void MappingReader::value(std::string_view key, std::uint64_t& out,
                          const Check<std::uint64_t>& check) {
  integer(key, out, check);
}
void MappingReader::value(std::string_view key, std::uint32_t& out,
                          const Check<std::uint32_t>& check) {
  integer(key, out, check);
}

void MappingReader::value(std::string_view key, double& out, const Check<double>& check) {
  const Entry* e = lookup(key);
  if (e == nullptr) {
    return;
  }
  if (e->value_node.IsScalar()) {
    const std::string& text = e->value_node.Scalar();
    double parsed = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec == std::errc{} && end == text.data() + text.size() && std::isfinite(parsed)) {
      out = parsed;
      run_check(*e, key, out, check);
      return;
    }
  }
  type_error(*e, key, "a number");
}

std::optional<Duration> MappingReader::duration(std::string_view key,
                                                const Check<Duration>& check) {
  const Entry* e = lookup(key);
  if (e == nullptr) {
    return std::nullopt;
  }
  if (e->value_node.IsScalar()) {
    if (auto d = parse_duration(e->value_node.Scalar())) {
      run_check(*e, key, *d, check);
      return d;
    }
  }
  type_error(*e, key, "a duration such as 250ms, 5s, 15m or 1h30m");
  return std::nullopt;
}

void MappingReader::value(std::string_view key, Duration& out, const Check<Duration>& check) {
  if (auto d = duration(key, check)) {
    out = *d;
  }
}

void MappingReader::value(std::string_view key, std::optional<Duration>& out,
                          const Check<Duration>& check) {
  if (auto d = duration(key, check)) {
    out = d;
  }
}

void MappingReader::value(std::string_view key, ByteSize& out, const Check<ByteSize>& check) {
  const Entry* e = lookup(key);
  if (e == nullptr) {
    return;
  }
  if (e->value_node.IsScalar()) {
    if (auto s = parse_byte_size(e->value_node.Scalar())) {
      out = *s;
      run_check(*e, key, out, check);
      return;
    }
  }
  type_error(*e, key, "a size such as 64KiB, 512MiB or 1GiB (KB/MB/GB are powers of 1000)");
}

void MappingReader::value(std::string_view key, std::vector<std::string>& out) {
  const Entry* e = lookup(key);
  if (e == nullptr) {
    return;
  }
  if (e->value_node.IsScalar()) {
    out = {e->value_node.Scalar()};  // a single word is a list of one
    return;
  }
  if (!e->value_node.IsSequence()) {
    type_error(*e, key, "a list of strings");
    return;
  }
  std::vector<std::string> items;
  for (std::size_t i = 0; i < e->value_node.size(); ++i) {
    const YAML::Node item = e->value_node[i];
    if (!item.IsScalar()) {
      context_.add_error(item.Mark(), child_display(key) + "[" + std::to_string(i) + "]",
                         "expected a string, found " + describe_node(item));
      continue;
    }
    items.push_back(item.Scalar());
  }
  out = std::move(items);
}

std::optional<std::size_t> MappingReader::choice_index(std::string_view key,
                                                       const std::vector<std::string_view>& names) {
  const Entry* e = lookup(key);
  if (e == nullptr) {
    return std::nullopt;
  }
  if (e->value_node.IsScalar()) {
    const std::string& text = e->value_node.Scalar();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == text) {
        return i;
      }
    }
  }
  std::string message =
      "expected one of " + join(names, " or ") + ", found " + describe_node(e->value_node);
  if (e->value_node.IsScalar()) {
    std::vector<std::string> candidates(names.begin(), names.end());
    if (auto near = closest(e->value_node.Scalar(), candidates)) {
      message += "; did you mean \"" + *near + "\"?";
    }
  }
  context_.add_error(e->value_node.Mark(), child_display(key), std::move(message));
  return std::nullopt;
}

void MappingReader::section(std::string_view key, const std::function<void(MappingReader&)>& read) {
  const Entry* e = lookup(key);
  const YAML::Node node = e != nullptr ? e->value_node : YAML::Node(YAML::NodeType::Undefined);
  MappingReader child(context_, node, child_display(key), child_schema(key));
  read(child);
}

bool MappingReader::list_items(std::string_view key,
                               const std::function<void(MappingReader&)>& each_item,
                               const std::function<void(MappingReader&)>& schema_only) {
  const Entry* e = lookup(key);
  const std::string schema = child_schema(key) + "[]";
  {
    // Read the item schema once against nothing, so its keys are known even when
    // the list is empty or absent.
    ReaderContext scratch(context_.file());
    MappingReader schema_reader(scratch, YAML::Node(YAML::NodeType::Undefined), "", schema);
    schema_only(schema_reader);
    for (const std::string& k : scratch.known_keys()) {
      context_.note_known_key(k);
    }
  }
  if (e == nullptr) {
    return false;
  }
  if (!e->value_node.IsSequence()) {
    type_error(*e, key, "a list (lines starting with \"- \")");
    return false;
  }
  for (std::size_t i = 0; i < e->value_node.size(); ++i) {
    MappingReader item(context_, e->value_node[i],
                       child_display(key) + "[" + std::to_string(i) + "]", schema);
    each_item(item);
  }
  return true;
}

}  // namespace canhose::base
