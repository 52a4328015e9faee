// Cost of signing and encoding a typical PutRecordBatch: 500 records of 100 bytes.
//   canhose_sigv4_bench --benchmark_filter=Sign
// Goal: signing with a cached key costs microseconds (dominated by SHA-256 of the
// ~74 KB body); encoding costs well under a microsecond per record.

#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "aws/crypto.hpp"
#include "aws/firehose_api.hpp"
#include "aws/put_record_batch_body.hpp"
#include "aws/sigv4_signer.hpp"
#include "https/http_request.hpp"

namespace {

using namespace canhose::aws;
namespace https = canhose::https;

std::vector<std::string> records(std::size_t count, std::size_t size) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    std::string r = std::to_string(i) + " 1764093600123 WVWZZZ1JZXW000001 52.5200 13.4050 42.1 ";
    r.resize(size - 1, '7');
    r += '\n';
    out.push_back(std::move(r));
  }
  return out;
}

std::string batch_body() {
  PutRecordBatchBody body("edge-gw");
  for (const auto& r : records(500, 100))
    body.add(r);
  return body.finish();
}

Credentials credentials() {
  Credentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = canhose::base::Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  c.session_token = canhose::base::Secret(std::string(400, 'T'));  // IoT-sized token
  return c;
}

https::HttpRequest batch_request(const std::string& body) {
  https::HttpRequest request;
  request.method = "POST";
  request.path = "/";
  request.headers = {{"Host", "firehose.eu-west-1.amazonaws.com"},
                     {"Content-Type", std::string(firehose_content_type)},
                     {"X-Amz-Target", "Firehose_20150804.PutRecordBatch"}};
  request.payload = body;
  return request;
}

void BM_SignPutRecordBatchCachedKey(benchmark::State& state) {
  const std::string body = batch_body();
  const Credentials creds = credentials();
  SigV4Signer signer("eu-west-1", "firehose");
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state) {
    https::HttpRequest request = batch_request(body);
    signer.sign(request, creds, now);
    benchmark::DoNotOptimize(request.headers.back().second.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_SignPutRecordBatchCachedKey);

void BM_SignPutRecordBatchFreshKey(benchmark::State& state) {
  const std::string body = batch_body();
  const Credentials creds = credentials();
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state) {
    SigV4Signer signer("eu-west-1", "firehose");  // derives the key every time
    https::HttpRequest request = batch_request(body);
    signer.sign(request, creds, now);
    benchmark::DoNotOptimize(request.headers.back().second.data());
  }
}
BENCHMARK(BM_SignPutRecordBatchFreshKey);

// Everything but the payload hash: the signer's fixed cost per request.
void BM_SignEmptyRequestCachedKey(benchmark::State& state) {
  const std::string body;
  const Credentials creds = credentials();
  SigV4Signer signer("eu-west-1", "firehose");
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state) {
    https::HttpRequest request = batch_request(body);
    signer.sign(request, creds, now);
    benchmark::DoNotOptimize(request.headers.back().second.data());
  }
}
BENCHMARK(BM_SignEmptyRequestCachedKey);

void BM_EncodePutRecordBatchBody(benchmark::State& state) {
  const auto recs = records(500, static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    PutRecordBatchBody body("edge-gw");
    for (const auto& r : recs)
      body.add(r);
    std::string text = body.finish();
    benchmark::DoNotOptimize(text.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * recs.size()));
}
BENCHMARK(BM_EncodePutRecordBatchBody)->Arg(100)->Arg(1000);

void BM_ParsePutRecordBatchResponse(benchmark::State& state) {
  std::string response = R"({"FailedPutCount":0,"Encrypted":false,"RequestResponses":[)";
  for (int i = 0; i < 500; ++i) {
    if (i > 0)
      response += ',';
    response += R"({"RecordId":"49543463076548007577105092703039560359975228518395012686"})";
  }
  response += "]}";
  for (auto _ : state) {
    auto result = parse_put_record_batch_response(response, 500);
    benchmark::DoNotOptimize(result.value.records.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 500));
}
BENCHMARK(BM_ParsePutRecordBatchResponse);

}  // namespace

BENCHMARK_MAIN();
