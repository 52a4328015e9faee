#include "aws/server_text_redactor.hpp"

#include "aws/sigv4_signer.hpp"
#include "https/redaction.hpp"

namespace canhose::aws {
namespace {

void replace_all(std::string& text, std::string_view needle) {
  if (needle.empty()) {
    return;
  }
  for (auto at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + redacted_text.size())) {
    text.replace(at, needle.size(), redacted_text);
  }
}

}  // namespace

ServerTextRedactor::ServerTextRedactor(const Credentials& credentials) {
  add_literal(credentials.secret_access_key.reveal());
  add_literal(credentials.session_token.reveal());
}

void ServerTextRedactor::add_literal(std::string_view secret) {
  if (secret.size() < min_literal_length) {
    return;
  }
  literals_.emplace_back(std::string(secret));
  base::Secret encoded(SigV4Signer::uri_encode(secret, false));
  if (!(encoded == literals_.back())) {
    literals_.push_back(std::move(encoded));
  }
}

std::string ServerTextRedactor::redact(std::string_view text) const {
  std::string out(text);
  for (const base::Secret& literal : literals_) {
    replace_all(out, literal.reveal());
  }
  std::string result = https::redact_credential_shapes(out);
  // `out` held the secrets' text before the literal pass; it is scrubbed with them.
  base::Secret scrub(std::move(out));
  return result;
}

}  // namespace canhose::aws
