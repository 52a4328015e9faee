#pragma once
// Where readers report damage they skipped (LevelDB's log::Reader::Reporter habit): the
// segment, where the damage starts, how many bytes were skipped, how many records were lost
// with them (0 when it cannot be known, as for a torn tail) and why.

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace canhose::queue {

class CorruptionReporter {
 public:
  virtual ~CorruptionReporter() = default;
  virtual void corruption(const std::filesystem::path& segment, std::uint64_t offset,
                          std::uint64_t bytes, std::uint64_t records, std::string_view reason) = 0;
};

}  // namespace canhose::queue
