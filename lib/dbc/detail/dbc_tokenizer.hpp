#pragma once
// The DBC tokenizer: words, strings and punctuation with their line numbers, for the
// parser in dbc_parser.cpp. Internal to lib/dbc.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dbc/dbc_parser.hpp"

namespace canhose::dbc::detail {

struct Token {
  enum Kind { word, string, punct, end } kind = end;
  std::string_view text;
  std::size_t line = 0;
};

// Splits the whole text into tokens. Strings keep their content without quotes (escaped
// quotes \" are allowed inside). An unterminated string runs to the end of the text and is
// reported by the parser.
class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : text_(text) {}

  std::vector<Token> run(std::vector<DbcDiagnostic>& errors);

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// How a token is named in an error message: 'BO_', a string, end of file.
std::string describe(const Token& t);

}  // namespace canhose::dbc::detail
