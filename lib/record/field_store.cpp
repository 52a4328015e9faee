#include "record/field_store.hpp"

namespace canhose::record {

FieldId FieldStore::id_of(std::string_view name) {
  if (auto it = ids_.find(name); it != ids_.end()) {
    return it->second;
  }
  const auto id = static_cast<FieldId>(entries_.size());
  entries_.push_back(Entry{std::string(name), std::nullopt, {}});
  ids_.emplace(std::string(name), id);
  return id;
}

std::optional<FieldId> FieldStore::find(std::string_view name) const {
  if (auto it = ids_.find(name); it != ids_.end()) {
    return it->second;
  }
  return std::nullopt;
}

void FieldStore::publish(FieldId id, FieldValue value, Clock::time_point observed) {
  Entry& e = entries_.at(id);
  e.value = std::move(value);
  e.observed = observed;
  ++publishes_;
}

void FieldStore::clear(FieldId id) {
  entries_.at(id).value.reset();
}

void FieldStore::clear(std::string_view name) {
  if (auto id = find(name)) {
    clear(*id);
  }
}

const FieldValue* FieldStore::get(FieldId id, Clock::time_point now,
                                  std::chrono::milliseconds max_age) const {
  const Entry& e = entries_.at(id);
  if (!e.value) {
    return nullptr;
  }
  if (max_age != kNeverExpires && now - e.observed > max_age) {
    return nullptr;
  }
  return &*e.value;
}

}  // namespace canhose::record
