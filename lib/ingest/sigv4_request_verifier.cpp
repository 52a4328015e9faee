#include "ingest/sigv4_request_verifier.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>

#include "aws/crypto.hpp"
#include "aws/http_date.hpp"
#include "aws/iso8601_time.hpp"
#include "aws/sigv4_signer.hpp"
#include "https/http_request.hpp"

namespace canhose::ingest {
namespace {

using namespace std::chrono_literals;

constexpr auto kMaxSkew = 5min;

IngestResponse fail(std::string_view code, std::string_view message) {
  return error_response(400, code, message);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string_view> header(const SignedRequest& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (iequals(n, name)) {
      return v;
    }
  }
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const std::size_t at = s.find(separator);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) {
      return parts;
    }
    s.remove_prefix(at + 1);
  }
}

// "20150830T123600Z" -> a time; nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') {
    return std::nullopt;
  }
  const std::string iso = std::string(text.substr(0, 4)) + "-" + std::string(text.substr(4, 2)) +
                          "-" + std::string(text.substr(6, 2)) + "T" +
                          std::string(text.substr(9, 2)) + ":" + std::string(text.substr(11, 2)) +
                          ":" + std::string(text.substr(13, 2)) + "Z";
  return aws::parse_iso8601_time(iso);
}

}  // namespace

SigV4RequestVerifier::SigV4RequestVerifier(std::vector<IngestKey> keys) : keys_(std::move(keys)) {}

SigV4RequestVerifier::~SigV4RequestVerifier() = default;

std::optional<IngestResponse> SigV4RequestVerifier::verify(
    const SignedRequest& request, std::chrono::system_clock::time_point now) {
  const auto authorization = header(request, "Authorization");
  if (!authorization || authorization->substr(0, 5) != "AWS4-") {
    return fail("MissingAuthenticationTokenException", "Request is missing Authentication Token");
  }
  // "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."
  const std::string_view auth = trim(*authorization);
  const std::size_t space = auth.find(' ');
  const std::string_view algorithm = auth.substr(0, space);
  std::optional<std::string_view> credential;
  std::optional<std::string_view> signed_headers;
  std::optional<std::string_view> signature;
  if (space != std::string_view::npos) {
    for (std::string_view part : split(auth.substr(space + 1), ',')) {
      part = trim(part);
      const std::size_t eq = part.find('=');
      const std::string_view name = part.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
      if (name == "Credential") {
        credential = value;
      } else if (name == "SignedHeaders") {
        signed_headers = value;
      } else if (name == "Signature") {
        signature = value;
      }
    }
  }
  const auto amz_date_header = header(request, "X-Amz-Date");
  const auto date_header = header(request, "Date");
  std::string missing;
  const auto need = [&](bool present, std::string_view what) {
    if (!present) {
      missing += "Authorization header requires '" + std::string(what) + "' parameter. ";
    }
  };
  need(credential.has_value(), "Credential");
  need(signature.has_value(), "Signature");
  need(signed_headers.has_value(), "SignedHeaders");
  if (!amz_date_header && !date_header) {
    missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
        "header. ";
  }
  if (!missing.empty()) {
    return fail("IncompleteSignatureException",
                missing + "Authorization=" + std::string(algorithm));
  }

  std::optional<std::chrono::system_clock::time_point> when;
  std::string amz_date;
  if (amz_date_header) {
    when = parse_amz_date(trim(*amz_date_header));
    amz_date = std::string(trim(*amz_date_header));
  } else {
    when = aws::parse_http_date(trim(*date_header));
    if (when) {
      amz_date = aws::SigV4Signer::amz_date(*when);
    }
  }
  if (!when) {
    return fail("IncompleteSignatureException",
                "Date must be in ISO-8601 'basic format'. Got '" +
                    std::string(amz_date_header ? trim(*amz_date_header) : trim(*date_header)) +
                    "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  if (*when < now - kMaxSkew) {
    return fail("InvalidSignatureException", "Signature expired: " + amz_date +
                                                 " is now earlier than " +
                                                 aws::SigV4Signer::amz_date(now - kMaxSkew) + " (" +
                                                 aws::SigV4Signer::amz_date(now) + " - 5 min.)");
  }
  if (*when > now + kMaxSkew) {
    return fail("InvalidSignatureException", "Signature not yet current: " + amz_date +
                                                 " is still later than " +
                                                 aws::SigV4Signer::amz_date(now + kMaxSkew) + " (" +
                                                 aws::SigV4Signer::amz_date(now) + " + 5 min.)");
  }
  const std::vector<std::string_view> names = split(*signed_headers, ';');
  if (std::find(names.begin(), names.end(), "host") == names.end()) {
    return fail("InvalidSignatureException",
                "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (algorithm != "AWS4-HMAC-SHA256") {
    return fail("IncompleteSignatureException",
                "Unsupported AWS 'algorithm': '" + std::string(algorithm) + "'");
  }
  const std::vector<std::string_view> scope = split(*credential, '/');
  if (scope.size() != 5) {
    return fail("IncompleteSignatureException",
                "Credential must have exactly 5 slash-delimited elements, e.g. "
                "keyid/date/region/service/term, got '" +
                    std::string(*credential) + "'");
  }
  const std::string_view key_id = scope[0];
  const std::string_view date = scope[1];
  const std::string_view region = scope[2];
  std::string scope_problems;
  const bool region_ok = !region.empty() && region.size() <= 32 &&
                         std::all_of(region.begin(), region.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                         });
  if (!region_ok) {
    scope_problems +=
        "Credential should be scoped to a valid region, not '" + std::string(region) + "'. ";
  }
  if (scope[3] != "firehose") {
    scope_problems += "Credential should be scoped to correct service: 'firehose'. ";
  }
  if (scope[4] != "aws4_request") {
    scope_problems += "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                      std::string(scope[4]) + "'. ";
  }
  if (date != std::string_view(amz_date).substr(0, 8)) {
    scope_problems +=
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
        "date from HTTP: '" +
        std::string(date) + "' != '" + amz_date.substr(0, 8) + "', from '" + amz_date + "'. ";
  }
  if (!scope_problems.empty()) {
    scope_problems.pop_back();
    return fail("InvalidSignatureException", scope_problems);
  }
  const auto key = std::find_if(keys_.begin(), keys_.end(),
                                [&](const IngestKey& k) { return k.access_key_id == key_id; });
  if (key == keys_.end() || header(request, "X-Amz-Security-Token")) {
    return fail("UnrecognizedClientException",
                "The security token included in the request is invalid.");
  }

  // Sign again over exactly the headers the producer signed.
  https::HttpRequest signed_request;
  signed_request.method = std::string(request.method);
  const std::size_t question = request.target.find('?');
  signed_request.path = std::string(request.target.substr(0, question));
  if (question != std::string_view::npos) {
    signed_request.query = std::string(request.target.substr(question + 1));
  }
  for (const std::string_view name : names) {
    bool found = false;
    for (const auto& [n, v] : request.headers) {
      if (iequals(n, name)) {
        signed_request.headers.emplace_back(std::string(n), std::string(v));
        found = true;
      }
    }
    if (!found) {
      return fail("InvalidSignatureException",
                  "The request signature we calculated does not match the signature you "
                  "provided. Check your AWS Secret Access Key and signing method. Consult the "
                  "service documentation for details. (signed header '" +
                      std::string(name) + "' is missing)");
    }
  }
  signed_request.payload = request.body;
  if (!signer_ || signer_->region() != region) {
    signer_ = std::make_unique<aws::SigV4Signer>(std::string(region), "firehose");
  }
  const std::string canonical = aws::SigV4Signer::canonical_request(
      signed_request, aws::crypto::sha256_hex(request.body), true);
  const std::string expected = signer_->signature(key->secret_access_key.reveal(), date,
                                                  signer_->string_to_sign(amz_date, canonical));
  if (expected.size() != signature->size() ||
      CRYPTO_memcmp(expected.data(), signature->data(), expected.size()) != 0) {
    return fail("InvalidSignatureException",
                "The request signature we calculated does not match the signature you "
                "provided. Check your AWS Secret Access Key and signing method. Consult the "
                "service documentation for details.");
  }
  return std::nullopt;
}

}  // namespace canhose::ingest
