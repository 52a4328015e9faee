#pragma once
// The contents of a DBC file that decoding needs: messages, their signals, value tables.
// Built by parse_dbc() (dbc_parser.hpp); read-only afterwards.
//
// DBC conventions kept here:
//   - A message id with bit 31 set (id | 0x80000000) is an extended (29-bit) id; `id` is
//     stored without that bit and `extended` says which.
//   - `start_bit` is as written in the file: for Intel (@1) the least significant bit,
//     counted 0..63 from byte 0 bit 0; for Motorola (@0) the most significant bit in the
//     "sawtooth" numbering (bit 7 of byte 0 is 7, bit 0 of byte 1 is 8, ...).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace canhose::dbc {

enum class ByteOrder : std::uint8_t { intel, motorola };
enum class ValueType : std::uint8_t { integer, float32, float64 };  // SIG_VALTYPE_
enum class MultiplexRole : std::uint8_t { none, multiplexer, multiplexed };

struct DbcSignal {
  std::string name;
  std::uint16_t start_bit = 0;
  std::uint8_t length = 0;  // 1..64
  ByteOrder byte_order = ByteOrder::intel;
  bool is_signed = false;
  ValueType value_type = ValueType::integer;
  double factor = 1.0;
  double offset = 0.0;
  double minimum = 0.0;
  double maximum = 0.0;
  std::string unit;
  std::vector<std::string> receivers;
  MultiplexRole multiplex = MultiplexRole::none;
  std::uint32_t multiplex_value = 0;                // for multiplexed signals: the selecting value
  std::map<std::int64_t, std::string> value_names;  // VAL_
  std::size_t line = 0;                             // where it was defined, for messages
};

struct DbcMessage {
  std::uint32_t id = 0;  // without the extended flag bit
  bool extended = false;
  std::string name;
  std::uint8_t length = 0;  // bytes, as declared (0..64)
  std::string transmitter;
  std::vector<DbcSignal> signals;
  std::size_t line = 0;
};

struct DbcDatabase {
  std::vector<DbcMessage> messages;

  const DbcMessage* find_message(std::string_view name) const;
  // Exact id match (no J1939 logic; see DbcDecoder for that).
  const DbcMessage* find_message(std::uint32_t id, bool extended) const;
};

}  // namespace canhose::dbc
