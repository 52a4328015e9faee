#pragma once
// The latest value of every field the sources publish ("speed", "rpm", "lat", DBC signal
// names, ...), with the monotonic time it was observed. The record builder reads it once
// per period; a value older than its field's max age counts as missing.
//
// Publishing by name costs a hash lookup; a hot source (CAN decoding at thousands of
// frames per second) resolves its names once with id_of() and publishes by FieldId.
// Memory: one entry per distinct field name ever published (names come from config and
// DBC files, so the set is bounded). Event-loop thread only.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "record/field_value.hpp"

namespace canhose::record {

using FieldId = std::uint32_t;

class FieldStore {
  struct Entry;  // below

 public:
  using Clock = std::chrono::steady_clock;
  // A max age of zero: the value never expires (VIN, device id).
  static constexpr std::chrono::milliseconds kNeverExpires{0};

  FieldId id_of(std::string_view name);
  std::optional<FieldId> find(std::string_view name) const;
  const std::string& name_of(FieldId id) const { return entries_.at(id).name; }

  void publish(FieldId id, FieldValue value, Clock::time_point observed = Clock::now());
  void publish(std::string_view name, FieldValue value, Clock::time_point observed = Clock::now()) {
    publish(id_of(name), std::move(value), observed);
  }
  // Publishes numbers observed at the same time (e.g. the signals of the CAN frames of one
  // batch): publish(id, v) is publish(id, FieldValue(v), observed) without building a
  // FieldValue and with the store's table kept at hand. Ids must come from id_of() (not
  // range-checked). Use it within one call: it must not outlive a change of the field set
  // (id_of() of a new name) nor the store. The caller reports how many values it
  // published with count(); they are added to publish_count() when the batch ends.
  class NumberBatch {
   public:
    NumberBatch(const NumberBatch&) = delete;
    NumberBatch& operator=(const NumberBatch&) = delete;
    ~NumberBatch() { store_.publishes_ += count_; }

    void publish(FieldId id, double value) {
      Entry& e = entries_[id];
      if (e.value && std::holds_alternative<double>(*e.value)) {
        *std::get_if<double>(&*e.value) = value;
      } else {
        e.value.emplace(value);
      }
      e.observed = observed_;
    }
    // Adds to the store's publish count (callers count their publish() calls in bulk).
    void count(std::uint64_t n) { count_ += n; }

   private:
    friend class FieldStore;
    NumberBatch(FieldStore& store, Clock::time_point observed)
        : store_(store), entries_(store.entries_.data()), observed_(observed) {}

    FieldStore& store_;
    Entry* entries_;
    Clock::time_point observed_;
    std::uint64_t count_ = 0;
  };
  NumberBatch number_batch(Clock::time_point observed) { return NumberBatch(*this, observed); }

  // Marks a field missing now (e.g. the GPS lost its fix).
  void clear(FieldId id);
  void clear(std::string_view name);

  // The value if it was published and is not older than `max_age` at `now`.
  const FieldValue* get(FieldId id, Clock::time_point now, std::chrono::milliseconds max_age) const;
  std::size_t size() const { return entries_.size(); }
  std::uint64_t publish_count() const { return publishes_; }

 private:
  struct Entry {
    std::string name;
    std::optional<FieldValue> value;
    Clock::time_point observed{};
  };
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<Entry> entries_;
  std::unordered_map<std::string, FieldId, NameHash, std::equal_to<>> ids_;
  std::uint64_t publishes_ = 0;
};

}  // namespace canhose::record
