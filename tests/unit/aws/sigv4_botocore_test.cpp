// Differential test: our signer and botocore's (a real, independent implementation, run
// as a child process with Debian's /usr/bin/python3) sign the same 300 generated requests; the
// canonical requests, strings to sign and Authorization headers must be identical.
// The generator covers what the AWS suites check one case at a time - header case and
// ordering, whitespace runs and tabs in values, UTF-8 and reserved characters in paths,
// query parameters in any order with repeated keys, session tokens, binary bodies,
// regions and services - in random combinations. It stays inside the grammar both
// implementations define the same way: no "." / ".." / "//" path segments (botocore
// normalises with posixpath), no repeated header names (a dict in botocore), no
// user-agent/expect headers (botocore never signs them), query text of unreserved
// characters (botocore encodes the raw query without decoding it first).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <random>

#include <unistd.h>

#include "aws/crypto.hpp"
#include "aws/sigv4_signer.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace canhose::aws {
namespace {

using nlohmann::json;
using namespace std::chrono;

struct Generated {
  https::HttpRequest request;
  std::string body;
  std::string region;
  std::string service;
  std::string token;
  system_clock::time_point when;
  std::string url;
};

std::string pick(std::mt19937& rng, std::initializer_list<const char*> options) {
  return *(options.begin() + rng() % options.size());
}

Generated generate(std::mt19937& rng) {
  Generated g;
  g.region = pick(rng, {"us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1"});
  g.service = pick(rng, {"firehose", "service", "iot", "kinesis"});
  const std::string host = "example-" + std::to_string(rng() % 100) + ".amazonaws.com";
  g.request.method = pick(rng, {"GET", "POST", "PUT"});
  // Path: segments of unreserved characters, sometimes a space, '$', '+', '=', UTF-8.
  std::string path;
  const int segments = static_cast<int>(rng() % 4);
  for (int s = 0; s < segments; ++s) {
    path += '/';
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) {
      path += pick(rng, {"a", "Z", "0", "-", "_", "~", "x", " ", "$", "+", "=", "\xe1\x88\xb4",
                         "\xc3\xa9", "!", "*", "(", "@"});
    }
    if (path.back() == '.')
      path += 'a';
  }
  if (path.empty() || rng() % 4 == 0)
    path += '/';
  g.request.path = path;
  // Query: unreserved characters only, repeated keys allowed, empty values allowed.
  std::string query;
  const int params = static_cast<int>(rng() % 4);
  for (int p = 0; p < params; ++p) {
    if (!query.empty())
      query += '&';
    query += pick(rng, {"a", "B", "Param", "x-y", "k_1", "~t"});
    if (rng() % 5 != 0) {
      query += '=';
      query += pick(rng, {"", "1", "value", "V.2", "z-z", "A~b"});
    }
  }
  g.request.query = query;
  g.url = "https://" + host + path + (query.empty() ? "" : "?" + query);
  g.request.headers.emplace_back("Host", host);
  const int headers = static_cast<int>(rng() % 5);
  for (int h = 0; h < headers; ++h) {
    std::string name = pick(rng, {"X-Test-", "x-test-", "X-TEST-", "Content-Type", "X-Amz-Target"});
    if (name.back() == '-')
      name += std::to_string(h);
    std::string value = pick(
        rng, {"plain", "  leading", "trailing  ", "a   b\tc", "\t tabbed \t",
              "application/x-amz-json-1.1", "Firehose_20150804.PutRecord", "q\"uoted  \"", ""});
    bool duplicate = false;
    for (const auto& [n, v] : g.request.headers) {
      std::string a = n, b = name;
      for (char& c : a)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (char& c : b)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      duplicate = duplicate || a == b;
    }
    if (!duplicate)
      g.request.headers.emplace_back(name, value);
  }
  const std::size_t body_size = rng() % 3 == 0 ? 0 : rng() % 2000;
  g.body.resize(body_size);
  for (char& c : g.body)
    c = static_cast<char>(rng());
  if (rng() % 2 == 0) {
    g.token = "FwoGZXIvYXdzE" + std::to_string(rng()) + "//////////wEaD/+=";
  }
  g.when = sys_days{year{2015 + static_cast<int>(rng() % 20)} /
                    month{static_cast<unsigned>(1 + rng() % 12)} /
                    day{static_cast<unsigned>(1 + rng() % 28)}} +
           seconds(rng() % 86400);
  return g;
}

TEST(SigV4AgainstBotocore, ThreeHundredGeneratedRequestsSignIdentically) {
  std::mt19937 rng(20150830);
  std::vector<Generated> cases;
  json specs = json::array();
  for (int i = 0; i < 300; ++i) {
    Generated g = generate(rng);
    json headers = json::array();
    for (const auto& [n, v] : g.request.headers)
      headers.push_back({n, v});
    specs.push_back({{"method", g.request.method},
                     {"url", g.url},
                     {"headers", headers},
                     {"body_b64", crypto::base64_encode(g.body)},
                     {"region", g.region},
                     {"service", g.service},
                     {"access_key", "AKIDEXAMPLE"},
                     {"secret_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                     {"token", g.token},
                     {"timestamp", SigV4Signer::amz_date(g.when)}});
    cases.push_back(std::move(g));
  }
  test::TempDir dir;
  const auto input = dir.write("requests.json", specs.dump());
  const auto run = test::run_program(
      // Debian's interpreter with python3-botocore (packaging/install-build-deps.sh).
      "/usr/bin/python3",
      {std::string(CANHOSE_SOURCE_DIR) + "/tests/tools/botocore_sigv4_sign.py", input.string()},
      dir.path(), seconds(120));
  ASSERT_TRUE(run.status.exited && run.status.code == 0)
      << "python3 with botocore is needed for this test: " << run.err;
  const json expected = json::parse(run.out);
  ASSERT_EQ(expected.size(), cases.size());

  for (std::size_t i = 0; i < cases.size(); ++i) {
    Generated& g = cases[i];
    g.request.payload = g.body;
    Credentials credentials;
    credentials.access_key_id = "AKIDEXAMPLE";
    credentials.secret_access_key = base::Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    credentials.session_token = base::Secret(g.token);
    SigV4Signer signer(g.region, g.service);
    signer.sign(g.request, credentials, g.when);
    const std::string creq = SigV4Signer::canonical_request(g.request, crypto::sha256_hex(g.body));
    EXPECT_EQ(creq, expected[i]["canonical_request"].get<std::string>()) << "request " << i;
    EXPECT_EQ(signer.string_to_sign(SigV4Signer::amz_date(g.when), creq),
              expected[i]["string_to_sign"].get<std::string>())
        << "request " << i;
    EXPECT_EQ(*g.request.header("Authorization"), expected[i]["authorization"].get<std::string>())
        << "request " << i << ": " << g.url;
  }
}

}  // namespace
}  // namespace canhose::aws
