#pragma once
// Parser for the DBC format (Vector CANdb++ text), the subset that decoding needs:
//
//   BO_ <id> <name>: <length> <transmitter>
//    SG_ <name> [M|m<n>] : <start>|<length>@<1 Intel|0 Motorola><+|-> (<factor>,<offset>)
//        [<min>|<max>] "<unit>" <receiver>[,<receiver>...]
//   VAL_ <id> <signal> <value> "<text>" ... ;
//   SIG_VALTYPE_ <id> <signal> : <1 float|2 double> ;
//
// Everything else (VERSION, NS_, BS_, BU_, CM_, BA_DEF_, BA_, BA_DEF_DEF_, VAL_TABLE_,
// SIG_GROUP_, EV_, BO_TX_BU_, ...) is skipped safely, quoted strings and multi-line
// statements included. Extended multiplexing (SG_MUL_VAL_, "m1M") is not supported: such
// signals are decoded with simple multiplexing and a warning says so.
//
// Errors name the line and what was expected ("line 12: SG_ SPEED: expected '|' after
// the start bit, found '@'"); parsing goes on after an error to report them all, but a
// result with errors must not be used (the daemon refuses to start).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dbc/dbc_database.hpp"

namespace canhose::dbc {

struct DbcDiagnostic {
  DbcDiagnostic() = default;
  DbcDiagnostic(std::size_t l, std::string m, std::string f = {})
      : line(l), message(std::move(m)), file(std::move(f)) {}

  std::size_t line = 0;  // 1-based; 0 when the file itself could not be read
  std::string message;
  std::string file;               // set by load_dbc_file
  std::string to_string() const;  // "file.dbc:12: ..." or "line 12: ..."
};

struct DbcParseResult {
  DbcDatabase database;
  std::vector<DbcDiagnostic> errors;    // the file must be fixed
  std::vector<DbcDiagnostic> warnings;  // decoding works, but something is ignored
  bool ok() const { return errors.empty(); }
};

DbcParseResult parse_dbc(std::string_view text);

// Reads and parses a file. An unreadable file is one error at line 0 naming the file.
DbcParseResult load_dbc_file(const std::string& path);

}  // namespace canhose::dbc
