#pragma once
// DbcDecoder: finds the DBC message for a CanFrame and extracts its signals' physical
// values (raw * factor + offset). Built once from a parsed database; decoding allocates
// nothing and is safe to call from the event loop for every frame.
//
// Matching:
//   - standard frames by their 11-bit id (a 2048-entry table), extended frames by their
//     29-bit id;
//   - with `j1939` on, an extended frame that matches no message exactly is matched by its
//     J1939 PGN (j1939_pgn()): a DBC message with an extended id then matches frames with
//     any priority and any source address (and, for PDU1 PGNs, any destination address).
//     When several DBC messages share a PGN, the first in the file wins.
// Signals:
//   - a signal whose bytes lie beyond the frame's length is skipped (never decoded from
//     padding);
//   - multiplexed signals (mNN) are decoded only when the multiplexer (M) value equals NN;
//     if the multiplexer itself is beyond the frame, none of them is;
//   - SIG_VALTYPE_ float/double signals are reinterpreted as IEEE 754 before factor/offset.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "can/can_frame.hpp"
#include "dbc/dbc_database.hpp"

namespace canhose::dbc {

struct DbcDecoderOptions {
  bool j1939 = false;  // match extended messages by PGN, ignoring priority and addresses
};

// The J1939 parameter group number of a 29-bit id: bits 8..25 (EDP, DP, PF, PS); for
// PDU1 (PF < 240) the PS byte is a destination address and is not part of the PGN.
std::uint32_t j1939_pgn(std::uint32_t id29);

// Where a signal sits in a frame and how to turn its bits into a value, computed once
// from its DBC definition so the per-frame work is a load, a shift, a mask and a multiply.
struct SignalLayout {
  std::uint8_t first_byte = 0;  // lowest byte index touched
  std::uint8_t last_byte = 0;   // highest byte index touched (frame.len must exceed it)
  std::uint8_t shift = 0;       // of the LSB within last_byte (Motorola) / first_byte (Intel)
  std::uint8_t length = 0;
  ByteOrder byte_order = ByteOrder::intel;
  // The signal lies within 8 bytes starting at first_byte <= 56: one unaligned 64-bit
  // load of CanFrame::data (always 64 bytes) holds it, shifted right by word_shift.
  bool one_word = false;
  std::uint8_t word_shift = 0;
  std::uint64_t mask = 0;

  static SignalLayout of(const DbcSignal& s);
  // The raw bits as an unsigned integer. `data` must point to 64 readable bytes
  // (CanFrame::data); the frame must be long enough (last_byte < len).
  std::uint64_t extract(const std::uint8_t* data) const {
    if (one_word) {
      std::uint64_t w = 0;
      std::memcpy(&w, data + first_byte, sizeof w);
      if (byte_order == ByteOrder::motorola) {
        w = __builtin_bswap64(w);
      }
      return (w >> word_shift) & mask;
    }
    return extract_slow(data);
  }
  std::uint64_t extract_slow(const std::uint8_t* data) const;
};

// Sign extension and value type, then factor and offset.
double physical_value(const DbcSignal& s, std::uint64_t raw);

class DbcDecoder {
 public:
  DbcDecoder(DbcDatabase database, DbcDecoderOptions options);
  // Plans point into the owned database: moving keeps them valid, copying would not.
  DbcDecoder(const DbcDecoder&) = delete;
  DbcDecoder& operator=(const DbcDecoder&) = delete;
  DbcDecoder(DbcDecoder&&) = default;
  DbcDecoder& operator=(DbcDecoder&&) = default;

  const DbcDatabase& database() const { return database_; }
  std::size_t signal_count() const { return signals_.size(); }

  // Every signal has a number 0..signal_count()-1, stable for this decoder.
  std::optional<std::uint32_t> find_signal(std::string_view message, std::string_view signal) const;
  const DbcSignal& signal(std::uint32_t number) const { return *signals_[number].definition; }
  const DbcMessage& message_of(std::uint32_t number) const {
    return database_.messages[signals_[number].message];
  }

  // The message a frame carries, or nullptr (error frames and RTR frames never match).
  const DbcMessage* match(const can::CanFrame& f) const {
    const int index = match_index(f);
    return index < 0 ? nullptr : &database_.messages[static_cast<std::size_t>(index)];
  }

  // Calls on_value(signal_number, physical_value) for each signal present in the frame;
  // returns how many. Inline: this is the per-frame hot path.
  template <class OnValue>
  std::size_t decode(const can::CanFrame& f, OnValue&& on_value) const {
    const int index = match_index(f);
    if (index < 0) {
      return 0;
    }
    const MessagePlan& m = messages_[static_cast<std::size_t>(index)];
    const std::uint8_t* data = f.data.data();
    std::uint64_t mux = 0;
    bool mux_valid = false;
    if (m.multiplexer >= 0) {
      const SignalPlan& sp = signals_[m.first_signal + static_cast<std::uint32_t>(m.multiplexer)];
      if (sp.layout.last_byte < f.len) {
        mux = sp.layout.extract(data);
        mux_valid = true;
      }
    }
    std::size_t n = 0;
    const std::uint32_t end = m.first_signal + m.signal_count;
    for (std::uint32_t i = m.first_signal; i < end; ++i) {
      const SignalPlan& sp = signals_[i];
      if (sp.layout.last_byte >= f.len) {
        continue;
      }
      if (sp.multiplexed && (!mux_valid || mux != sp.multiplex_value)) {
        continue;
      }
      const std::uint64_t raw = sp.layout.extract(data);
      double value;
      if (sp.value_type == ValueType::integer) {
        if (sp.is_signed) {
          const unsigned unused = 64u - sp.layout.length;
          value = static_cast<double>(static_cast<std::int64_t>(raw << unused) >> unused);
        } else {
          value = static_cast<double>(raw);
        }
        value = value * sp.factor + sp.offset;
      } else {
        value = physical_value(*sp.definition, raw);
      }
      on_value(i, value);
      ++n;
    }
    return n;
  }

 private:
  // Everything the hot loop needs, copied out of the DbcSignal (which holds strings and
  // maps) so a frame's signals are read from one compact array.
  struct SignalPlan {
    SignalLayout layout;
    bool is_signed = false;
    bool multiplexed = false;
    ValueType value_type = ValueType::integer;
    std::uint32_t multiplex_value = 0;
    double factor = 1.0;
    double offset = 0.0;
    const DbcSignal* definition = nullptr;  // points into database_ (never reallocated)
    std::uint32_t message = 0;
  };
  struct MessagePlan {
    std::uint32_t first_signal = 0;
    std::uint32_t signal_count = 0;
    int multiplexer = -1;  // index within the message's signals
  };

  int match_index(const can::CanFrame& f) const {
    if (f.error || f.rtr) {
      return -1;
    }
    if (!f.extended) {
      return standard_[f.id & 0x7FF];
    }
    return match_extended(f.id);
  }
  int match_extended(std::uint32_t id) const;

  DbcDatabase database_;
  DbcDecoderOptions options_;
  std::array<std::int16_t, 2048> standard_{};
  std::unordered_map<std::uint32_t, int> extended_;
  std::unordered_map<std::uint32_t, int> by_pgn_;
  std::vector<MessagePlan> messages_;
  std::vector<SignalPlan> signals_;
};

}  // namespace canhose::dbc
