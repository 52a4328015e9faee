// SigV4Signer's stages and behaviour beyond the suites: the botocore-signed PutRecordBatch
// and the AWS CLI's captured requests, the signing-key cache, re-signing.

#include "aws/sigv4_signer.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "aws/crypto.hpp"
#include "support/temp_dir.hpp"

namespace canhose::aws {
namespace {

using namespace std::chrono;

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

Credentials example_credentials(std::string token = {}) {
  Credentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = base::Secret(std::string(kSecret));
  c.session_token = base::Secret(std::move(token));
  return c;
}

system_clock::time_point at(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

std::string value_after(const std::string& text, std::string_view prefix) {
  const auto start = text.find(prefix);
  if (start == std::string::npos)
    return {};
  const auto end = text.find('\n', start);
  return text.substr(start + prefix.size(), end - start - prefix.size());
}

TEST(SigV4Signer, BotocoreSignedPutRecordBatchMatchesByteForByte) {
  const std::string file = test::read_file(std::string(CANHOSE_TEST_DATA_DIR) +
                                           "/firehose/putrecordbatch-signed-botocore.txt");
  const std::string body = value_after(file, "body: ");
  ASSERT_FALSE(body.empty());
  https::HttpRequest request;
  request.method = "POST";
  request.path = "/";
  // The file omits Host; botocore signed for the default endpoint of us-east-1.
  request.headers = {{"Host", "firehose.us-east-1.amazonaws.com"},
                     {"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "Firehose_20150804.PutRecordBatch"}};
  request.payload = body;
  SigV4Signer signer("us-east-1", "firehose");
  signer.sign(request, example_credentials(), at(2015, 8, 30, 12, 36, 0));
  EXPECT_EQ(*request.header("Authorization"), value_after(file, "Authorization: "));
  EXPECT_EQ(*request.header("X-Amz-Date"), value_after(file, "X-Amz-Date: "));
}

// Each request the AWS CLI sent (tests/data/firehose/aws-cli-captured-requests.txt),
// re-signed by us from its own headers and time, must carry the CLI's signature.
TEST(SigV4Signer, ReproducesTheAwsCliSignaturesOfCapturedRequests) {
  const std::string file = test::read_file(std::string(CANHOSE_TEST_DATA_DIR) +
                                           "/firehose/aws-cli-captured-requests.txt");
  std::istringstream in(file);
  std::string block;
  std::vector<std::string> blocks;
  for (std::string line; std::getline(in, line);) {
    if (line == "----") {
      blocks.push_back(block);
      block.clear();
    } else {
      block += line + "\n";
    }
  }
  if (!block.empty())
    blocks.push_back(block);
  ASSERT_GE(blocks.size(), 3u);
  int checked = 0;
  for (const auto& b : blocks) {
    if (b.find("Authorization: ") == std::string::npos)
      continue;
    const std::string date = value_after(b, "X-Amz-Date: ");
    https::HttpRequest request;
    request.method = "POST";
    request.path = "/";
    request.headers = {{"Host", value_after(b, "Host: ")},
                       {"Content-Type", value_after(b, "Content-Type: ")},
                       {"X-Amz-Target", value_after(b, "X-Amz-Target: ")}};
    const std::string body = value_after(b, "BODY: ");
    request.payload = body;
    const auto when = at(std::stoi(date.substr(0, 4)), std::stoul(date.substr(4, 2)),
                         std::stoul(date.substr(6, 2)), std::stoi(date.substr(9, 2)),
                         std::stoi(date.substr(11, 2)), std::stoi(date.substr(13, 2)));
    SigV4Signer signer("us-east-1", "firehose");
    signer.sign(request, example_credentials(value_after(b, "X-Amz-Security-Token: ")), when);
    EXPECT_EQ(*request.header("Authorization"), value_after(b, "Authorization: ")) << b;
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

TEST(SigV4Signer, SigningKeyIsDerivedOncePerDayAndSecret) {
  SigV4Signer signer("eu-west-1", "firehose");
  https::HttpRequest request{"POST", "/", "", {{"Host", "firehose.eu-west-1.amazonaws.com"}}, "{}"};
  signer.sign(request, example_credentials(), at(2026, 11, 25, 10, 0, 0));
  signer.sign(request, example_credentials(), at(2026, 11, 25, 23, 59, 59));
  EXPECT_EQ(signer.key_derivations(), 1u);
  signer.sign(request, example_credentials(), at(2026, 11, 26, 0, 0, 0));  // new day
  EXPECT_EQ(signer.key_derivations(), 2u);
  Credentials rotated = example_credentials();
  rotated.secret_access_key = base::Secret("another-secret");
  signer.sign(request, rotated, at(2026, 11, 26, 0, 0, 1));  // rotated secret
  EXPECT_EQ(signer.key_derivations(), 3u);
}

TEST(SigV4Signer, CachedKeyGivesTheSameSignatureAsAFreshSigner) {
  SigV4Signer warm("eu-west-1", "firehose");
  https::HttpRequest a{"POST", "/", "", {{"Host", "h"}}, "payload"};
  warm.sign(a, example_credentials(), at(2026, 1, 1, 0, 0, 0));
  https::HttpRequest b = a;
  warm.sign(b, example_credentials(), at(2026, 1, 1, 0, 0, 5));
  SigV4Signer cold("eu-west-1", "firehose");
  https::HttpRequest c{"POST", "/", "", {{"Host", "h"}}, "payload"};
  cold.sign(c, example_credentials(), at(2026, 1, 1, 0, 0, 5));
  EXPECT_EQ(*b.header("Authorization"), *c.header("Authorization"));
}

TEST(SigV4Signer, ResigningReplacesDateAndAuthorizationInsteadOfAddingThem) {
  SigV4Signer signer("us-east-1", "firehose");
  https::HttpRequest request{"POST", "/", "", {{"Host", "h"}}, "x"};
  signer.sign(request, example_credentials("tok"), at(2026, 1, 1, 0, 0, 0));
  signer.sign(request, example_credentials("tok"), at(2026, 1, 1, 0, 7, 0));
  EXPECT_EQ(request.headers.size(), 4u);  // Host, X-Amz-Date, token, Authorization
  EXPECT_EQ(*request.header("X-Amz-Date"), "20260101T000700Z");
  EXPECT_NE(
      request.header("Authorization")->find("SignedHeaders=host;x-amz-date;x-amz-security-token,"),
      std::string::npos);
  // Re-signing with long-lived keys drops the old token instead of sending it stale.
  signer.sign(request, example_credentials(), at(2026, 1, 1, 0, 8, 0));
  EXPECT_EQ(request.header("X-Amz-Security-Token"), nullptr);
}

TEST(SigV4Signer, AmzDateIsUtcWithWholeSeconds) {
  EXPECT_EQ(SigV4Signer::amz_date(at(2015, 8, 30, 12, 36, 0) + milliseconds(999)),
            "20150830T123600Z");
  EXPECT_EQ(SigV4Signer::amz_date(at(1999, 12, 31, 23, 59, 59)), "19991231T235959Z");
}

TEST(SigV4Signer, CanonicalQueryDecodesThenReencodesAndSorts) {
  EXPECT_EQ(SigV4Signer::canonical_query("b=2&a=%7e&a=1&c&d=x y+z/"),
            "a=1&a=~&b=2&c=&d=x%20y%2Bz%2F");
  EXPECT_EQ(SigV4Signer::canonical_query("bad=%zz%4"), "bad=%25zz%254");
}

TEST(SigV4Signer, CanonicalUriNormalisesAndEncodes) {
  EXPECT_EQ(SigV4Signer::canonical_uri("", true), "/");
  EXPECT_EQ(SigV4Signer::canonical_uri("/a/b/../c/./d//", true), "/a/c/d/");
  EXPECT_EQ(SigV4Signer::canonical_uri("/../..", true), "/");
  EXPECT_EQ(SigV4Signer::canonical_uri("/a%20b", true), "/a%2520b");  // encoded twice
  EXPECT_EQ(SigV4Signer::canonical_uri("/role-aliases/fleet_role/credentials", true),
            "/role-aliases/fleet_role/credentials");
  EXPECT_EQ(SigV4Signer::canonical_uri("//a/./", false), "//a/./");
}

TEST(SigV4Signer, CanonicalHeadersTrimCollapseAndJoinDuplicates) {
  https::HttpRequest request{"GET",
                             "/",
                             "",
                             {{"Host", "h"},
                              {"X-B", "  two\t\tspaced   words  "},
                              {"x-a", "first"},
                              {"X-A", "second\n   line"}},
                             ""};
  EXPECT_EQ(SigV4Signer::canonical_headers(request),
            "host:h\nx-a:first,second line\nx-b:two spaced words\n");
  EXPECT_EQ(SigV4Signer::signed_headers(request), "host;x-a;x-b");
}

}  // namespace
}  // namespace canhose::aws
