#include "dbc/detail/dbc_tokenizer.hpp"

namespace canhose::dbc::detail {
namespace {

bool is_punct(char c) {
  switch (c) {
    case ':':
    case '|':
    case '@':
    case '(':
    case ')':
    case '[':
    case ']':
    case ',':
    case ';':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<Token> Tokenizer::run(std::vector<DbcDiagnostic>& errors) {
  std::vector<Token> out;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '\n') {
      ++line_;
      ++pos_;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++pos_;
    } else if (c == '"') {
      const std::size_t start_line = line_;
      const std::size_t begin = ++pos_;
      while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) {
          ++pos_;
        }
        if (text_[pos_] == '\n') {
          ++line_;
        }
        ++pos_;
      }
      if (pos_ >= text_.size()) {
        errors.push_back({start_line, "string never closed (expected '\"')"});
      }
      out.push_back({Token::string, text_.substr(begin, pos_ - begin), start_line});
      ++pos_;
    } else if (is_punct(c)) {
      out.push_back({Token::punct, text_.substr(pos_, 1), line_});
      ++pos_;
    } else {
      const std::size_t begin = pos_;
      while (pos_ < text_.size() && !is_punct(text_[pos_]) && text_[pos_] != '"' &&
             text_[pos_] != ' ' && text_[pos_] != '\t' && text_[pos_] != '\n' &&
             text_[pos_] != '\r') {
        ++pos_;
      }
      out.push_back({Token::word, text_.substr(begin, pos_ - begin), line_});
    }
  }
  out.push_back({Token::end, {}, line_});
  return out;
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case Token::end:
      return "end of file";
    case Token::string:
      return "a string";
    default:
      return "'" + std::string(t.text) + "'";
  }
}

}  // namespace canhose::dbc::detail
