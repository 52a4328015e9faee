#pragma once
// An HttpTransport that answers every request the way real Firehose answers a wrong
// secret: HTTP 400 InvalidSignatureException whose message quotes the canonical request
// it computed from what was sent (the x-amz-security-token line included), the string to
// sign, and the Authorization header. For tests that check no credential gets from such
// an answer into a log line, a metrics label or `canhose status`.

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "asio/asio.hpp"
#include "aws/crypto.hpp"
#include "aws/http_date.hpp"
#include "aws/sigv4_signer.hpp"
#include "https/http_transport.hpp"

namespace canhose::test {

// What real Firehose says, with the canonical request it computed.
inline std::string invalid_signature_message(std::string_view canonical_request,
                                             std::string_view string_to_sign) {
  return "The request signature we calculated does not match the signature you provided. "
         "Check your AWS Secret Access Key and signing method. Consult the service "
         "documentation for details.\n\nThe Canonical String for this request should have "
         "been\n'" +
         std::string(canonical_request) + "'\n\nThe String-to-Sign should have been\n'" +
         std::string(string_to_sign) + "'\n";
}

class SignatureQuotingTransport final : public https::HttpTransport {
 public:
  explicit SignatureQuotingTransport(asio::io_context& io) : io_(io) {}
  void async_send(const https::Endpoint&, https::HttpRequest request, SharedBody body,
                  std::function<void(https::HttpResult)> done) override {
    const std::string payload = body ? *body : std::string();
    request.payload = payload;
    const std::string canonical =
        aws::SigV4Signer::canonical_request(request, aws::crypto::sha256_hex(payload));
    const std::string* authorization = request.header("Authorization");
    sent_authorization = authorization != nullptr ? *authorization : "";
    ++requests;
    // Also quoted bare, with no header name before them: only the redactor's exact-value
    // pass can catch these (the secret and a short token are no 80-character base64 run).
    std::string bare;
    if (!quoted_secret.empty()) {
      bare += "The key was " + quoted_secret + ". ";
    }
    if (const std::string* token = request.header("X-Amz-Security-Token")) {
      bare += "The token was " + *token + ". ";
    }
    https::HttpResult result;
    result.response.status = 400;
    result.response.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
    result.response.headers.emplace_back("x-amzn-RequestId",
                                         "d2f6a2c3-aaaa-bbbb-cccc-0123456789ab");
    result.response.headers.emplace_back("Date",
                                         aws::format_http_date(std::chrono::system_clock::now()));
    result.response.body =
        nlohmann::json{{"__type", "InvalidSignatureException"},
                       {"message", invalid_signature_message(canonical, "AWS4-HMAC-SHA256\n...") +
                                       bare + "\nAuthorization: " + sent_authorization}}
            .dump();
    result.sent_at = std::chrono::steady_clock::now();
    result.received_at = std::chrono::steady_clock::now();
    asio::post(io_,
               [done = std::move(done), r = std::move(result)]() mutable { done(std::move(r)); });
  }
  // A secret access key for the server to quote back (a real server never knows it; a
  // hostile one in the middle, or a proxy echoing a credentials file, might).
  std::string quoted_secret;
  std::string sent_authorization;  // of the last request
  int requests = 0;

 private:
  asio::io_context& io_;
};

}  // namespace canhose::test
