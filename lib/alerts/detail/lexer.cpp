#include "alerts/detail/lexer.hpp"

#include <array>

namespace canhose::alerts::detail {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '.';
}

constexpr std::array<std::string_view, 5> kKeywords{"and", "or", "not", "true", "false"};

// A number, or a duration when letters follow the digits ("2s", "1h30m"). An exponent
// ("1e3", "2E-4") keeps it a number.
std::size_t number_or_duration(std::string_view s, std::size_t i, Token& kind) {
  kind = Token::number;
  while (i < s.size() && is_digit(s[i])) {
    ++i;
  }
  if (i < s.size() && s[i] == '.' && i + 1 < s.size() && is_digit(s[i + 1])) {
    ++i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) {
      ++j;
    }
    if (j < s.size() && is_digit(s[j])) {
      while (j < s.size() && is_digit(s[j])) {
        ++j;
      }
      return j;
    }
  }
  if (i < s.size() && (is_alpha(s[i]) || s[i] == '.')) {
    kind = Token::duration;
    while (i < s.size() && is_name_char(s[i])) {
      ++i;
    }
  }
  return i;
}

}  // namespace

LexResult lex(std::string_view s) {
  LexResult out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    const std::size_t start = i;
    if (is_digit(c) || (c == '.' && i + 1 < s.size() && is_digit(s[i + 1]))) {
      Token kind = Token::number;
      i = number_or_duration(s, i, kind);
      out.tokens.push_back({kind, std::string(s.substr(start, i - start)), start});
      continue;
    }
    if (is_alpha(c)) {
      while (i < s.size() && is_name_char(s[i])) {
        ++i;
      }
      std::string word(s.substr(start, i - start));
      bool keyword = false;
      for (std::string_view k : kKeywords) {
        keyword = keyword || word == k;
      }
      out.tokens.push_back({keyword ? Token::keyword : Token::name, std::move(word), start});
      continue;
    }
    if (c == '"') {
      std::string text;
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) {
          ++i;
        }
        text += s[i++];
      }
      if (i >= s.size()) {
        out.error = LexError{start, "this string is not closed: a \" is missing"};
        return out;
      }
      ++i;
      out.tokens.push_back({Token::string, std::move(text), start});
      continue;
    }
    const std::string_view two = s.substr(i, 2);
    if (two == "<=" || two == ">=" || two == "==" || two == "!=") {
      out.tokens.push_back({Token::symbol, std::string(two), start});
      i += 2;
      continue;
    }
    if (c == '=') {
      out.error = LexError{start, "use == to compare (a single = is not an operator)"};
      return out;
    }
    if (two == "&&" || two == "||") {
      out.error = LexError{start, std::string("write ") + (c == '&' ? "and" : "or") +
                                      " instead of " + std::string(two)};
      return out;
    }
    if (std::string_view("(),+-*/<>").find(c) != std::string_view::npos) {
      out.tokens.push_back({Token::symbol, std::string(1, c), start});
      ++i;
      continue;
    }
    out.error = LexError{start, "unexpected character \"" + std::string(1, c) + "\""};
    return out;
  }
  // The end: just past the last character, or one blank further, never on a new line
  // (a block scalar's text ends with one), so a caret under it lands where text is missing.
  std::size_t end = s.find_last_not_of(" \t\r\n");
  end = end == std::string_view::npos ? 0 : end + 1;
  if (end < s.size() && (s[end] == ' ' || s[end] == '\t')) {
    ++end;
  }
  out.tokens.push_back({Token::end, "", end});
  return out;
}

std::string describe(const Lexeme& lexeme) {
  switch (lexeme.kind) {
    case Token::end:
      return "the end of the expression";
    case Token::string:
      return "the string \"" + lexeme.text + "\"";
    default:
      return "\"" + lexeme.text + "\"";
  }
}

}  // namespace canhose::alerts::detail
