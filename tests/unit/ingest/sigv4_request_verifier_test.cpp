// Signature checks of the ingest endpoint (auth: sigv4): requests the AWS CLI really
// signed (tests/data/firehose/aws-cli-captured-requests.txt) pass at their own time, and
// every kind of wrong request gets the error the service gives.

#include "ingest/sigv4_request_verifier.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/iso8601_time.hpp"
#include "aws/sigv4_signer.hpp"
#include "https/http_request.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace canhose::ingest {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kAkid = "AKIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

struct CapturedRequest {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) {
        return v;
      }
    }
    return {};
  }
};

std::vector<CapturedRequest> captured_cli_requests() {
  const std::string text = test::read_file(std::string(CANHOSE_TEST_DATA_DIR) +
                                           "/firehose/aws-cli-captured-requests.txt");
  std::vector<CapturedRequest> requests(1);
  std::size_t start = 0;
  bool request_line = true;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line == "----") {
      requests.emplace_back();
      request_line = true;
    } else if (request_line) {
      request_line = false;  // "POST / HTTP/1.1"
    } else if (line.rfind("BODY: ", 0) == 0) {
      requests.back().body = line.substr(6);
    } else if (const auto colon = line.find(": "); colon != std::string::npos) {
      requests.back().headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
  }
  std::erase_if(requests, [](const CapturedRequest& r) { return r.headers.empty(); });
  return requests;
}

std::chrono::system_clock::time_point amz_time(const std::string& amz_date) {
  const std::string iso = amz_date.substr(0, 4) + "-" + amz_date.substr(4, 2) + "-" +
                          amz_date.substr(6, 2) + "T" + amz_date.substr(9, 2) + ":" +
                          amz_date.substr(11, 2) + ":" + amz_date.substr(13, 2) + "Z";
  return *aws::parse_iso8601_time(iso);
}

SignedRequest view_of(const CapturedRequest& r) {
  SignedRequest view{"POST", "/", {}, r.body};
  for (const auto& [n, v] : r.headers) {
    view.headers.emplace_back(n, v);
  }
  return view;
}

std::string code_of(const std::optional<IngestResponse>& refusal) {
  if (!refusal) {
    return "accepted";
  }
  EXPECT_EQ(refusal->status, 400u);
  std::string type = nlohmann::json::parse(refusal->body).at("__type");
  return type.substr(type.rfind('#') + 1);
}

std::vector<IngestKey> keys() {
  return {{"AKIDOTHER", base::Secret("another-secret")},
          {std::string(kAkid), base::Secret(std::string(kSecret))}};
}

TEST(SigV4RequestVerifierTest, RequestsTheAwsCliSignedAreAcceptedAndAChangedByteIsNot) {
  SigV4RequestVerifier verifier(keys());
  int checked = 0;
  for (const CapturedRequest& r : captured_cli_requests()) {
    const auto now = amz_time(r.header("X-Amz-Date"));
    if (!r.header("X-Amz-Security-Token").empty()) {
      // Local keys have no session token: a request carrying one is not from a local key.
      EXPECT_EQ(code_of(verifier.verify(view_of(r), now)), "UnrecognizedClientException");
      continue;
    }
    EXPECT_EQ(code_of(verifier.verify(view_of(r), now)), "accepted") << r.body;
    EXPECT_EQ(code_of(verifier.verify(view_of(r), now + 4min)), "accepted");
    CapturedRequest changed = r;
    changed.body.insert(changed.body.find("\"Data\": \"") + 9, "A");
    EXPECT_EQ(code_of(verifier.verify(view_of(changed), now)), "InvalidSignatureException");
    ++checked;
  }
  EXPECT_GE(checked, 2);
}

// A request signed by the project's own signer, as the tests below vary it.
struct Signed {
  https::HttpRequest request;
  std::string body = R"({"DeliveryStreamName":"telemetry","Records":[{"Data":"QQ=="}]})";
  SignedRequest view() const {
    SignedRequest v{request.method, "/", {}, body};
    for (const auto& [n, value] : request.headers) {
      v.headers.emplace_back(n, value);
    }
    return v;
  }
};

Signed sign(std::chrono::system_clock::time_point when, std::string_view secret = kSecret,
            std::string_view akid = kAkid, std::string_view service = "firehose") {
  Signed s;
  s.request.method = "POST";
  s.request.path = "/";
  s.request.headers = {{"Host", "127.0.0.1:4573"},
                       {"Content-Type", "application/x-amz-json-1.1"},
                       {"X-Amz-Target", "Firehose_20150804.PutRecordBatch"}};
  s.request.payload = s.body;
  aws::SigV4Signer signer("eu-west-1", std::string(service));
  aws::Credentials credentials{std::string(akid), base::Secret(std::string(secret)), {}, {}, "t"};
  signer.sign(s.request, credentials, when);
  return s;
}

TEST(SigV4RequestVerifierTest, EachWrongRequestGetsTheServicesError) {
  SigV4RequestVerifier verifier(keys());
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(code_of(verifier.verify(sign(now).view(), now)), "accepted");

  Signed unsigned_request = sign(now);
  std::erase_if(unsigned_request.request.headers,
                [](const auto& h) { return h.first == "Authorization"; });
  EXPECT_EQ(code_of(verifier.verify(unsigned_request.view(), now)),
            "MissingAuthenticationTokenException");

  const auto expired = verifier.verify(sign(now - 6min).view(), now);
  EXPECT_EQ(code_of(expired), "InvalidSignatureException");
  EXPECT_NE(expired->body.find("Signature expired: "), std::string::npos) << expired->body;
  const auto early = verifier.verify(sign(now + 6min).view(), now);
  EXPECT_EQ(code_of(early), "InvalidSignatureException");
  EXPECT_NE(early->body.find("Signature not yet current: "), std::string::npos);

  EXPECT_EQ(code_of(verifier.verify(sign(now, kSecret, "AKIDUNKNOWN").view(), now)),
            "UnrecognizedClientException");
  const auto wrong_secret = verifier.verify(sign(now, "not-the-secret").view(), now);
  EXPECT_EQ(code_of(wrong_secret), "InvalidSignatureException");
  EXPECT_EQ(wrong_secret->body.find("not-the-secret"), std::string::npos);
  EXPECT_EQ(wrong_secret->body.find(kSecret), std::string::npos);
  EXPECT_EQ(code_of(verifier.verify(sign(now, kSecret, kAkid, "kinesis").view(), now)),
            "InvalidSignatureException");

  Signed tampered = sign(now);
  tampered.body += " ";
  EXPECT_EQ(code_of(verifier.verify(tampered.view(), now)), "InvalidSignatureException");

  Signed target_changed = sign(now);
  for (auto& [n, v] : target_changed.request.headers) {
    if (n == "X-Amz-Target") {
      v = "Firehose_20150804.PutRecord";
    }
  }
  EXPECT_EQ(code_of(verifier.verify(target_changed.view(), now)), "InvalidSignatureException");

  Signed header_dropped = sign(now);
  std::erase_if(header_dropped.request.headers,
                [](const auto& h) { return h.first == "Content-Type"; });
  EXPECT_EQ(code_of(verifier.verify(header_dropped.view(), now)), "InvalidSignatureException");

  Signed garbled = sign(now);
  for (auto& [n, v] : garbled.request.headers) {
    if (n == "Authorization") {
      v = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/x";
    }
  }
  EXPECT_EQ(code_of(verifier.verify(garbled.view(), now)), "IncompleteSignatureException");
}

}  // namespace
}  // namespace canhose::ingest
