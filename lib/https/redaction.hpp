#pragma once
// Shape-based redaction of text that came from a server (a proxy's or a service's answer):
// the value after anything shaped like a credential header or parameter, whatever the
// case and whether written "name:value", "name=value" or "\"name\": \"value\"" —
// Authorization / Proxy-Authorization (to the end of the line), X-Amz-Security-Token,
// X-Amz-Signature, X-Amz-Credential, Signature, Credential, SecretAccessKey, SessionToken,
// aws_secret_access_key, aws_session_token, SecurityToken — and any run of 80 or more
// base64 characters, each replaced by "<redacted>". aws::ServerTextRedactor adds the exact
// secrets a request was signed with; the HTTPS client uses this alone for a proxy's words.

#include <string>
#include <string_view>

namespace canhose::https {

inline constexpr std::string_view redacted_text = "<redacted>";

std::string redact_credential_shapes(std::string_view text);

}  // namespace canhose::https
