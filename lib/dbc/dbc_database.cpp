#include "dbc/dbc_database.hpp"

namespace canhose::dbc {

const DbcMessage* DbcDatabase::find_message(std::string_view name) const {
  for (const DbcMessage& m : messages) {
    if (m.name == name) {
      return &m;
    }
  }
  return nullptr;
}

const DbcMessage* DbcDatabase::find_message(std::uint32_t id, bool extended) const {
  for (const DbcMessage& m : messages) {
    if (m.id == id && m.extended == extended) {
      return &m;
    }
  }
  return nullptr;
}

}  // namespace canhose::dbc
