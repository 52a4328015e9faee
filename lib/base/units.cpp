#include "base/units.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>

namespace canhose::base {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Reads the leading unsigned integer of `text`; returns the digits consumed (0 if none).
std::size_t read_number(std::string_view text, std::uint64_t& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{}) {
    return 0;
  }
  return static_cast<std::size_t>(end - text.data());
}

bool checked_mul_add(std::uint64_t& acc, std::uint64_t n, std::uint64_t unit) {
  if (unit != 0 && n > std::numeric_limits<std::uint64_t>::max() / unit) {
    return false;
  }
  const std::uint64_t add = n * unit;
  if (acc > std::numeric_limits<std::uint64_t>::max() - add) {
    return false;
  }
  acc += add;
  return true;
}

struct Unit {
  std::string_view name;
  std::uint64_t factor;
};

constexpr std::array<Unit, 6> kDurationUnits{{
    {"ms", 1},
    {"s", 1000},
    {"m", 60'000},
    {"min", 60'000},
    {"h", 3'600'000},
    {"d", 86'400'000},
}};

constexpr std::array<Unit, 9> kSizeUnits{{
    {"b", 1},
    {"kb", 1000},
    {"mb", 1000'000},
    {"gb", 1000'000'000},
    {"tb", 1000'000'000'000},
    {"kib", 1ULL << 10},
    {"mib", 1ULL << 20},
    {"gib", 1ULL << 30},
    {"tib", 1ULL << 40},
}};

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  const std::string s = lower(text);
  if (s == "0") {
    return Duration{0};
  }
  std::string_view rest = s;
  std::uint64_t total_ms = 0;
  bool any = false;
  while (!rest.empty()) {
    std::uint64_t n = 0;
    const std::size_t digits = read_number(rest, n);
    if (digits == 0) {
      return std::nullopt;
    }
    rest.remove_prefix(digits);
    std::size_t unit_len = 0;
    while (unit_len < rest.size() && std::isalpha(static_cast<unsigned char>(rest[unit_len]))) {
      ++unit_len;
    }
    const std::string_view unit_name = rest.substr(0, unit_len);
    const auto unit = std::find_if(kDurationUnits.begin(), kDurationUnits.end(),
                                   [&](const Unit& u) { return u.name == unit_name; });
    if (unit == kDurationUnits.end() || !checked_mul_add(total_ms, n, unit->factor)) {
      return std::nullopt;
    }
    rest.remove_prefix(unit_len);
    any = true;
  }
  if (!any || total_ms > static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max())) {
    return std::nullopt;
  }
  return Duration{static_cast<Duration::rep>(total_ms)};
}

std::optional<ByteSize> parse_byte_size(std::string_view text) {
  const std::string s = lower(text);
  std::uint64_t n = 0;
  const std::size_t digits = read_number(s, n);
  if (digits == 0) {
    return std::nullopt;
  }
  const std::string_view unit_name = std::string_view(s).substr(digits);
  if (unit_name.empty()) {
    return ByteSize{n};
  }
  const auto unit = std::find_if(kSizeUnits.begin(), kSizeUnits.end(),
                                 [&](const Unit& u) { return u.name == unit_name; });
  std::uint64_t total = 0;
  if (unit == kSizeUnits.end() || !checked_mul_add(total, n, unit->factor)) {
    return std::nullopt;
  }
  return ByteSize{total};
}

std::string format_duration(Duration d) {
  auto ms = static_cast<std::uint64_t>(d.count());
  if (ms == 0) {
    return "0s";
  }
  if (ms % 1000 != 0) {
    return std::to_string(ms) + "ms";
  }
  std::string out;
  constexpr std::array<Unit, 4> parts{
      {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}}};
  for (const Unit& u : parts) {
    if (ms >= u.factor) {
      out += std::to_string(ms / u.factor);
      out += u.name;
      ms %= u.factor;
    }
  }
  return out;
}

std::string format_byte_size(ByteSize s) {
  constexpr std::array<Unit, 4> binary{
      {{"TiB", 1ULL << 40}, {"GiB", 1ULL << 30}, {"MiB", 1ULL << 20}, {"KiB", 1ULL << 10}}};
  if (s.bytes != 0) {
    for (const Unit& u : binary) {
      if (s.bytes % u.factor == 0) {
        return std::to_string(s.bytes / u.factor) + std::string(u.name);
      }
    }
  }
  return std::to_string(s.bytes) + "B";
}

}  // namespace canhose::base
