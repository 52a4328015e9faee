#include "dbc/dbc_parser.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "dbc/detail/dbc_tokenizer.hpp"

namespace canhose::dbc {

std::string DbcDiagnostic::to_string() const {
  if (file.empty()) {
    return "line " + std::to_string(line) + ": " + message;
  }
  return file + ":" + std::to_string(line) + ": " + message;
}

namespace {

using detail::describe;
using detail::Token;
using detail::Tokenizer;

// Thrown inside one statement's parse to abandon that statement (the parser then skips the
// rest of the statement's line and goes on); it never escapes parse_dbc.
struct StatementError {
  std::size_t line;
  std::string message;
};

class Parser {
 public:
  Parser(std::vector<Token> tokens, DbcParseResult& result)
      : tokens_(std::move(tokens)), result_(result) {}

  void run() {
    while (peek().kind != Token::end) {
      const Token keyword = next();
      const std::size_t statement_line = keyword.line;
      try {
        statement(keyword);
      } catch (const StatementError& e) {
        result_.errors.push_back({e.line, e.message});
        skip_line(statement_line);
      }
    }
    apply_pending();
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& next() {
    const Token& t = tokens_[pos_];
    if (t.kind != Token::end) {
      ++pos_;
    }
    return t;
  }
  [[noreturn]] void fail(const Token& at, const std::string& expected) {
    throw StatementError{at.line, context_ + "expected " + expected + ", found " + describe(at)};
  }
  void expect_punct(char c, const std::string& what) {
    const Token& t = next();
    if (t.kind != Token::punct || t.text[0] != c) {
      fail(t, "'" + std::string(1, c) + "' " + what);
    }
  }
  std::string_view expect_word(const std::string& what) {
    const Token& t = next();
    if (t.kind != Token::word) {
      fail(t, what);
    }
    return t.text;
  }
  template <class T>
  T expect_integer(const std::string& what) {
    const Token& t = next();
    T v{};
    if (t.kind != Token::word) {
      fail(t, what);
    }
    const auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (ec != std::errc{} || p != t.text.data() + t.text.size()) {
      fail(t, what);
    }
    return v;
  }
  double expect_number(const std::string& what) {
    const Token& t = next();
    double v = 0;
    if (t.kind != Token::word) {
      fail(t, what);
    }
    std::string_view s = t.text;
    if (!s.empty() && s.front() == '+') {
      s.remove_prefix(1);
    }
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) {
      fail(t, what);
    }
    return v;
  }
  // Skips the rest of the statement that began on `line` (tokens on that line).
  void skip_line(std::size_t line) {
    while (peek().kind != Token::end && peek().line == line) {
      next();
    }
  }
  // Skips to the ';' that ends the statement (strings may hold ';' and newlines).
  void skip_to_semicolon() {
    while (peek().kind != Token::end) {
      const Token& t = next();
      if (t.kind == Token::punct && t.text[0] == ';') {
        return;
      }
    }
  }

  void statement(const Token& keyword) {
    context_.clear();
    const std::string_view k = keyword.text;
    if (keyword.kind != Token::word) {
      throw StatementError{keyword.line,
                           "expected a keyword (BO_, SG_, ...), found " + describe(keyword)};
    }
    if (k == "BO_") {
      message(keyword);
    } else if (k == "SG_") {
      signal(keyword);
    } else if (k == "VAL_") {
      value_names(keyword);
    } else if (k == "SIG_VALTYPE_") {
      value_type(keyword);
    } else if (k == "NS_") {
      // The new-symbols list: names up to BS_.
      while (peek().kind != Token::end && peek().text != "BS_") {
        next();
      }
    } else if (k == "VERSION" || k == "BS_" || k == "BU_") {
      skip_line(keyword.line);
    } else if (k == "CM_" || k == "BA_DEF_" || k == "BA_" || k == "BA_DEF_DEF_" ||
               k == "BA_DEF_REL_" || k == "BA_REL_" || k == "BA_DEF_DEF_REL_" ||
               k == "VAL_TABLE_" || k == "SIG_GROUP_" || k == "EV_" || k == "ENVVAR_DATA_" ||
               k == "BO_TX_BU_" || k == "SIG_TYPE_REF_" || k == "SGTYPE_" || k == "SGTYPE_VAL_" ||
               k == "BA_DEF_SGTYPE_" || k == "BA_SGTYPE_" || k == "SIGTYPE_VALTYPE_" ||
               k == "BU_SG_REL_" || k == "BU_EV_REL_" || k == "BU_BO_REL_" || k == "CAT_DEF_" ||
               k == "CAT_" || k == "FILTER" || k == "EV_DATA_" || k == "NS_DESC_") {
      skip_to_semicolon();
    } else if (k == "SG_MUL_VAL_") {
      if (!warned_extended_mux_) {
        result_.warnings.push_back(
            {keyword.line, "SG_MUL_VAL_ (extended multiplexing) is not supported: ignored"});
        warned_extended_mux_ = true;
      }
      skip_to_semicolon();
    } else {
      result_.warnings.push_back(
          {keyword.line, "unknown keyword '" + std::string(k) + "': line ignored"});
      skip_line(keyword.line);
    }
  }

  void message(const Token& keyword) {
    in_message_ = false;  // a malformed BO_ must not collect the next signals
    context_ = "BO_: ";
    const auto raw_id = expect_integer<std::uint32_t>("a message id (decimal)");
    const std::string_view name = expect_word("a message name");
    context_ = "BO_ " + std::string(name) + ": ";
    expect_punct(':', "after the message name");
    const auto length = expect_integer<unsigned>("the message length in bytes");
    if (length > 64) {
      throw StatementError{keyword.line, context_ + "expected a length of 0..64 bytes, found " +
                                             std::to_string(length)};
    }
    std::string transmitter;
    if (peek().kind == Token::word && peek().line == keyword.line) {
      transmitter = std::string(next().text);
    }
    DbcMessage m;
    m.extended = (raw_id & 0x80000000u) != 0;
    m.id = raw_id & 0x7FFFFFFFu;
    m.name = std::string(name);
    m.length = static_cast<std::uint8_t>(length);
    m.transmitter = std::move(transmitter);
    m.line = keyword.line;
    if (m.extended ? m.id > 0x1FFFFFFFu : m.id > 0x7FFu) {
      // VECTOR__INDEPENDENT_SIG_MSG (0xC0000000) and similar pseudo-messages: kept, so
      // their signals parse, but no frame can carry them.
      result_.warnings.push_back({keyword.line, "BO_ " + m.name + ": id " + std::to_string(raw_id) +
                                                    " is not a valid " +
                                                    (m.extended ? "29" : "11") +
                                                    "-bit CAN id: the message never matches"});
    }
    result_.database.messages.push_back(std::move(m));
    in_message_ = true;
  }

  void signal(const Token& keyword) {
    context_ = "SG_: ";
    if (!in_message_ || result_.database.messages.empty()) {
      throw StatementError{keyword.line, "SG_ outside a message (expected BO_ before it)"};
    }
    DbcMessage& m = result_.database.messages.back();
    DbcSignal s;
    s.line = keyword.line;
    s.name = std::string(expect_word("a signal name"));
    context_ = "SG_ " + s.name + ": ";
    if (peek().kind == Token::word) {
      const std::string_view mux = next().text;
      if (mux == "M") {
        s.multiplex = MultiplexRole::multiplexer;
      } else if (mux.size() >= 2 && mux[0] == 'm') {
        std::string_view digits = mux.substr(1);
        if (digits.back() == 'M') {
          digits.remove_suffix(1);
          result_.warnings.push_back({keyword.line, context_ +
                                                        "extended multiplexing (m<n>M) is not "
                                                        "supported: decoded as multiplexed only"});
        }
        const auto [p, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), s.multiplex_value);
        if (ec != std::errc{} || p != digits.data() + digits.size()) {
          throw StatementError{
              keyword.line, context_ + "expected M or m<number>, found '" + std::string(mux) + "'"};
        }
        s.multiplex = MultiplexRole::multiplexed;
      } else {
        throw StatementError{keyword.line, context_ + "expected M, m<number> or ':', found '" +
                                               std::string(mux) + "'"};
      }
    }
    expect_punct(':', "after the signal name");
    const auto start = expect_integer<unsigned>("the start bit");
    expect_punct('|', "after the start bit");
    const auto length = expect_integer<unsigned>("the signal length in bits");
    expect_punct('@', "after the length");
    const Token& order = next();
    if (order.kind != Token::word || order.text.size() != 2 ||
        (order.text[0] != '0' && order.text[0] != '1') ||
        (order.text[1] != '+' && order.text[1] != '-')) {
      fail(order, "byte order and sign (0+, 0-, 1+ or 1-) after '@'");
    }
    s.byte_order = order.text[0] == '1' ? ByteOrder::intel : ByteOrder::motorola;
    s.is_signed = order.text[1] == '-';
    expect_punct('(', "before the factor");
    s.factor = expect_number("the factor");
    expect_punct(',', "between factor and offset");
    s.offset = expect_number("the offset");
    expect_punct(')', "after the offset");
    expect_punct('[', "before the minimum");
    s.minimum = expect_number("the minimum");
    expect_punct('|', "between minimum and maximum");
    s.maximum = expect_number("the maximum");
    expect_punct(']', "after the maximum");
    const Token& unit = next();
    if (unit.kind != Token::string) {
      fail(unit, "the unit as a quoted string");
    }
    s.unit = std::string(unit.text);
    while (peek().kind != Token::end && peek().line == keyword.line) {
      const Token& r = next();
      if (r.kind == Token::word) {
        s.receivers.emplace_back(r.text);
      } else if (r.kind != Token::punct || r.text[0] != ',') {
        fail(r, "receiver names separated by ','");
      }
    }
    if (length < 1 || length > 64) {
      throw StatementError{keyword.line, context_ + "expected a length of 1..64 bits, found " +
                                             std::to_string(length)};
    }
    if (start > 511) {
      throw StatementError{keyword.line, context_ + "expected a start bit of 0..511, found " +
                                             std::to_string(start)};
    }
    s.start_bit = static_cast<std::uint16_t>(start);
    s.length = static_cast<std::uint8_t>(length);
    // The last byte the signal touches must exist in a 64-byte frame; beyond the declared
    // message length is only a warning (decoding skips it on shorter frames).
    std::size_t last_bit_linear = 0;
    if (s.byte_order == ByteOrder::intel) {
      last_bit_linear = start + length - 1;
    } else {
      const std::size_t msb = (start / 8) * 8 + (7 - start % 8);
      last_bit_linear = msb + length - 1;
    }
    if (last_bit_linear >= 512) {
      throw StatementError{keyword.line,
                           context_ + "signal runs past the end of a 64-byte frame (start bit " +
                               std::to_string(start) + ", length " + std::to_string(length) + ")"};
    }
    if (last_bit_linear / 8 >= m.length) {
      result_.warnings.push_back(
          {keyword.line, context_ + "signal reaches byte " + std::to_string(last_bit_linear / 8) +
                             " beyond the message length " + std::to_string(m.length)});
    }
    if (s.multiplex == MultiplexRole::multiplexer) {
      for (const DbcSignal& other : m.signals) {
        if (other.multiplex == MultiplexRole::multiplexer) {
          throw StatementError{keyword.line, context_ + "second multiplexer (M) in message " +
                                                 m.name + " (expected one)"};
        }
      }
    }
    m.signals.push_back(std::move(s));
  }

  void value_names(const Token& keyword) {
    context_ = "VAL_: ";
    const Token& first = next();
    std::uint32_t id = 0;
    const auto [p, ec] =
        std::from_chars(first.text.data(), first.text.data() + first.text.size(), id);
    if (first.kind != Token::word || ec != std::errc{} ||
        p != first.text.data() + first.text.size()) {
      // VAL_ for an environment variable: not ours.
      skip_to_semicolon();
      return;
    }
    PendingValues pv;
    pv.line = keyword.line;
    pv.message_id = id;
    pv.signal = std::string(expect_word("a signal name"));
    context_ = "VAL_ " + pv.signal + ": ";
    while (!(peek().kind == Token::punct && peek().text[0] == ';')) {
      const double value = expect_number("a value or ';'");
      const Token& text = next();
      if (text.kind != Token::string) {
        fail(text, "the value's description as a quoted string");
      }
      pv.names.emplace(static_cast<std::int64_t>(value), std::string(text.text));
    }
    next();
    pending_values_.push_back(std::move(pv));
  }

  void value_type(const Token& keyword) {
    context_ = "SIG_VALTYPE_: ";
    PendingType pt;
    pt.line = keyword.line;
    pt.message_id = expect_integer<std::uint32_t>("a message id");
    pt.signal = std::string(expect_word("a signal name"));
    expect_punct(':', "after the signal name");
    pt.type = expect_integer<unsigned>("the value type (0 integer, 1 float, 2 double)");
    if (pt.type > 2) {
      throw StatementError{keyword.line, context_ + "expected value type 0, 1 or 2"};
    }
    expect_punct(';', "at the end of SIG_VALTYPE_");
    pending_types_.push_back(std::move(pt));
  }

  DbcSignal* find_signal(std::uint32_t raw_id, const std::string& name) {
    const bool extended = (raw_id & 0x80000000u) != 0;
    const std::uint32_t id = raw_id & 0x7FFFFFFFu;
    for (DbcMessage& m : result_.database.messages) {
      if (m.id == id && m.extended == extended) {
        for (DbcSignal& s : m.signals) {
          if (s.name == name) {
            return &s;
          }
        }
      }
    }
    return nullptr;
  }

  // VAL_ and SIG_VALTYPE_ come after all messages; they are applied at the end.
  void apply_pending() {
    for (PendingValues& pv : pending_values_) {
      if (DbcSignal* s = find_signal(pv.message_id, pv.signal)) {
        s->value_names = std::move(pv.names);
      } else {
        result_.warnings.push_back({pv.line, "VAL_ for unknown signal " + pv.signal + ": ignored"});
      }
    }
    for (const PendingType& pt : pending_types_) {
      DbcSignal* s = find_signal(pt.message_id, pt.signal);
      if (s == nullptr) {
        result_.warnings.push_back(
            {pt.line, "SIG_VALTYPE_ for unknown signal " + pt.signal + ": ignored"});
        continue;
      }
      const unsigned need = pt.type == 1 ? 32 : 64;
      if (pt.type != 0 && s->length != need) {
        result_.errors.push_back({pt.line, "SIG_VALTYPE_ " + pt.signal + ": expected a " +
                                               std::to_string(need) + "-bit signal, found " +
                                               std::to_string(s->length) + " bits"});
        continue;
      }
      s->value_type = pt.type == 1   ? ValueType::float32
                      : pt.type == 2 ? ValueType::float64
                                     : ValueType::integer;
    }
    for (const DbcMessage& m : result_.database.messages) {
      bool has_mux = false;
      for (const DbcSignal& s : m.signals) {
        has_mux = has_mux || s.multiplex == MultiplexRole::multiplexer;
      }
      for (const DbcSignal& s : m.signals) {
        if (s.multiplex == MultiplexRole::multiplexed && !has_mux) {
          result_.errors.push_back({s.line, "SG_ " + s.name + ": multiplexed signal in message " +
                                                m.name + " that has no multiplexer (M)"});
        }
      }
    }
  }

  struct PendingValues {
    std::size_t line = 0;
    std::uint32_t message_id = 0;
    std::string signal;
    std::map<std::int64_t, std::string> names;
  };
  struct PendingType {
    std::size_t line = 0;
    std::uint32_t message_id = 0;
    std::string signal;
    unsigned type = 0;
  };

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  DbcParseResult& result_;
  std::string context_;
  bool in_message_ = false;
  bool warned_extended_mux_ = false;
  std::vector<PendingValues> pending_values_;
  std::vector<PendingType> pending_types_;
};

}  // namespace

DbcParseResult parse_dbc(std::string_view text) {
  DbcParseResult result;
  std::vector<Token> tokens = Tokenizer(text).run(result.errors);
  Parser(std::move(tokens), result).run();
  return result;
}

DbcParseResult load_dbc_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    DbcParseResult r;
    r.errors.push_back({0, "cannot open DBC file", path});
    return r;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    DbcParseResult r;
    r.errors.push_back({0, "cannot read DBC file", path});
    return r;
  }
  DbcParseResult r = parse_dbc(text.str());
  for (auto* list : {&r.errors, &r.warnings}) {
    for (DbcDiagnostic& d : *list) {
      d.file = path;
    }
  }
  return r;
}

}  // namespace canhose::dbc
