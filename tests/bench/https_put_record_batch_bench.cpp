// PutRecordBatch of 500 x 100-byte records over one kept-alive HTTPS connection to a
// local server (the in-process Beast TLS server on 127.0.0.1, on its own thread).
// Reports requests per second and the client's CPU time per request (CLOCK_THREAD_CPUTIME_ID
// of the benchmark thread, which runs the client's io_context; the server's CPU is not
// counted). Variants: transport only, and signing + transport (SigV4 each request).
//
//   cmake --preset release && cmake --build --preset release --target
//   canhose_https_put_record_batch_bench
//   build/release/tests/bench/canhose_https_put_record_batch_bench

#include <benchmark/benchmark.h>
#include <time.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "asio/asio.hpp"
#include "aws/put_record_batch_body.hpp"
#include "aws/sigv4_signer.hpp"
#include "https/https_transport.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate_authority.hpp"
#include "support/tls_test_server.hpp"

namespace {

using namespace canhose;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string batch_body() {
  aws::PutRecordBatchBody body("edge-gw");
  for (int i = 0; i < 500; ++i) {
    std::string record(99, static_cast<char>('a' + i % 26));
    record += '\n';
    body.add(record);
  }
  return body.finish();
}

// What Firehose answers: 500 RecordIds of 56 digits.
std::string batch_response() {
  std::string body = R"({"Encrypted":false,"FailedPutCount":0,"RequestResponses":[)";
  for (int i = 0; i < 500; ++i) {
    if (i != 0) {
      body += ',';
    }
    body += R"({"RecordId":")" + std::string(56, static_cast<char>('0' + i % 10)) + "\"}";
  }
  return body + "]}";
}

void run(benchmark::State& state, bool sign) {
  test::TempDir dir;
  test::TestCertificateAuthority ca(dir.path(), "ca");
  auto server_cert = ca.issue_localhost_server("server");
  const std::string response = batch_response();
  test::TlsTestServerOptions server_options;
  server_options.cert_file = server_cert.cert_file.string();
  server_options.key_file = server_cert.key_file.string();
  test::TlsTestServer server(server_options, [&response](const test::TestRequest&) {
    test::TestReply reply;
    reply.headers = {{"Content-Type", "application/x-amz-json-1.1"}};
    reply.body = response;
    return reply;
  });

  asio::io_context io;
  https::HttpsTransportOptions options;
  options.tls.ca_file = ca.certificate().cert_file.string();
  options.proxy = "none";
  https::HttpsTransport transport(io.get_executor(), options);
  https::Endpoint endpoint{"https", "127.0.0.1", server.port()};
  const std::string body = batch_body();
  aws::SigV4Signer signer("us-east-1", "firehose");
  aws::Credentials credentials;
  credentials.access_key_id = "AKIDEXAMPLE";
  credentials.secret_access_key = base::Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

  auto one_request = [&] {
    https::HttpRequest request;
    request.method = "POST";
    request.path = "/";
    request.headers = {{"Host", endpoint.host_header()},
                       {"Content-Type", "application/x-amz-json-1.1"},
                       {"X-Amz-Target", "Firehose_20150804.PutRecordBatch"}};
    request.payload = body;
    if (sign) {
      signer.sign(request, credentials, std::chrono::system_clock::now());
    }
    std::optional<https::HttpResult> result;
    transport.async_send(endpoint, std::move(request), body,
                         [&result](https::HttpResult r) { result = std::move(r); });
    io.restart();
    while (!result) {
      io.run_one();
    }
    if (!result->ok() || result->response.status != 200) {
      throw std::runtime_error("request failed: " + result->message);
    }
  };

  one_request();  // connect and handshake outside the measurement: kept-alive from here
  const double cpu_start = thread_cpu_seconds();
  for (auto _ : state) {
    one_request();
  }
  const double cpu = thread_cpu_seconds() - cpu_start;
  const auto n = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
  state.counters["client_cpu_us_per_req"] = cpu / n * 1e6;
  state.counters["connections"] = static_cast<double>(server.connections_accepted());
}

void BM_HttpsPutRecordBatchKeptAlive(benchmark::State& state) {
  run(state, false);
}
void BM_HttpsSignedPutRecordBatchKeptAlive(benchmark::State& state) {
  run(state, true);
}

BENCHMARK(BM_HttpsPutRecordBatchKeptAlive)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HttpsSignedPutRecordBatchKeptAlive)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
