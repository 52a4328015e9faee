#include "aws/json_scanner.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace canhose::aws {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Whether any of the 8 bytes at `p` ends a run of plain string bytes: '"', '\\', a
// control character or a byte of a multi-byte UTF-8 sequence. (The tests are exact for
// "any", which is all the fast path needs.)
bool has_special_byte(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  const auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighBits; };
  return (has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\')) |
          ((w - kOnes * 0x20) & ~w & kHighBits) | (w & kHighBits)) != 0;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// The code unit of the 4 hex digits at `p`, or -1.
int hex4(const char* p) {
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    const int d = hex_digit(p[i]);
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

JsonScanner::JsonScanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {
  if (text.starts_with("\xEF\xBB\xBF")) {
    p_ += 3;
  }
}

JsonToken JsonScanner::fail() {
  failed_ = true;
  return JsonToken::error;
}

JsonToken JsonScanner::next() {
  if (failed_) {
    return JsonToken::error;
  }
  while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
    ++p_;
  }
  if (p_ == end_ || *p_ == '\0') {
    return JsonToken::end;  // a NUL ends the input, as in nlohmann's lexer
  }
  switch (*p_) {
    case '{':
      ++p_;
      return JsonToken::begin_object;
    case '}':
      ++p_;
      return JsonToken::end_object;
    case '[':
      ++p_;
      return JsonToken::begin_array;
    case ']':
      ++p_;
      return JsonToken::end_array;
    case ':':
      ++p_;
      return JsonToken::colon;
    case ',':
      ++p_;
      return JsonToken::comma;
    case '"':
      return scan_string();
    case 't':
      return scan_literal("true", JsonToken::literal_true);
    case 'f':
      return scan_literal("false", JsonToken::literal_false);
    case 'n':
      return scan_literal("null", JsonToken::literal_null);
    default:
      return *p_ == '-' || is_digit(*p_) ? scan_number() : fail();
  }
}

JsonToken JsonScanner::scan_literal(std::string_view word, JsonToken token) {
  if (static_cast<std::size_t>(end_ - p_) < word.size() ||
      std::string_view(p_, word.size()) != word) {
    return fail();
  }
  p_ += word.size();
  return token;
}

JsonToken JsonScanner::scan_string() {
  const char* start = ++p_;
  escaped_ = false;
  for (;;) {
    while (end_ - p_ >= 8 && !has_special_byte(p_)) {
      p_ += 8;
    }
    if (p_ == end_) {
      return fail();
    }
    const auto c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      raw_ = std::string_view(start, static_cast<std::size_t>(p_ - start));
      ++p_;
      return JsonToken::string;
    }
    if (c == '\\') {
      escaped_ = true;
      if (!scan_escape()) {
        return fail();
      }
    } else if (c < 0x20) {
      return fail();
    } else if (c < 0x80) {
      ++p_;
    } else if (!scan_utf8()) {
      return fail();
    }
  }
}

bool JsonScanner::scan_escape() {
  if (end_ - p_ < 2) {
    return false;
  }
  switch (p_[1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
      p_ += 2;
      return true;
    case 'u':
      break;
    default:
      return false;
  }
  const int unit = end_ - p_ >= 6 ? hex4(p_ + 2) : -1;
  if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) {
    return false;  // not 4 hex digits, or a low surrogate alone
  }
  p_ += 6;
  if (unit >= 0xD800 && unit <= 0xDBFF) {
    // A high surrogate must be followed by an escaped low one.
    const int low = end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u' ? hex4(p_ + 2) : -1;
    if (low < 0xDC00 || low > 0xDFFF) {
      return false;
    }
    p_ += 6;
  }
  return true;
}

// One UTF-8 sequence (lead byte >= 0x80) as RFC 3629 defines it: no overlong forms, no
// surrogates, nothing past U+10FFFF.
bool JsonScanner::scan_utf8() {
  const auto c = static_cast<unsigned char>(*p_);
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  std::ptrdiff_t tail = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    tail = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    tail = 2;
    low = c == 0xE0 ? 0xA0 : 0x80;
    high = c == 0xED ? 0x9F : 0xBF;
  } else if (c >= 0xF0 && c <= 0xF4) {
    tail = 3;
    low = c == 0xF0 ? 0x90 : 0x80;
    high = c == 0xF4 ? 0x8F : 0xBF;
  } else {
    return false;
  }
  if (end_ - p_ <= tail) {
    return false;
  }
  const auto byte = [this](std::ptrdiff_t i) { return static_cast<unsigned char>(p_[i]); };
  if (byte(1) < low || byte(1) > high) {
    return false;
  }
  for (std::ptrdiff_t i = 2; i <= tail; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) {
      return false;
    }
  }
  p_ += tail + 1;
  return true;
}

JsonToken JsonScanner::scan_number() {
  const char* start = p_;
  const bool negative = *p_ == '-';
  if (negative) {
    ++p_;
  }
  if (p_ == end_ || !is_digit(*p_)) {
    return fail();
  }
  std::uint64_t value = 0;
  bool overflow = false;
  if (*p_ == '0') {
    ++p_;
  } else {
    for (; p_ != end_ && is_digit(*p_); ++p_) {
      const auto digit = static_cast<std::uint64_t>(*p_ - '0');
      overflow = overflow || value > (UINT64_MAX - digit) / 10;
      value = value * 10 + digit;
    }
  }
  bool integer = true;
  if (p_ != end_ && *p_ == '.') {
    integer = false;
    if (++p_ == end_ || !is_digit(*p_)) {
      return fail();
    }
    while (p_ != end_ && is_digit(*p_)) {
      ++p_;
    }
  }
  if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
    integer = false;
    if (++p_ != end_ && (*p_ == '+' || *p_ == '-')) {
      ++p_;
    }
    if (p_ == end_ || !is_digit(*p_)) {
      return fail();
    }
    while (p_ != end_ && is_digit(*p_)) {
      ++p_;
    }
  }
  raw_ = std::string_view(start, static_cast<std::size_t>(p_ - start));
  is_unsigned_ = integer && !negative && !overflow;
  unsigned_value_ = is_unsigned_ ? value : 0;
  if (!integer || overflow) {
    // nlohmann reads it as a double and refuses one that is not finite (1e400). The
    // daemon never sets a locale, so strtod's decimal point is '.'.
    const std::string text(raw_);
    if (!std::isfinite(std::strtod(text.c_str(), nullptr))) {
      return fail();
    }
  }
  return JsonToken::number;
}

std::string JsonScanner::value() const {
  std::string out;
  value(out);
  return out;
}

void JsonScanner::value(std::string& out) const {
  if (!escaped_) {
    out.assign(raw_);
    return;
  }
  out.clear();
  for (std::size_t i = 0; i < raw_.size(); ++i) {
    const char c = raw_[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    // Validated when scanned.
    const char e = raw_[++i];
    switch (e) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        auto cp = static_cast<std::uint32_t>(hex4(raw_.data() + i + 1));
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          const auto low = static_cast<std::uint32_t>(hex4(raw_.data() + i + 3));
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        append_utf8(out, cp);
        break;
      }
      default:  // '"', '\\', '/'
        out += e;
        break;
    }
  }
}

bool JsonScanner::skip_value(JsonToken t) {
  // The closing token of each open container, innermost last; no recursion, so a deeply
  // nested value cannot exhaust the stack.
  std::vector<JsonToken> open;
  // Reads a member's name and colon when `t` begins an object member; then `t` is its value.
  const auto member_value = [this, &open, &t] {
    if (open.back() == JsonToken::end_object) {
      if (t != JsonToken::string || next() != JsonToken::colon) {
        return false;
      }
      t = next();
    }
    return true;
  };
  for (;;) {
    // `t` begins a value.
    if (t == JsonToken::begin_object || t == JsonToken::begin_array) {
      open.push_back(t == JsonToken::begin_object ? JsonToken::end_object : JsonToken::end_array);
      t = next();
      if (t != open.back()) {
        if (!member_value()) {
          return false;
        }
        continue;
      }
      open.pop_back();  // an empty container
    } else if (t != JsonToken::string && t != JsonToken::number && t != JsonToken::literal_true &&
               t != JsonToken::literal_false && t != JsonToken::literal_null) {
      return false;
    }
    // A value has ended: close containers until one has a next element.
    for (;;) {
      if (open.empty()) {
        return true;
      }
      t = next();
      if (t == JsonToken::comma) {
        t = next();
        if (!member_value()) {
          return false;
        }
        break;
      }
      if (t != open.back()) {
        return false;
      }
      open.pop_back();
    }
  }
}

}  // namespace canhose::aws
