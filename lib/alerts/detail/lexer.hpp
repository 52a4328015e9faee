#pragma once
// The tokens of the rule condition language, with their byte offsets. Internal to
// alerts (the parser's input). Lexing stops at the first bad character with an error.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace canhose::alerts::detail {

enum class Token : unsigned char {
  number,    // 12, 1.5, 1e3
  duration,  // 500ms, 2s, 1min, 1h30m
  name,      // speed, can0.bus_state
  string,    // "P0301" (text holds the contents)
  keyword,   // and or not true false
  symbol,    // ( ) , + - * / < <= > >= == !=
  end,
};

struct Lexeme {
  Token kind = Token::end;
  std::string text;
  std::size_t offset = 0;
};

struct LexError {
  std::size_t offset = 0;
  std::string message;
};

// On success `error` is empty and `tokens` ends with an `end` token.
struct LexResult {
  std::vector<Lexeme> tokens;
  std::optional<LexError> error;
};

LexResult lex(std::string_view source);

// How a token reads in a message: "and", ">", the end of the expression.
std::string describe(const Lexeme& lexeme);

}  // namespace canhose::alerts::detail
