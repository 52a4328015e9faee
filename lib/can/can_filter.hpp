#pragma once
// CAN id filters from the config, with the kernel's CAN_RAW_FILTER semantics.
//
// Syntax (one string per filter; hex with or without 0x, or decimal):
//   "ID"            exact id: mask 0x7FF for ids <= 0x7FF (standard frames), else
//                   0x1FFFFFFF (extended frames)
//   "ID/MASK"       frames whose (id & MASK) == (ID & MASK)
//   suffix ":s"     standard (11-bit) frames only
//   suffix ":x"     extended (29-bit) frames only
//   suffix ":any"   both standard and extended frames
//   without suffix  standard frames only when ID <= 0x7FF, extended frames only otherwise
//   prefix "~"      inverted: frames that do NOT match (CAN_INV_FILTER)
// Examples: "0x7E8/0x7F8" (OBD-II answers 0x7E8..0x7EF), "0x18FEF100/0x1FFFFFFF:x",
// "0x18FEF100/0x03FFFF00:x" (J1939 PGN 0xFEF1 from any source, any priority),
// "~0x000/0x700" (everything except 0x000..0x0FF).
//
// A frame passes a filter list when the list is empty or at least one filter matches
// (the kernel ORs the filters). RTR frames match like data frames. Error frames are not
// filtered here: the kernel delivers them by CAN_RAW_ERR_FILTER, and the reader always
// counts them.

#include <linux/can.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "can/can_frame.hpp"

namespace canhose::can {

enum class FrameFormat : std::uint8_t { standard, extended, any };

struct CanIdFilter {
  std::uint32_t id = 0;
  std::uint32_t mask = 0;
  FrameFormat format = FrameFormat::standard;
  bool inverted = false;

  bool matches(const CanFrame& f) const;
  // The kernel form for CAN_RAW_FILTER.
  can_filter to_kernel() const;
};

struct CanIdFilterParse {
  std::optional<CanIdFilter> filter;
  std::string error;  // what was expected, when filter is empty
};

CanIdFilterParse parse_can_id_filter(std::string_view text);

// The user-space matcher (for descriptors that are not CAN_RAW sockets, and replay).
class CanIdFilterSet {
 public:
  CanIdFilterSet() = default;
  explicit CanIdFilterSet(std::vector<CanIdFilter> filters) : filters_(std::move(filters)) {}

  bool empty() const { return filters_.empty(); }
  bool passes(const CanFrame& f) const;
  std::span<const CanIdFilter> filters() const { return filters_; }
  std::vector<can_filter> to_kernel() const;

 private:
  std::vector<CanIdFilter> filters_;
};

}  // namespace canhose::can
