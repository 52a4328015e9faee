#include "can/can_filter.hpp"

#include <charconv>

namespace canhose::can {

namespace {

std::optional<std::uint32_t> parse_number(std::string_view t) {
  int base = 10;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    t.remove_prefix(2);
    base = 16;
  }
  std::uint32_t v = 0;
  const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size()) {
    return std::nullopt;
  }
  return v;
}

std::string_view trim(std::string_view t) {
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) {
    t.remove_prefix(1);
  }
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) {
    t.remove_suffix(1);
  }
  return t;
}

}  // namespace

bool CanIdFilter::matches(const CanFrame& f) const {
  bool hit = (f.id & mask) == (id & mask);
  if (format == FrameFormat::standard && f.extended) {
    hit = false;
  } else if (format == FrameFormat::extended && !f.extended) {
    hit = false;
  }
  return hit != inverted;
}

can_filter CanIdFilter::to_kernel() const {
  can_filter k{};
  k.can_id = id;
  k.can_mask = mask;
  if (format != FrameFormat::any) {
    k.can_mask |= CAN_EFF_FLAG;
    if (format == FrameFormat::extended) {
      k.can_id |= CAN_EFF_FLAG;
    }
  }
  if (inverted) {
    k.can_id |= CAN_INV_FILTER;
  }
  return k;
}

CanIdFilterParse parse_can_id_filter(std::string_view text) {
  const std::string original(text);
  const auto fail = [&](const std::string& why) {
    return CanIdFilterParse{std::nullopt, "CAN filter \"" + original + "\": " + why +
                                              " (expected ID, ID/MASK, with optional "
                                              "suffix :s, :x or :any and optional prefix ~)"};
  };
  text = trim(text);
  CanIdFilter f;
  if (!text.empty() && text.front() == '~') {
    f.inverted = true;
    text.remove_prefix(1);
  }
  std::optional<FrameFormat> format;
  if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    const std::string_view suffix = text.substr(colon + 1);
    if (suffix == "s") {
      format = FrameFormat::standard;
    } else if (suffix == "x") {
      format = FrameFormat::extended;
    } else if (suffix == "any") {
      format = FrameFormat::any;
    } else {
      return fail("unknown suffix \":" + std::string(suffix) + "\"");
    }
    text = text.substr(0, colon);
  }
  std::string_view id_text = text;
  std::string_view mask_text;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    id_text = text.substr(0, slash);
    mask_text = text.substr(slash + 1);
    if (mask_text.empty()) {
      return fail("missing mask after '/'");
    }
  }
  const auto id = parse_number(id_text);
  if (!id) {
    return fail("\"" + std::string(id_text) + "\" is not a number");
  }
  if (*id > CAN_EFF_MASK) {
    return fail("id is wider than 29 bits");
  }
  f.id = *id;
  f.format = format.value_or(*id > CAN_SFF_MASK ? FrameFormat::extended : FrameFormat::standard);
  if (f.format == FrameFormat::standard && *id > CAN_SFF_MASK) {
    return fail("id is wider than 11 bits but the filter is for standard frames");
  }
  if (mask_text.empty()) {
    f.mask = f.format == FrameFormat::standard ? CAN_SFF_MASK : CAN_EFF_MASK;
  } else {
    const auto mask = parse_number(mask_text);
    if (!mask) {
      return fail("mask \"" + std::string(mask_text) + "\" is not a number");
    }
    if (*mask > CAN_EFF_MASK) {
      return fail("mask is wider than 29 bits");
    }
    f.mask = *mask;
  }
  return CanIdFilterParse{f, {}};
}

bool CanIdFilterSet::passes(const CanFrame& f) const {
  if (filters_.empty() || f.error) {
    return true;
  }
  for (const CanIdFilter& filter : filters_) {
    if (filter.matches(f)) {
      return true;
    }
  }
  return false;
}

std::vector<can_filter> CanIdFilterSet::to_kernel() const {
  std::vector<can_filter> out;
  out.reserve(filters_.size());
  for (const CanIdFilter& f : filters_) {
    out.push_back(f.to_kernel());
  }
  return out;
}

}  // namespace canhose::can
