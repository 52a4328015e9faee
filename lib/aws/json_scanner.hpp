#pragma once
// A JSON tokenizer that validates and builds nothing: a parser reads the tokens it needs
// in grammar order and hands every value it does not want to skip_value(), which checks
// it to its end (nested containers too, without recursion). Strings are validated where
// they are scanned (UTF-8, escapes, surrogate pairs) and decoded only when asked.
//
// It accepts exactly the documents nlohmann::json::parse(text, nullptr, false) accepts,
// so a parser built on it refuses the bodies the DOM parser refused: RFC 8259 JSON; a
// leading UTF-8 byte order mark is skipped; a NUL byte outside a string ends the input
// (what follows it is ignored); a number must be a finite double (1e400 is refused).
// Tests: tests/unit/aws/put_record_batch_response_test.cpp compares the two.

#include <cstdint>
#include <string>
#include <string_view>

namespace canhose::aws {

enum class JsonToken : std::uint8_t {
  begin_object,  // {
  end_object,    // }
  begin_array,   // [
  end_array,     // ]
  colon,         // :
  comma,         // ,
  string,
  number,
  literal_true,
  literal_false,
  literal_null,
  end,   // the end of the input (after whitespace)
  error  // malformed JSON; every later call returns error too
};

class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text);

  JsonToken next();
  // Consumes the rest of the value that begins with `first` (for a container: up to its
  // closing bracket). False if it is not a well-formed value.
  bool skip_value(JsonToken first);

  // After a string token: its text between the quotes, escapes not decoded.
  std::string_view raw() const { return raw_; }
  // After a string token: its value (escapes decoded to UTF-8), returned or put in `out`.
  std::string value() const;
  void value(std::string& out) const;
  // After a string token: whether its value is `text`.
  bool value_is(std::string_view text) const { return escaped_ ? value() == text : raw_ == text; }
  // After a number token: whether it is a non-negative integer that fits 64 bits (what
  // nlohmann calls number_unsigned), and then its value.
  bool is_unsigned() const { return is_unsigned_; }
  std::uint64_t unsigned_value() const { return unsigned_value_; }

 private:
  JsonToken fail();
  JsonToken scan_string();
  JsonToken scan_number();
  JsonToken scan_literal(std::string_view word, JsonToken token);
  bool scan_escape();
  bool scan_utf8();

  const char* p_;
  const char* end_;
  std::string_view raw_;
  bool escaped_ = false;
  bool is_unsigned_ = false;
  std::uint64_t unsigned_value_ = 0;
  bool failed_ = false;
};

}  // namespace canhose::aws
