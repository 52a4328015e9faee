#include "can/candump_line.hpp"

#include <cstdio>

namespace canhose::can {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

bool parse_timestamp(std::string_view t, std::int64_t& ns, std::string& error) {
  // "(seconds.fraction)"
  if (t.size() < 3 || t.front() != '(' || t.back() != ')') {
    error = "expected a timestamp \"(seconds.fraction)\" at the start of the line";
    return false;
  }
  t = t.substr(1, t.size() - 2);
  std::int64_t seconds = 0;
  std::size_t i = 0;
  for (; i < t.size() && t[i] != '.'; ++i) {
    if (t[i] < '0' || t[i] > '9' || i >= 12) {
      error = "timestamp seconds must be 1..12 decimal digits";
      return false;
    }
    seconds = seconds * 10 + (t[i] - '0');
  }
  if (i == 0) {
    error = "timestamp has no seconds";
    return false;
  }
  std::int64_t fraction = 0;
  int digits = 0;
  if (i < t.size()) {
    for (++i; i < t.size(); ++i, ++digits) {
      if (t[i] < '0' || t[i] > '9' || digits >= 9) {
        error = "timestamp fraction must be 1..9 decimal digits";
        return false;
      }
      fraction = fraction * 10 + (t[i] - '0');
    }
    if (digits == 0) {
      error = "timestamp has a '.' but no fraction digits";
      return false;
    }
  }
  for (; digits < 9; ++digits) {
    fraction *= 10;
  }
  ns = seconds * 1'000'000'000 + fraction;
  return true;
}

// Reads hex byte pairs (optionally '.'-separated) into data; returns the count or -1.
int parse_data(std::string_view t, std::uint8_t* data, int max, std::string& error) {
  int n = 0;
  std::size_t i = 0;
  while (i < t.size()) {
    if (t[i] == '.') {
      ++i;
      continue;
    }
    if (i + 1 >= t.size()) {
      error = "odd number of hex digits in the data";
      return -1;
    }
    const int hi = hex_value(t[i]);
    const int lo = hex_value(t[i + 1]);
    if (hi < 0 || lo < 0) {
      error = "expected hex digits in the data, found \"" + std::string(t.substr(i, 2)) + "\"";
      return -1;
    }
    if (n >= max) {
      error = "more than " + std::to_string(max) + " data bytes";
      return -1;
    }
    data[n++] = static_cast<std::uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return n;
}

std::string_view next_token(std::string_view& rest) {
  std::size_t b = 0;
  while (b < rest.size() && (rest[b] == ' ' || rest[b] == '\t')) {
    ++b;
  }
  std::size_t e = b;
  while (e < rest.size() && rest[e] != ' ' && rest[e] != '\t') {
    ++e;
  }
  const std::string_view token = rest.substr(b, e - b);
  rest.remove_prefix(e);
  return token;
}

}  // namespace

bool parse_candump_line(std::string_view line, CandumpLine& out, std::string& error) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  std::string_view rest = line;
  const std::string_view ts = next_token(rest);
  const std::string_view iface = next_token(rest);
  const std::string_view body = next_token(rest);
  const std::string_view direction = next_token(rest);
  if (ts.empty()) {
    error = "empty line";
    return false;
  }
  CanFrame f;
  f.timestamp_source = TimestampSource::log;
  if (!parse_timestamp(ts, f.timestamp_ns, error)) {
    return false;
  }
  if (iface.empty() || body.empty()) {
    error = "expected \"(timestamp) interface id#data\"";
    return false;
  }
  if (!(direction.empty() || direction == "R" || direction == "T") || !next_token(rest).empty()) {
    error = "unexpected text after the frame";
    return false;
  }
  const std::size_t hash = body.find('#');
  if (hash == std::string_view::npos) {
    error = "expected '#' between id and data in \"" + std::string(body) + "\"";
    return false;
  }
  const std::string_view id_text = body.substr(0, hash);
  std::string_view data_text = body.substr(hash + 1);
  if (id_text.size() != 3 && id_text.size() != 8) {
    error = "expected a 3-digit (standard) or 8-digit (extended) hex id, found \"" +
            std::string(id_text) + "\"";
    return false;
  }
  std::uint32_t id = 0;
  for (char c : id_text) {
    const int v = hex_value(c);
    if (v < 0) {
      error = "id \"" + std::string(id_text) + "\" is not hexadecimal";
      return false;
    }
    id = id * 16 + static_cast<std::uint32_t>(v);
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

  if (!data_text.empty() && data_text.front() == '#') {
    // CAN FD: flags nibble, then data. "###" would be CAN XL.
    data_text.remove_prefix(1);
    if (!data_text.empty() && data_text.front() == '#') {
      error = "CAN XL frames (\"###\") are not supported";
      return false;
    }
    const int flags = data_text.empty() ? -1 : hex_value(data_text.front());
    if (flags < 0) {
      error = "expected a flags hex digit after \"##\"";
      return false;
    }
    data_text.remove_prefix(1);
    f.fd = true;
    f.brs = (flags & CANFD_BRS) != 0;
    f.esi = (flags & CANFD_ESI) != 0;
    const int n = parse_data(data_text, f.data.data(), CANFD_MAX_DLEN, error);
    if (n < 0) {
      return false;
    }
    f.len = round_up_fd_length(static_cast<std::uint8_t>(n));
  } else if (!data_text.empty() && (data_text.front() == 'R' || data_text.front() == 'r')) {
    f.rtr = true;
    data_text.remove_prefix(1);
    if (!data_text.empty()) {
      const char c = data_text.front();
      if (c < '0' || c > '8') {
        error = "expected an RTR length digit 0..8 after 'R'";
        return false;
      }
      f.len = static_cast<std::uint8_t>(c - '0');
      data_text.remove_prefix(1);
      if (!data_text.empty() && data_text.front() == '_') {
        data_text = {};  // len8_dlc, ignored
      }
      if (!data_text.empty()) {
        error = "unexpected text after the RTR length";
        return false;
      }
    }
    if (f.error) {
      error = "an error frame cannot be an RTR frame";
      return false;
    }
  } else {
    if (const auto underscore = data_text.find('_'); underscore != std::string_view::npos) {
      const std::string_view dlc = data_text.substr(underscore + 1);
      if (dlc.size() != 1 || hex_value(dlc[0]) < 9) {
        error = "expected a DLC 9..F after '_'";
        return false;
      }
      data_text = data_text.substr(0, underscore);
    }
    const int n = parse_data(data_text, f.data.data(), CAN_MAX_DLEN, error);
    if (n < 0) {
      return false;
    }
    f.len = static_cast<std::uint8_t>(n);
  }
  out.frame = f;
  out.interface = iface;
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
