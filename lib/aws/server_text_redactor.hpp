#pragma once
// The one step every text that comes from a server passes before canhose stores or shows
// it (a log line, a metrics label, `canhose status`, a dead-letter file). Servers quote
// what they were sent: Firehose's InvalidSignatureException quotes the canonical request,
// "x-amz-security-token:<the session token>" included, and a proxy or a load balancer may
// echo headers in its error page. Credentials never leave the process in any other way
// (base::Secret cannot be streamed), so this is where they could come back in.
//
// Redacted, each replaced by "<redacted>":
// - the exact secret access key and session token the request was signed with (and their
//   URI-encoded forms, as a presigned query string carries them);
// - the value after anything shaped like a credential header or parameter, whatever the
//   case and whether written "name:value", "name=value" or "\"name\": \"value\"":
//   Authorization / Proxy-Authorization (to the end of the line), X-Amz-Security-Token,
//   X-Amz-Signature, X-Amz-Credential, Signature, Credential, SecretAccessKey,
//   SessionToken, aws_secret_access_key, aws_session_token;
// - any run of 80 or more base64 characters: a session token (hundreds of characters) cut
//   off by a length limit or quoted without its header name. SHA-256 hashes (64 hex
//   digits), request ids and stream names are shorter and stay readable.
// The words around stay: "The request signature we calculated does not match ..." and
// "Signature expired: 20150830T123600Z is now earlier than ..." are unchanged.

#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.hpp"
#include "https/redaction.hpp"

namespace canhose::aws {

using https::redacted_text;

class ServerTextRedactor {
 public:
  // Shape-based redaction only (no credentials known, e.g. the IoT endpoint's answers).
  ServerTextRedactor() = default;
  // Also removes these credentials' secret key and session token wherever they appear.
  explicit ServerTextRedactor(const Credentials& credentials);

  std::string redact(std::string_view text) const;

 private:
  // Secrets shorter than this are not searched for literally: replacing every "abc" in a
  // message would hide the message, and real AWS secrets are 40 characters or more.
  static constexpr std::size_t min_literal_length = 8;
  void add_literal(std::string_view secret);
  std::vector<base::Secret> literals_;
};

}  // namespace canhose::aws
