#include "dbc/dbc_loader.hpp"

#include <stdexcept>

#include "dbc/dbc_parser.hpp"

namespace canhose::dbc {

LoadedDecoder load_decoder(const DbcOptions& options) {
  LoadedDecoder loaded;
  if (options.file.empty()) {
    return loaded;
  }
  DbcParseResult parsed = load_dbc_file(options.file);
  if (!parsed.ok()) {
    std::string message = "sources.can.dbc_file " + options.file + " has errors:";
    for (const auto& e : parsed.errors) {
      message += "\n  " + e.to_string();
    }
    throw std::runtime_error(message);
  }
  for (const auto& w : parsed.warnings) {
    loaded.warnings.push_back(w.to_string());
  }
  loaded.messages = parsed.database.messages.size();
  loaded.decoder.emplace(std::move(parsed.database), options.decoder_options());
  return loaded;
}

}  // namespace canhose::dbc
