#include "https/redaction.hpp"

#include <array>

namespace canhose::https {
namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

bool starts_with_ci(std::string_view text, std::size_t pos, std::string_view word) {
  if (text.size() - pos < word.size()) {
    return false;
  }
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (lower(text[pos + i]) != word[i]) {
      return false;
    }
  }
  return true;
}

bool is_base64(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '=';
}

// Where a header value or parameter value ends: a credential never holds blanks, quotes
// or the separators of headers, parameters, JSON and XML.
bool ends_value(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '"':
    case '\'':
    case ',':
    case ';':
    case '&':
    case '<':
    case '>':
    case ')':
    case ']':
    case '}':
    case '\\':
      return true;
    default:
      return false;
  }
}

struct Key {
  std::string_view name;  // lower case
  bool to_end_of_line;    // an Authorization value has blanks and commas in it
};

// Longer names first where one contains another at the same start.
constexpr std::array<Key, 12> kKeys = {{
    {"proxy-authorization", true},
    {"authorization", true},
    {"x-amz-security-token", false},
    {"x-amz-signature", false},
    {"x-amz-credential", false},
    {"signature", false},
    {"credential", false},
    {"secretaccesskey", false},
    {"sessiontoken", false},
    {"aws_secret_access_key", false},
    {"aws_session_token", false},
    {"securitytoken", false},
}};

constexpr std::size_t kLongBase64Run = 80;

// When a credential-shaped key starts at `pos`, the [begin, end) of its value (possibly
// empty); otherwise false.
bool key_value_at(std::string_view text, std::size_t pos, std::size_t& begin, std::size_t& end) {
  for (const Key& key : kKeys) {
    if (!starts_with_ci(text, pos, key.name)) {
      continue;
    }
    std::size_t p = pos + key.name.size();
    if (p < text.size() && text[p] == '"') {
      ++p;  // "SessionToken": "..."
    }
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) {
      ++p;
    }
    if (p == text.size() || (text[p] != ':' && text[p] != '=')) {
      return false;  // a word in a sentence ("the signature you provided"), not a key
    }
    ++p;
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) {
      ++p;
    }
    char quote = 0;
    if (p < text.size() && (text[p] == '"' || text[p] == '\'')) {
      quote = text[p++];
    }
    begin = p;
    while (p < text.size() && text[p] != '\n' && text[p] != '\r' &&
           (quote != 0 ? text[p] != quote : (key.to_end_of_line || !ends_value(text[p])))) {
      ++p;
    }
    end = p;
    return true;
  }
  return false;
}

}  // namespace

std::string redact_credential_shapes(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t begin = 0;
    std::size_t end = 0;
    if (key_value_at(text, i, begin, end)) {
      result.append(text, i, begin - i);
      if (end > begin && std::string_view(text).substr(begin, end - begin) != redacted_text) {
        result += redacted_text;
      } else {
        result.append(text, begin, end - begin);
      }
      i = end;
      continue;
    }
    if (is_base64(text[i]) && (i == 0 || !is_base64(text[i - 1]))) {
      std::size_t run = i;
      while (run < text.size() && is_base64(text[run])) {
        ++run;
      }
      if (run - i >= kLongBase64Run) {
        result += redacted_text;
        i = run;
        continue;
      }
    }
    result += text[i];
    ++i;
  }
  return result;
}

}  // namespace canhose::https
