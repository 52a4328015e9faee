#include "can/candump_line.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace canhose::can {

namespace {

// Hex digit values, -1 for anything else, and which characters are blanks: one table
// load per character (the parser runs for every replayed frame).
constexpr std::array<std::int8_t, 256> kHex = [] {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) {
    v = -1;
  }
  for (int c = '0'; c <= '9'; ++c) {
    t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  }
  for (int c = 'A'; c <= 'F'; ++c) {
    t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
  }
  for (int c = 'a'; c <= 'f'; ++c) {
    t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  }
  return t;
}();

constexpr std::array<bool, 256> kBlank = [] {
  std::array<bool, 256> t{};
  t[' '] = true;
  t['\t'] = true;
  return t;
}();

int hex_value(char c) {
  return kHex[static_cast<unsigned char>(c)];
}

bool is_blank(char c) {
  return kBlank[static_cast<unsigned char>(c)];
}

bool is_digit(char c) {
  return static_cast<unsigned char>(c - '0') < 10;
}

void skip_blanks(const char*& p, const char* end) {
  while (p < end && is_blank(*p)) {
    ++p;
  }
}

std::string token_at(const char* p, const char* end) {
  const char* b = p;
  while (p < end && !is_blank(*p)) {
    ++p;
  }
  return std::string(b, p);
}

// "(seconds.fraction)" at p, converted exactly to nanoseconds.
bool parse_timestamp(const char*& p, const char* end, std::int64_t& ns, std::string& error) {
  if (*p != '(') {
    error = "expected a timestamp \"(seconds.fraction)\" at the start of the line";
    return false;
  }
  ++p;
  std::int64_t seconds = 0;
  int digits = 0;
  // Digits past the tenth are counted, not accumulated: 20 of them would overflow the
  // signed accumulator before the length check below could refuse the line.
  for (; p < end && is_digit(*p); ++p, ++digits) {
    if (digits < 10) {
      seconds = seconds * 10 + (*p - '0');
    }
  }
  // 9e9 s (year 2255) keeps the nanosecond count inside int64.
  if (digits == 0 || digits > 10 || p == end || (*p != '.' && *p != ')')) {
    error = "timestamp seconds must be 1..10 decimal digits, found " + std::to_string(digits);
    return false;
  }
  if (seconds > 9'000'000'000) {
    error = "timestamp seconds above 9000000000";
    return false;
  }
  std::int64_t fraction = 0;
  digits = 0;
  if (*p == '.' && end - p >= 8 && is_digit(p[1]) && is_digit(p[2]) && is_digit(p[3]) &&
      is_digit(p[4]) && is_digit(p[5]) && is_digit(p[6]) && p[7] == ')') {
    // candump's own format: exactly six fraction digits.
    fraction =
        (((((p[1] - '0') * 10 + (p[2] - '0')) * 10 + (p[3] - '0')) * 10 + (p[4] - '0')) * 10 +
         (p[5] - '0')) *
            10 +
        (p[6] - '0');
    digits = 6;
    p += 7;
  } else if (*p == '.') {
    for (++p; p < end && is_digit(*p); ++p, ++digits) {
      if (digits < 9) {
        fraction = fraction * 10 + (*p - '0');  // counted only past nine, as above
      }
    }
    if (digits == 0 || digits > 9) {
      error = "timestamp fraction must be 1..9 decimal digits, found " + std::to_string(digits);
      return false;
    }
  }
  if (p == end || *p != ')') {
    error = "expected a timestamp \"(seconds.fraction)\" at the start of the line";
    return false;
  }
  ++p;
  static constexpr std::int64_t kScale[10] = {
      1'000'000'000, 100'000'000, 10'000'000, 1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};
  ns = seconds * 1'000'000'000 + fraction * kScale[digits];
  return true;
}

// Hex byte pairs (optionally '.'-separated) from p up to a blank, '_' or the end; returns
// the count or -1. The common case (two hex digits) costs one test.
int parse_data(const char*& p, const char* end, std::uint8_t* data, int max, std::string& error) {
  int n = 0;
  for (;;) {
    if (end - p >= 2) {
      const int hi = hex_value(p[0]);
      const int lo = hex_value(p[1]);
      if ((hi | lo) >= 0) {
        if (n >= max) {
          error = "more than " + std::to_string(max) + " data bytes";
          return -1;
        }
        data[n++] = static_cast<std::uint8_t>(hi * 16 + lo);
        p += 2;
        continue;
      }
    }
    if (p == end || is_blank(*p) || *p == '_') {
      return n;
    }
    if (*p == '.') {
      ++p;
      continue;
    }
    if (hex_value(*p) >= 0 && (end - p < 2 || is_blank(p[1]) || p[1] == '_')) {
      error = "odd number of hex digits in the data";
      return -1;
    }
    error = "expected hex digits in the data, found \"" +
            std::string(p, static_cast<std::size_t>(std::min<std::ptrdiff_t>(end - p, 2))) + "\"";
    return -1;
  }
}

}  // namespace

// One pass over the line: every character is looked at once (this runs for every
// replayed frame).
bool parse_candump_line(std::string_view line, CandumpLine& out, std::string& error) {
  const char* p = line.data();
  const char* end = p + line.size();
  if (p < end && end[-1] == '\r') {
    --end;
  }
  skip_blanks(p, end);
  if (p == end) {
    error = "empty line";
    return false;
  }
  CanFrame& f = out.frame;
  f = CanFrame{};
  f.timestamp_source = TimestampSource::log;
  if (!parse_timestamp(p, end, f.timestamp_ns, error)) {
    return false;
  }
  if (p < end && !is_blank(*p)) {
    error = "expected a blank after the timestamp";
    return false;
  }
  skip_blanks(p, end);
  const char* iface = p;
  while (p < end && !is_blank(*p)) {
    ++p;
  }
  out.interface = std::string_view(iface, static_cast<std::size_t>(p - iface));
  skip_blanks(p, end);
  if (out.interface.empty() || p == end) {
    error = "expected \"(timestamp) interface id#data\"";
    return false;
  }

  const char* id_begin = p;
  std::uint32_t id = 0;
  int bad = 0;
  for (; p < end && *p != '#' && !is_blank(*p); ++p) {
    const int v = hex_value(*p);
    bad |= v;
    id = id * 16 + static_cast<std::uint32_t>(v);
  }
  if (p == end || *p != '#') {
    error = "expected '#' between id and data in \"" + token_at(id_begin, end) + "\"";
    return false;
  }
  const std::string_view id_text(id_begin, static_cast<std::size_t>(p - id_begin));
  ++p;
  if (id_text.size() != 3 && id_text.size() != 8) {
    error = "expected a 3-digit (standard) or 8-digit (extended) hex id, found \"" +
            std::string(id_text) + "\"";
    return false;
  }
  if (bad < 0) {
    error = "id \"" + std::string(id_text) + "\" is not hexadecimal";
    return false;
  }
  if (id_text.size() == 3) {
    if (id > CAN_SFF_MASK) {
      error = "standard id " + std::string(id_text) + " is above 7FF";
      return false;
    }
    f.id = id;
  } else if ((id & CAN_ERR_FLAG) != 0) {
    if (id > (CAN_ERR_FLAG | CAN_ERR_MASK)) {
      error = "8-digit id " + std::string(id_text) + " has bits above 29 set";
      return false;
    }
    f.error = true;
    f.id = id & CAN_ERR_MASK;
  } else {
    if (id > CAN_EFF_MASK) {
      error = "extended id " + std::string(id_text) + " is above 1FFFFFFF";
      return false;
    }
    f.extended = true;
    f.id = id;
  }

  if (p < end && *p == '#') {
    // CAN FD: flags nibble, then data. "###" would be CAN XL.
    ++p;
    if (p < end && *p == '#') {
      error = "CAN XL frames (\"###\") are not supported";
      return false;
    }
    const int flags = p < end ? hex_value(*p) : -1;
    if (flags < 0) {
      error = "expected a flags hex digit after \"##\"";
      return false;
    }
    ++p;
    f.fd = true;
    f.brs = (flags & CANFD_BRS) != 0;
    f.esi = (flags & CANFD_ESI) != 0;
    const int n = parse_data(p, end, f.data.data(), CANFD_MAX_DLEN, error);
    if (n < 0) {
      return false;
    }
    f.len = round_up_fd_length(static_cast<std::uint8_t>(n));
  } else if (p < end && (*p == 'R' || *p == 'r')) {
    if (f.error) {
      error = "an error frame cannot be an RTR frame";
      return false;
    }
    f.rtr = true;
    ++p;
    if (p < end && !is_blank(*p)) {
      if (*p < '0' || *p > '8') {
        error = "expected an RTR length digit 0..8 after 'R'";
        return false;
      }
      f.len = static_cast<std::uint8_t>(*p - '0');
      ++p;
      if (end - p >= 2 && *p == '_') {
        p += 2;  // len8_dlc, ignored
      }
    }
  } else {
    const int n = parse_data(p, end, f.data.data(), CAN_MAX_DLEN, error);
    if (n < 0) {
      return false;
    }
    f.len = static_cast<std::uint8_t>(n);
    if (p < end && *p == '_') {
      if (end - p < 2 || hex_value(p[1]) < 9 || (end - p > 2 && !is_blank(p[2]))) {
        error = "expected a DLC 9..F after '_'";
        return false;
      }
      p += 2;  // len8_dlc, ignored
    }
  }
  // An optional direction token (candump -x), then nothing.
  skip_blanks(p, end);
  if (p < end && (*p == 'R' || *p == 'T') && (end - p == 1 || is_blank(p[1]))) {
    ++p;
    skip_blanks(p, end);
  }
  if (p != end) {
    error = "unexpected text after the frame";
    return false;
  }
  return true;
}

std::string format_candump_line(const CanFrame& f, std::string_view interface) {
  char head[64];
  const long long sec = f.timestamp_ns / 1'000'000'000;
  const long long usec = (f.timestamp_ns % 1'000'000'000) / 1000;
  std::snprintf(head, sizeof head, "(%010lld.%06lld) ", sec, usec);
  std::string s = head;
  s.append(interface);
  char id[16];
  if (f.error) {
    std::snprintf(id, sizeof id, " %08X", static_cast<unsigned>(f.id | CAN_ERR_FLAG));
  } else if (f.extended) {
    std::snprintf(id, sizeof id, " %08X", static_cast<unsigned>(f.id));
  } else {
    std::snprintf(id, sizeof id, " %03X", static_cast<unsigned>(f.id));
  }
  s += id;
  static constexpr char digits[] = "0123456789ABCDEF";
  if (f.fd) {
    s += "##";
    s += digits[(f.brs ? CANFD_BRS : 0) | (f.esi ? CANFD_ESI : 0)];
  } else if (f.rtr) {
    s += "#R";
    if (f.len != 0) {
      s += static_cast<char>('0' + f.len);
    }
    return s;
  } else {
    s += '#';
  }
  for (std::size_t i = 0; i < f.len; ++i) {
    s += digits[f.data[i] >> 4];
    s += digits[f.data[i] & 0xF];
  }
  return s;
}

}  // namespace canhose::can
