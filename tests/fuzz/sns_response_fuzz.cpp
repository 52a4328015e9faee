// The SNS answer parsers (lib/aws/xml_document.cpp, lib/aws/sns_api.cpp,
// lib/aws/sns_error.cpp) on arbitrary bodies: whatever answers at the SNS endpoint (SNS, a
// VPC endpoint, a proxy, a captive portal, an emulator) reaches them.
//
// The body goes to the XML reader, the PublishResponse parser and the error classifier
// with a few statuses. Invariants checked beyond "no crash": an accepted PublishResponse
// has a MessageId of 1 to 100 characters and a SequenceNumber of digits or none; a refused
// one carries no values; every error is a kind the caller can act on.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/sns_api.hpp"
#include "aws/sns_error.hpp"
#include "aws/xml_document.hpp"

namespace aws = canhose::aws;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  const aws::XmlParseResult document = aws::parse_xml(body);
  if (document.ok() == !document.error.empty()) {
    std::abort();
  }

  const auto published = aws::parse_publish_response(body);
  if (published.ok()) {
    const std::string& id = published.value.message_id;
    if (id.empty() || id.size() > 100 || !document.ok()) {
      std::abort();  // accepted without a usable MessageId, or from a malformed document
    }
    for (char c : published.value.sequence_number) {
      if (c < '0' || c > '9') {
        std::abort();
      }
    }
  } else if (published.error.kind != aws::SnsErrorKind::malformed_response ||
             !published.value.message_id.empty()) {
    std::abort();  // a refused answer is malformed and carries no values
  }

  for (const unsigned status : {400u, 403u, 404u, 500u, 503u}) {
    canhose::https::HttpResponse response;
    response.status = status;
    response.body = std::string(body);
    const aws::SnsError error = aws::classify_sns_error_response(response);
    if (error.ok()) {
      std::abort();  // a non-200 answer is never a success
    }
    (void)error.describe();
    (void)aws::sns_error_advice(error, "arn:aws:sns:eu-west-1:123456789012:a", "https://x");
  }
  return 0;
}
