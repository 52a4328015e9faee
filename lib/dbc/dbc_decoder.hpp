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
  // returns how many. Inline: this is the per-frame hot path. A plain integer signal
  // within 8 bytes (nearly all) costs one unaligned load, a byte swap for Motorola, two
  // shifts, a conversion and a multiply-add; the rest take the general path.
  template <class OnValue>
  std::size_t decode(const can::CanFrame& f, OnValue&& on_value) const {
    const int index = match_index(f);
    if (index < 0) {
      return 0;
    }
    const MessagePlan& m = messages_[static_cast<std::size_t>(index)];
    const std::uint8_t* data = f.data.data();
    const std::uint8_t len = f.len;
    std::uint64_t mux = 0;
    bool mux_valid = false;
    if (m.multiplexer >= 0) {
      const SignalPlan& sp = signals_[m.first_signal + static_cast<std::uint32_t>(m.multiplexer)];
      if (sp.layout.last_byte < len) {
        mux = sp.layout.extract(data);
        mux_valid = true;
      }
    }
    // Frames as long as the message's signals need (nearly all) skip the per-signal check.
    if (len >= m.full_length) {
      return decode_signals<false>(m, data, len, mux, mux_valid, on_value);
    }
    return decode_signals<true>(m, data, len, mux, mux_valid, on_value);
  }

 private:
  enum : std::uint8_t {
    kMotorola = 1,     // big-endian: byte-swap the loaded word
    kSigned = 2,       // two's complement: arithmetic right shift
    kMultiplexed = 4,  // decoded only when the multiplexer value matches
    kGeneral = 8,      // not a one-word integer of < 64 bits: SignalLayout::extract and
                       // physical_value() (floats, 64-bit, signals spread over 9 bytes)
  };
  // Everything the hot loop needs, copied out of the DbcSignal (which holds strings and
  // maps) so a frame's signals are read from one compact array.
  struct SignalPlan {
    SignalLayout layout;
    std::uint8_t kind = 0;
    // Fast path: the 8 bytes from layout.first_byte (byte-swapped for Motorola) shifted
    // left by `left` put the signal's MSB at bit 63; shifting right by `right`
    // (64 - length) leaves the raw value, sign-extended when signed.
    std::uint8_t left = 0;
    std::uint8_t right = 0;
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
    // Frames at least this long hold every signal (1 + the highest last_byte; 0 if none).
    std::uint32_t full_length = 0;
  };

  template <bool kCheckLength, class OnValue>
  std::size_t decode_signals(const MessagePlan& m, const std::uint8_t* data, std::uint8_t len,
                             std::uint64_t mux, bool mux_valid, OnValue& on_value) const {
    std::size_t n = 0;
    const SignalPlan* sp = signals_.data() + m.first_signal;
    const SignalPlan* const end = sp + m.signal_count;
    for (std::uint32_t number = m.first_signal; sp != end; ++sp, ++number) {
      if constexpr (kCheckLength) {
        if (sp->layout.last_byte >= len) {
          continue;
        }
      }
      double value;
      if ((sp->kind & (kMultiplexed | kGeneral)) != 0) [[unlikely]] {
        if ((sp->kind & kMultiplexed) != 0 && (!mux_valid || mux != sp->multiplex_value)) {
          continue;
        }
        if ((sp->kind & kGeneral) != 0) {
          value = physical_value(*sp->definition, sp->layout.extract(data));
        } else {
          value = fast_raw(*sp, data) * sp->factor + sp->offset;
        }
      } else {
        value = fast_raw(*sp, data) * sp->factor + sp->offset;
      }
      on_value(number, value);
      ++n;
    }
    return n;
  }

  // The raw integer of a non-general signal, as a double (exact: it has < 64 bits).
  static double fast_raw(const SignalPlan& sp, const std::uint8_t* data) {
    std::uint64_t w = 0;
    std::memcpy(&w, data + sp.layout.first_byte, sizeof w);
    if ((sp.kind & kMotorola) != 0) {
      w = __builtin_bswap64(w);
    }
    w <<= sp.left;
    if ((sp.kind & kSigned) != 0) {
      return static_cast<double>(static_cast<std::int64_t>(w) >> sp.right);
    }
    return static_cast<double>(static_cast<std::int64_t>(w >> sp.right));
  }

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
