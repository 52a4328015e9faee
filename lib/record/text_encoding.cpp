#include "record/text_encoding.hpp"

#include <array>
#include <charconv>

namespace canhose::record {

namespace {

bool is_separator_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

}  // namespace

void append_double(std::string& out, double value, int precision) {
  std::array<char, 64> buf{};
  std::to_chars_result r{};
  if (precision >= 0) {
    r = std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::fixed,
                      precision);
  } else {
    r = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  }
  if (r.ec != std::errc{}) {
    // Only a magnitude beyond 1e60 in fixed notation fails: fall back to shortest form.
    r = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  }
  out.append(buf.data(), r.ptr);
}

void append_int(std::string& out, std::int64_t value) {
  std::array<char, 24> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  out.append(buf.data(), r.ptr);
}

void append_uint(std::string& out, std::uint64_t value) {
  std::array<char, 24> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  out.append(buf.data(), r.ptr);
}

namespace {

void append_padded(std::string& out, long value, int width) {
  std::array<char, 8> digits{};
  for (int i = width - 1; i >= 0; --i) {
    digits[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(digits.data(), static_cast<std::size_t>(width));
}

}  // namespace

void append_iso8601_ms(std::string& out, std::chrono::sys_time<std::chrono::milliseconds> t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  auto ms_of_day = (t - day).count();
  const long hours = static_cast<long>(ms_of_day / 3'600'000);
  ms_of_day %= 3'600'000;
  const long minutes = static_cast<long>(ms_of_day / 60'000);
  ms_of_day %= 60'000;
  const long seconds_part = static_cast<long>(ms_of_day / 1000);
  const long millis = static_cast<long>(ms_of_day % 1000);
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) {
    out += "0000-01-01T00:00:00.000Z";  // unrepresentable: never a malformed field
    return;
  }
  append_padded(out, y, 4);
  out += '-';
  append_padded(out, static_cast<long>(static_cast<unsigned>(ymd.month())), 2);
  out += '-';
  append_padded(out, static_cast<long>(static_cast<unsigned>(ymd.day())), 2);
  out += 'T';
  append_padded(out, hours, 2);
  out += ':';
  append_padded(out, minutes, 2);
  out += ':';
  append_padded(out, seconds_part, 2);
  out += '.';
  append_padded(out, millis, 3);
  out += 'Z';
}

void append_csv_field(std::string& out, std::string_view text) {
  const bool needs_quotes = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!needs_quotes) {
    out += text;
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

bool append_space_token(std::string& out, std::string_view text) {
  bool replaced = false;
  for (const char c : text) {
    if (is_separator_byte(c)) {
      out += '_';
      replaced = true;
    } else {
      out += c;
    }
  }
  return replaced;
}

bool is_space_token(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (const char c : text) {
    if (is_separator_byte(c)) {
      return false;
    }
  }
  return true;
}

}  // namespace canhose::record
