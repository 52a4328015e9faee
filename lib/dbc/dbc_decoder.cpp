#include "dbc/dbc_decoder.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace canhose::dbc {

std::uint32_t j1939_pgn(std::uint32_t id29) {
  const std::uint32_t pf = (id29 >> 16) & 0xFF;
  const std::uint32_t pgn = (id29 >> 8) & 0x3FFFF;
  return pf < 240 ? (pgn & 0x3FF00) : pgn;
}

SignalLayout SignalLayout::of(const DbcSignal& s) {
  SignalLayout l;
  l.length = s.length;
  l.byte_order = s.byte_order;
  l.mask = s.length >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << s.length) - 1;
  if (s.byte_order == ByteOrder::intel) {
    const unsigned last_bit = s.start_bit + s.length - 1u;
    l.first_byte = static_cast<std::uint8_t>(s.start_bit / 8);
    l.last_byte = static_cast<std::uint8_t>(last_bit / 8);
    l.shift = static_cast<std::uint8_t>(s.start_bit % 8);
    // Little-endian word of bytes first..first+7: the LSB is at bit `shift`.
    l.word_shift = l.shift;
  } else {
    // Motorola: the start bit is the MSB in sawtooth numbering. In "linear" big-endian
    // numbering (bit 0 = MSB of byte 0), the MSB is at msb and the LSB at msb + length - 1.
    const unsigned msb = (s.start_bit / 8u) * 8u + (7u - s.start_bit % 8u);
    const unsigned lsb = msb + s.length - 1u;
    l.first_byte = static_cast<std::uint8_t>(msb / 8);
    l.last_byte = static_cast<std::uint8_t>(lsb / 8);
    l.shift = static_cast<std::uint8_t>(7u - lsb % 8u);
    // Big-endian word of bytes first..first+7: byte `last` holds bits
    // (first + 7 - last) * 8 .. +7, and the LSB is `shift` above that.
    l.word_shift = static_cast<std::uint8_t>((l.first_byte + 7u - l.last_byte) * 8u + l.shift);
  }
  l.one_word = l.first_byte <= 56 && l.last_byte - l.first_byte < 8;
  return l;
}

std::uint64_t SignalLayout::extract_slow(const std::uint8_t* data) const {
  const unsigned bytes = last_byte - first_byte + 1u;
  const std::uint8_t* p = data + first_byte;
  std::uint64_t v = 0;
  if (byte_order == ByteOrder::intel) {
    const unsigned n = bytes > 8 ? 8 : bytes;
    for (unsigned i = 0; i < n; ++i) {
      v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
    }
    v >>= shift;
    if (bytes > 8) {  // 9 bytes: shift > 0 here
      v |= static_cast<std::uint64_t>(p[8]) << (64 - shift);
    }
  } else {
    const unsigned n = bytes > 8 ? 8 : bytes;
    for (unsigned i = 0; i < n; ++i) {
      v = (v << 8) | p[i];
    }
    if (bytes > 8) {
      v = (v << (8 - shift)) | (static_cast<std::uint64_t>(p[8]) >> shift);
    } else {
      v >>= shift;
    }
  }
  return v & mask;
}

double physical_value(const DbcSignal& s, std::uint64_t raw) {
  double value = 0;
  switch (s.value_type) {
    case ValueType::float32: {
      const auto bits = static_cast<std::uint32_t>(raw);
      float f = 0;
      std::memcpy(&f, &bits, sizeof f);
      value = static_cast<double>(f);
      break;
    }
    case ValueType::float64:
      std::memcpy(&value, &raw, sizeof value);
      break;
    case ValueType::integer:
      if (s.is_signed) {
        if (s.length < 64 && (raw >> (s.length - 1)) != 0) {
          raw |= ~((std::uint64_t{1} << s.length) - 1);  // sign extension
        }
        value = static_cast<double>(static_cast<std::int64_t>(raw));
      } else {
        value = static_cast<double>(raw);
      }
      break;
  }
  return value * s.factor + s.offset;
}

DbcDecoder::DbcDecoder(DbcDatabase database, DbcDecoderOptions options)
    : database_(std::move(database)), options_(options) {
  standard_.fill(-1);
  if (database_.messages.size() >
      static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max())) {
    throw std::invalid_argument("DBC has more than 32767 messages");
  }
  for (std::size_t mi = 0; mi < database_.messages.size(); ++mi) {
    const DbcMessage& m = database_.messages[mi];
    const int index = static_cast<int>(mi);
    MessagePlan plan;
    plan.first_signal = static_cast<std::uint32_t>(signals_.size());
    plan.signal_count = static_cast<std::uint32_t>(m.signals.size());
    for (std::size_t si = 0; si < m.signals.size(); ++si) {
      const DbcSignal& s = m.signals[si];
      SignalPlan sp;
      sp.layout = SignalLayout::of(s);
      const bool general =
          !sp.layout.one_word || s.value_type != ValueType::integer || s.length >= 64;
      sp.kind = static_cast<std::uint8_t>(
          (s.byte_order == ByteOrder::motorola ? kMotorola : 0) | (s.is_signed ? kSigned : 0) |
          (s.multiplex == MultiplexRole::multiplexed ? kMultiplexed : 0) |
          (general ? kGeneral : 0));
      if (!general) {
        sp.left = static_cast<std::uint8_t>(64u - sp.layout.word_shift - s.length);
        sp.right = static_cast<std::uint8_t>(64u - s.length);
      }
      sp.multiplex_value = s.multiplex_value;
      sp.factor = s.factor;
      sp.offset = s.offset;
      sp.definition = &s;
      sp.message = static_cast<std::uint32_t>(mi);
      signals_.push_back(sp);
      plan.full_length = std::max<std::uint32_t>(plan.full_length, sp.layout.last_byte + 1u);
      if (s.multiplex == MultiplexRole::multiplexer) {
        plan.multiplexer = static_cast<int>(si);
      }
    }
    messages_.push_back(plan);
    // First definition wins for duplicate ids; invalid ids never match.
    if (!m.extended) {
      if (m.id <= 0x7FF && standard_[m.id] < 0) {
        standard_[m.id] = static_cast<std::int16_t>(index);
      }
    } else if (m.id <= 0x1FFFFFFF) {
      extended_.emplace(m.id, index);
      if (options_.j1939) {
        by_pgn_.emplace(j1939_pgn(m.id), index);
      }
    }
  }
}

int DbcDecoder::match_extended(std::uint32_t id) const {
  if (const auto it = extended_.find(id); it != extended_.end()) {
    return it->second;
  }
  if (options_.j1939) {
    if (const auto it = by_pgn_.find(j1939_pgn(id)); it != by_pgn_.end()) {
      return it->second;
    }
  }
  return -1;
}

std::optional<std::uint32_t> DbcDecoder::find_signal(std::string_view message,
                                                     std::string_view signal) const {
  for (std::uint32_t i = 0; i < signals_.size(); ++i) {
    if (signals_[i].definition->name == signal &&
        database_.messages[signals_[i].message].name == message) {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace canhose::dbc
