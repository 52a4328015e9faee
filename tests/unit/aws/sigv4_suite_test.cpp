// The AWS SigV4 test suites, one parameterised test per case directory found on disk:
//   tests/data/sigv4/      botocore's copy (.req .creq .sts .authz .sreq), 34 cases
//   tests/data/sigv4-crt/  aws-c-auth's suite (context.json + files), 38 cases
// Every case is checked stage by stage, byte for byte: canonical request, string to sign,
// signature and Authorization header. No case is skipped. botocore's own test
// (tests/unit/auth/test_sigv4.py) skips four: normalize-path/get-space ("Bad request-line
// syntax, python's HTTP parser chokes on this") and get-vanilla-query-order-key,
// -order-value and -order-key-case ("Multiple query params of the same key not supported
// by the SDKs"). Our request parser and query canonicaliser handle all four, so they run.
//
// aws-c-auth's cases also describe a query-string (presigned URL) signature
// (query-*.txt): each case checks that too, through SigV4Signer::presign.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "aws/crypto.hpp"
#include "aws/sigv4_signer.hpp"
#include "support/raw_http_request.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace canhose::aws {
namespace {

namespace fs = std::filesystem;
using test::read_file;

constexpr std::string_view kAccessKey = "AKIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::chrono::system_clock::time_point suite_time() {
  using namespace std::chrono;
  return sys_days{year{2015} / August / 30} + hours{12} + minutes{36};
}

const fs::path& data_dir() {
  static const fs::path dir = CANHOSE_TEST_DATA_DIR;
  return dir;
}

// Case directories (relative to the suite root), found by their marker file.
std::vector<std::string> find_cases(const fs::path& root, bool by_req_extension,
                                    std::string_view marker) {
  std::vector<std::string> cases;
  if (!fs::exists(root)) {
    return cases;
  }
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) {
      continue;
    }
    const fs::path& p = entry.path();
    if ((by_req_extension && p.extension() == ".req") ||
        (!by_req_extension && p.filename() == marker)) {
      cases.push_back(fs::relative(p.parent_path(), root).generic_string());
    }
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::vector<std::string> botocore_cases() {
  return find_cases(data_dir() / "sigv4", true, "");
}
std::vector<std::string> crt_cases() {
  return find_cases(data_dir() / "sigv4-crt", false, "context.json");
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      c = '_';
    }
  }
  return name;
}

https::HttpRequest to_signable(const test::RawHttpRequest& raw) {
  https::HttpRequest request;
  request.method = raw.method;
  request.path = raw.path;
  request.query = raw.query;
  request.headers = raw.headers;
  request.payload = raw.body;
  return request;
}

// Finds "name:value" (name case-insensitive) in a file of header lines.
std::string header_line_value(const std::string& text, std::string_view name) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
      continue;
    }
    std::string key = line.substr(0, colon);
    std::transform(key.begin(), key.end(), key.begin(), ::tolower);
    if (key == name) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' '))
        value.erase(0, 1);
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n'))
        value.pop_back();
      return value;
    }
  }
  return {};
}

// The request as the signer saw it when signing: with omit_session_token the token
// header is added after the signature, so it is not part of the canonical request.
https::HttpRequest as_signed(const https::HttpRequest& request, const SigningOptions& options) {
  https::HttpRequest copy = request;
  if (options.omit_session_token) {
    std::erase_if(copy.headers, [](const auto& h) { return h.first == "X-Amz-Security-Token"; });
  }
  return copy;
}

// --- botocore's copy of the suite ---------------------------------------------------

class BotocoreSigV4Suite : public testing::TestWithParam<std::string> {};

TEST(SigV4SuiteInventory, BotocoreSuiteHasAll34Cases) {
  EXPECT_EQ(botocore_cases().size(), 34u) << "tests/data/sigv4 lost or gained a case";
}

TEST_P(BotocoreSigV4Suite, MatchesEveryStageByteForByte) {
  const fs::path dir = data_dir() / "sigv4" / GetParam();
  const std::string base = (dir / fs::path(GetParam()).filename()).string();
  const std::string req_text = read_file(base + ".req");
  const std::string expected_creq = read_file(base + ".creq");
  const std::string expected_sts = read_file(base + ".sts");
  const std::string expected_authz = read_file(base + ".authz");
  const std::string sreq = read_file(base + ".sreq");

  const test::RawHttpRequest raw = test::parse_raw_http_request(req_text);
  https::HttpRequest request = to_signable(raw);

  // Session tokens: the suite gives them only in the expected output. A token in the
  // canonical request that the raw request lacks is the credentials' token, signed; a
  // token only in the signed request (post-sts-header-after) is added after signing.
  Credentials credentials;
  credentials.access_key_id = std::string(kAccessKey);
  credentials.secret_access_key = base::Secret(std::string(kSecret));
  SigningOptions options;
  const std::string creq_token = header_line_value(expected_creq, "x-amz-security-token");
  const std::string sreq_token = header_line_value(sreq, "x-amz-security-token");
  if (!creq_token.empty()) {
    credentials.session_token = base::Secret(creq_token);
  } else if (!sreq_token.empty()) {
    credentials.session_token = base::Secret(sreq_token);
    options.omit_session_token = true;
  }

  SigV4Signer signer("us-east-1", "service", options);
  signer.sign(request, credentials, suite_time());

  const std::string payload_hash = crypto::sha256_hex(raw.body);
  const std::string creq =
      SigV4Signer::canonical_request(as_signed(request, options), payload_hash);
  EXPECT_EQ(creq, expected_creq);
  const std::string sts = signer.string_to_sign("20150830T123600Z", creq);
  EXPECT_EQ(sts, expected_sts);
  const std::string* authz = request.header("Authorization");
  ASSERT_NE(authz, nullptr);
  EXPECT_EQ(*authz, expected_authz);
  EXPECT_EQ(*request.header("X-Amz-Date"), "20150830T123600Z");
  if (!sreq_token.empty()) {
    ASSERT_NE(request.header("X-Amz-Security-Token"), nullptr);
    EXPECT_EQ(*request.header("X-Amz-Security-Token"), sreq_token);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, BotocoreSigV4Suite, testing::ValuesIn(botocore_cases()), test_name);

// --- aws-c-auth's suite ---------------------------------------------------------------

class CrtSigV4Suite : public testing::TestWithParam<std::string> {};

TEST(SigV4SuiteInventory, CrtSuiteHasAll38Cases) {
  EXPECT_EQ(crt_cases().size(), 38u) << "tests/data/sigv4-crt lost or gained a case";
}

// Two context.json files carry trailing commas, which strict JSON refuses.
nlohmann::json parse_lenient_json(std::string text) {
  text = std::regex_replace(text, std::regex(R"(,(\s*[}\]]))"), "$1");
  return nlohmann::json::parse(text);
}

std::string trim_newline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}

TEST_P(CrtSigV4Suite, MatchesEveryHeaderSigningStageByteForByte) {
  const fs::path dir = data_dir() / "sigv4-crt" / GetParam();
  const nlohmann::json context = parse_lenient_json(read_file(dir / "context.json"));
  const test::RawHttpRequest raw = test::parse_raw_http_request(read_file(dir / "request.txt"));
  https::HttpRequest request = to_signable(raw);

  ASSERT_EQ(context.at("timestamp").get<std::string>(), "2015-08-30T12:36:00Z");
  Credentials credentials;
  credentials.access_key_id = context.at("credentials").at("access_key_id").get<std::string>();
  credentials.secret_access_key =
      base::Secret(context.at("credentials").at("secret_access_key").get<std::string>());
  if (context.at("credentials").contains("token")) {
    credentials.session_token =
        base::Secret(context.at("credentials").at("token").get<std::string>());
  }
  SigningOptions options;
  options.normalize_path = context.at("normalize").get<bool>();
  options.content_sha256_header = context.at("sign_body").get<bool>();
  options.omit_session_token = context.value("omit_session_token", false);

  SigV4Signer signer(context.at("region").get<std::string>(),
                     context.at("service").get<std::string>(), options);
  signer.sign(request, credentials, suite_time());

  const std::string creq = SigV4Signer::canonical_request(
      as_signed(request, options), crypto::sha256_hex(raw.body), options.normalize_path);
  EXPECT_EQ(creq, read_file(dir / "header-canonical-request.txt"));
  const std::string sts = signer.string_to_sign("20150830T123600Z", creq);
  EXPECT_EQ(sts, read_file(dir / "header-string-to-sign.txt"));
  EXPECT_EQ(signer.signature(credentials.secret_access_key.reveal(), "20150830", sts),
            trim_newline(read_file(dir / "header-signature.txt")));
  const std::string signed_request = read_file(dir / "header-signed-request.txt");
  const std::string* authz = request.header("Authorization");
  ASSERT_NE(authz, nullptr);
  EXPECT_EQ(*authz, header_line_value(signed_request, "authorization"));
  // Every header of the expected signed request is present with its value.
  const test::RawHttpRequest expected = test::parse_raw_http_request(signed_request);
  for (const auto& [name, value] : expected.headers) {
    const std::string* ours = request.header(name);
    ASSERT_NE(ours, nullptr) << name;
    if (std::count_if(expected.headers.begin(), expected.headers.end(),
                      [&](const auto& h) { return h.first == name; }) == 1) {
      EXPECT_EQ(*ours, value) << name;
    }
  }
}

std::string query_parameter(std::string_view query, std::string_view name) {
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos)
      end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    if (pair.substr(0, name.size() + 1) == std::string(name) + "=") {
      return std::string(pair.substr(name.size() + 1));
    }
    start = end + 1;
  }
  return {};
}

TEST_P(CrtSigV4Suite, MatchesEveryQuerySigningStageByteForByte) {
  const fs::path dir = data_dir() / "sigv4-crt" / GetParam();
  const nlohmann::json context = parse_lenient_json(read_file(dir / "context.json"));
  const test::RawHttpRequest raw = test::parse_raw_http_request(read_file(dir / "request.txt"));
  https::HttpRequest request = to_signable(raw);
  Credentials credentials;
  credentials.access_key_id = context.at("credentials").at("access_key_id").get<std::string>();
  credentials.secret_access_key =
      base::Secret(context.at("credentials").at("secret_access_key").get<std::string>());
  if (context.at("credentials").contains("token")) {
    credentials.session_token =
        base::Secret(context.at("credentials").at("token").get<std::string>());
  }
  SigningOptions options;
  options.normalize_path = context.at("normalize").get<bool>();
  options.omit_session_token = context.value("omit_session_token", false);
  SigV4Signer signer(context.at("region").get<std::string>(),
                     context.at("service").get<std::string>(), options);
  const std::string original_query = request.query;
  signer.presign(request, credentials, suite_time(),
                 std::chrono::seconds(context.at("expiration_in_seconds").get<int>()));

  // The canonical request covers the query as it was before the signature (and, with
  // omit_session_token, the token) was appended.
  https::HttpRequest before = request;
  const std::string signature = query_parameter(request.query, "X-Amz-Signature");
  before.query = request.query.substr(0, request.query.find("&X-Amz-Signature="));
  const std::string creq =
      SigV4Signer::canonical_request(before, crypto::sha256_hex(raw.body), options.normalize_path);
  EXPECT_EQ(creq, read_file(dir / "query-canonical-request.txt"));
  const std::string sts = signer.string_to_sign("20150830T123600Z", creq);
  EXPECT_EQ(sts, read_file(dir / "query-string-to-sign.txt"));
  EXPECT_EQ(signature, trim_newline(read_file(dir / "query-signature.txt")));
  // The expected signed request carries the same parameters (in its own order).
  const test::RawHttpRequest expected =
      test::parse_raw_http_request(read_file(dir / "query-signed-request.txt"));
  for (const char* name :
       {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires",
        "X-Amz-Security-Token", "X-Amz-Signature"}) {
    EXPECT_EQ(query_parameter(request.query, name), query_parameter(expected.query, name)) << name;
  }
  EXPECT_EQ(request.query.substr(0, original_query.size()), original_query);
  EXPECT_EQ(request.header("Authorization"), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Cases, CrtSigV4Suite, testing::ValuesIn(crt_cases()), test_name);

}  // namespace
}  // namespace canhose::aws
