// The ingest endpoint over real loopback sockets into a real queue: what producers get
// back, what lands in the queue (exactly once, byte for byte, in order), and that bad or
// hostile clients are answered or closed while a good client is still served.

#include <sys/resource.h>
#include <sys/stat.h>

#include <set>

#include <nlohmann/json.hpp>

#include "aws/crypto.hpp"
#include "aws/sigv4_signer.hpp"
#include "https/http_request.hpp"
#include "ingest_server_fixture.hpp"
#include "support/test_pki.hpp"

namespace canhose::ingest {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::put_record_batch_body;

class IngestServerTest : public testing::IngestServerFixture {};

std::vector<std::string> numbered(std::size_t n, std::string_view tag, std::size_t size = 100) {
  std::vector<std::string> records;
  for (std::size_t i = 0; i < n; ++i) {
    std::string r = std::string(tag) + " " + std::to_string(i) + " ";
    r.resize(size - 1, static_cast<char>('a' + i % 26));
    records.push_back(r + "\n");
  }
  return records;
}

TEST_F(IngestServerTest, BatchesOverOneKeepAliveConnectionLandInTheQueueExactlyOnce) {
  start();
  auto c = client();
  std::vector<std::string> sent;
  std::set<std::string> ids;
  for (const auto& [count, tag] : std::vector<std::pair<std::size_t, std::string>>{
           {500, "first"}, {1, "second"}, {37, "third"}}) {
    const auto records = numbered(count, tag);
    const auto reply = c.call("PutRecordBatch", put_record_batch_body("telemetry", records));
    ASSERT_EQ(reply.status, 200u) << reply.body;
    EXPECT_TRUE(reply.keep_alive);
    EXPECT_EQ(reply.headers.at("content-type"), "application/x-amz-json-1.1");
    EXPECT_FALSE(reply.headers.at("x-amzn-requestid").empty());
    const json body = json::parse(reply.body);
    EXPECT_EQ(body.at("FailedPutCount"), 0);
    ASSERT_EQ(body.at("RequestResponses").size(), count);
    for (const auto& r : body.at("RequestResponses")) {
      const std::string id = r.at("RecordId");
      EXPECT_EQ(id.size(), 56u);
      EXPECT_TRUE(ids.insert(id).second) << "RecordIds are unique";
    }
    sent.insert(sent.end(), records.begin(), records.end());
  }
  const char raw[] = "one \0 binary \xff record";
  const std::string single(raw, sizeof raw - 1);  // the NUL inside included
  const auto reply =
      c.call("PutRecord", json{{"DeliveryStreamName", "telemetry"},
                               {"Record", {{"Data", aws::crypto::base64_encode(single)}}}}
                              .dump());
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(json::parse(reply.body).at("RecordId").get<std::string>().size(), 56u);
  sent.push_back(single);

  EXPECT_EQ(counters().connections_accepted, 1u) << "one connection for every call";
  stop();
  EXPECT_EQ(queued_records(), sent);
}

TEST_F(IngestServerTest, APutIsAnsweredOnlyOnceItsRecordsAreDurable) {
  start();
  fs_->fail_creates(std::errc::io_error);  // the queue cannot write: nothing is durable
  auto reply = std::async(std::launch::async, [this] {
    auto c = client();
    return c.call("PutRecordBatch", put_record_batch_body("telemetry", {"held\n"}));
  });
  ASSERT_TRUE(eventually([this] { return server_->counters().records_accepted == 1; }));
  // Accepted into memory, not on disk, not answered.
  EXPECT_EQ(on_loop([this] { return queue_->metrics().durable_seq; }), 0u);
  std::vector<metrics::MetricFamily> families;
  on_loop([&] {
    server_->collect_metrics(families);
    return 0;
  });
  EXPECT_TRUE(families.at(0).samples.empty()) << "no call answered yet";
  fs_->clear();
  const auto answer = reply.get();
  EXPECT_EQ(answer.status, 200u) << answer.body;
  EXPECT_GE(on_loop([this] { return queue_->metrics().durable_seq; }), 1u);
}

TEST_F(IngestServerTest, AFullQueueUnderDropNewestThrottlesAndSdksCanRetry) {
  queue_options_.when_full = queue::WhenFull::drop_newest;
  queue_options_.segment_bytes = 1 << 20;
  queue_options_.max_bytes = 4 << 20;
  queue_options_.memory_buffer_bytes = 2 << 20;
  start();
  auto c = client();
  // 100 KiB records until the queue refuses some.
  std::size_t accepted = 0;
  test::FirehoseHttpReply last;
  for (int i = 0; i < 200; ++i) {
    last =
        c.call("PutRecordBatch", put_record_batch_body("telemetry", {std::string(100 << 10, 'f')}));
    if (last.status != 200) {
      break;
    }
    ++accepted;
  }
  EXPECT_EQ(last.status, 503u) << last.body;
  EXPECT_EQ(last.error_code(), "ServiceUnavailableException");
  EXPECT_EQ(last.headers.at("x-amzn-errortype").rfind("ServiceUnavailableException:", 0), 0u);
  EXPECT_GT(accepted, 0u);
  // Refused records are reported in place with Firehose's error code, and the accepted
  // ones are a prefix of the call: a producer that resends the refused ones keeps the order.
  // 400 KiB in 1 KiB records: more than the room left (under 100 KiB).
  const auto mixed = c.call(
      "PutRecordBatch",
      put_record_batch_body("telemetry", std::vector<std::string>(400, std::string(1024, 'm'))));
  if (mixed.status == 200) {
    const json body = json::parse(mixed.body);
    EXPECT_GE(body.at("FailedPutCount"), 1) << mixed.body.substr(0, 300);
    bool refused_one = false;
    for (const json& r : body.at("RequestResponses")) {
      if (r.contains("ErrorCode")) {
        EXPECT_EQ(r.at("ErrorCode"), "ServiceUnavailableException");
        refused_one = true;
      } else {
        EXPECT_FALSE(refused_one) << "an accepted record after a refused one";
      }
    }
  } else {
    EXPECT_EQ(mixed.error_code(), "ServiceUnavailableException");
  }
  // Nothing was lost: the producer was told to retry. The queue counts no drop.
  EXPECT_EQ(
      on_loop([this] { return queue_->metrics().dropped(queue::DropReason::queue_full_newest); }),
      0u);
  const auto refused = counters().records_refused;
  EXPECT_GE(refused, 1u);
  // Delivery frees space: the producer's retry goes through.
  on_loop([this] {
    for (;;) {
      auto batch = queue_->read(1000, 16 << 20);
      if (batch.records.empty()) {
        return 0;
      }
      for (const auto& r : batch.records) {
        queue_->acknowledge(r.seq);
      }
    }
  });
  bool retried = false;
  for (int attempt = 0; attempt < 600 && !retried; ++attempt) {
    const auto retry =
        c.call("PutRecordBatch", put_record_batch_body("telemetry", {std::string(100 << 10, 'r')}));
    retried = retry.status == 200;
    if (!retried) {
      std::this_thread::sleep_for(50ms);  // the queue deletes delivered segments on its worker
    }
  }
  EXPECT_TRUE(retried);
}

TEST_F(IngestServerTest, BadCallsGetFirehoseErrorsAndTheConnectionStaysUsable) {
  start();
  auto c = client();
  EXPECT_EQ(c.call("PutRecordBatch", "{\"DeliveryStreamName\": ").error_code(),
            "SerializationException");
  EXPECT_EQ(c.call("PutRecordBatch",
                   R"({"DeliveryStreamName":"telemetry","Records":[{"Data":"*not base64*"}]})")
                .error_code(),
            "SerializationException");
  const auto not_found = c.call("PutRecordBatch", put_record_batch_body("nope", {"x"}));
  EXPECT_EQ(not_found.status, 400u);
  EXPECT_EQ(not_found.error_code(), "ResourceNotFoundException");
  const auto unknown = c.call("DeleteDeliveryStream", R"({"DeliveryStreamName":"telemetry"})");
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_EQ(unknown.error_code(), "UnknownOperationException");
  const auto too_many =
      c.call("PutRecordBatch", put_record_batch_body("telemetry", numbered(501, "x", 10)));
  EXPECT_EQ(too_many.error_code(), "ValidationException");
  // Still the same connection, still working.
  EXPECT_EQ(c.call("PutRecordBatch", put_record_batch_body("telemetry", {"good\n"})).status, 200u);
  EXPECT_EQ(c.call("ListDeliveryStreams", "{}").body,
            R"({"DeliveryStreamNames":["telemetry"],"HasMoreDeliveryStreams":false})");
  EXPECT_EQ(counters().connections_accepted, 1u);
  stop();
  EXPECT_EQ(queued_records(), std::vector<std::string>{"good\n"});
}

TEST_F(IngestServerTest, AnOversizedBodyIsRefusedBeforeItIsRead) {
  options_.max_body_bytes = 64 << 10;
  start();
  auto big = client();
  const std::string body =
      put_record_batch_body("telemetry", {std::string(100 << 10, 'b')});  // 133 KiB encoded
  const auto reply = big.raw(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
      "X-Amz-Target: Firehose_20150804.PutRecordBatch\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  // Either the 413 arrives, or the close overtakes it (the body was still being sent).
  if (reply) {
    EXPECT_EQ(reply->status, 413u);
    EXPECT_FALSE(reply->keep_alive);
  }
  EXPECT_TRUE(eventually([this] { return server_->counters().bodies_too_large == 1; }));
  EXPECT_EQ(client().call("PutRecordBatch", put_record_batch_body("telemetry", {"ok"})).status,
            200u);
  // A chunked body that grows past the limit is cut off as well.
  auto chunked = client();
  chunked.write(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
      "X-Amz-Target: Firehose_20150804.PutRecordBatch\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk(32 << 10, 'c');
  for (int i = 0; i < 3; ++i) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    try {
      chunked.write(std::string(size) + chunk + "\r\n");
    } catch (const std::exception&) {
      break;  // closed while writing
    }
  }
  EXPECT_TRUE(eventually([this] { return server_->counters().bodies_too_large == 2; }));
}

TEST_F(IngestServerTest, HugeHeadersCloseTheConnectionWithoutAnAnswer) {
  start();
  auto c = client();
  const auto reply = c.raw("POST / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 << 10, 'h') +
                           "\r\nContent-Length: 0\r\n\r\n");
  EXPECT_FALSE(reply.has_value());
  EXPECT_EQ(counters().headers_too_large, 1u);
  EXPECT_EQ(client().call("ListDeliveryStreams", "").status, 200u);
}

TEST_F(IngestServerTest, SlowClientsAreClosedWhileAGoodClientIsServed) {
  options_.request_timeout = 300ms;
  options_.idle_timeout = 300ms;
  start();
  // Slowloris: a request begun and never finished; an idle keep-alive connection.
  auto slow = client();
  slow.write("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Firehose_2015");
  auto idle = client();
  EXPECT_EQ(idle.call("ListDeliveryStreams", "").status, 200u);
  auto good = client();
  EXPECT_EQ(good.call("PutRecordBatch", put_record_batch_body("telemetry", {"meanwhile"})).status,
            200u);
  EXPECT_TRUE(slow.closed_by_server());
  EXPECT_TRUE(idle.closed_by_server());
  const IngestCounters c = counters();
  EXPECT_GE(c.request_timeouts, 1u);
  EXPECT_GE(c.idle_timeouts, 1u);
}

TEST_F(IngestServerTest, ThousandsOfIdleConnectionsDoNotLockAProducerOut) {
  options_.max_connections = 32;
  options_.max_connections_per_address = 32;
  start();
  // Both ends of every connection are in this process: make room for them.
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = std::max(files.rlim_cur, std::min<rlim_t>(files.rlim_max, 4096));
  ::setrlimit(RLIMIT_NOFILE, &files);
  const std::size_t n = std::min<std::size_t>(1000, files.rlim_cur - 200);
  asio::io_context client_io;
  std::vector<asio::ip::tcp::socket> idle;
  for (std::size_t i = 0; i < n; ++i) {
    asio::ip::tcp::socket s(client_io);
    s.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    idle.push_back(std::move(s));
  }
  ASSERT_TRUE(eventually([&] { return server_->counters().connections_accepted == n; }));
  EXPECT_LE(on_loop([this] { return server_->connections(); }), 32u);
  EXPECT_EQ(client().call("PutRecordBatch", put_record_batch_body("telemetry", {"through"})).status,
            200u);
  EXPECT_GE(counters().replaced_while_waiting, n - 32u);
}

TEST_F(IngestServerTest, ExpectContinueIsHonoured) {
  start();
  auto c = client();
  const std::string body = put_record_batch_body("telemetry", {"curl-style"});
  const auto reply = c.raw(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
      "X-Amz-Target: Firehose_20150804.PutRecordBatch\r\nExpect: 100-continue\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 100u) << "the interim answer first";
  const auto final_reply = c.raw("");
  ASSERT_TRUE(final_reply);
  EXPECT_EQ(final_reply->status, 200u) << final_reply->body;
  stop();
  EXPECT_EQ(queued_records(), std::vector<std::string>{"curl-style"});
}

TEST_F(IngestServerTest, TlsWhenCertificatesAreGiven) {
  const test::TestPki pki = test::make_test_pki(dir_.path() / "pki");
  options_.tls_cert = pki.server_cert;
  options_.tls_key = pki.server_key;
  start();
  auto c = test::FirehoseHttpClient::tls(server_->port(), pki.ca_cert);
  EXPECT_EQ(c.call("PutRecordBatch", put_record_batch_body("telemetry", {"over tls"})).status,
            200u);
  // Plain HTTP to the TLS port: the handshake fails and the connection is closed.
  auto plain = client();
  EXPECT_FALSE(plain.raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").has_value());
  EXPECT_TRUE(eventually([this] { return server_->counters().tls_handshake_failures == 1; }));
  stop();
  EXPECT_EQ(queued_records(), std::vector<std::string>{"over tls"});
}

TEST_F(IngestServerTest, UnixSocketWithTheConfiguredMode) {
  options_.listen.clear();
  options_.unix_socket = dir_.path() / "ingest.sock";
  options_.unix_socket_mode = 0600;
  start();
  struct stat st {};
  ASSERT_EQ(::stat(options_.unix_socket.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto c = test::FirehoseHttpClient::unix_socket(options_.unix_socket);
  EXPECT_EQ(
      c.call("PutRecord", R"({"DeliveryStreamName":"telemetry","Record":{"Data":"dXg="}})").status,
      200u);
  stop();
  EXPECT_FALSE(std::filesystem::exists(options_.unix_socket)) << "removed at stop";
  EXPECT_EQ(queued_records(), std::vector<std::string>{"ux"});
}

TEST_F(IngestServerTest, SigV4AuthAcceptsOnlyRequestsSignedWithALocalKey) {
  options_.auth = IngestAuth::sigv4;
  options_.keys.push_back({"AKIDLOCAL", base::Secret("local-secret")});
  start();
  auto c = client();
  const auto unsigned_reply =
      c.call("PutRecordBatch", put_record_batch_body("telemetry", {"unsigned"}));
  EXPECT_EQ(unsigned_reply.status, 400u);
  EXPECT_EQ(unsigned_reply.error_code(), "MissingAuthenticationTokenException");

  const std::string body = put_record_batch_body("telemetry", {"signed"});
  https::HttpRequest request;
  request.method = "POST";
  request.path = "/";
  request.headers = {{"Host", "127.0.0.1:" + std::to_string(server_->port())},
                     {"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "Firehose_20150804.PutRecordBatch"}};
  request.payload = body;
  aws::SigV4Signer signer("us-east-1", "firehose");
  signer.sign(request, {"AKIDLOCAL", base::Secret("local-secret"), {}, {}, "test"},
              std::chrono::system_clock::now());
  std::vector<std::pair<std::string, std::string>> signed_headers;
  for (const auto& [n, v] : request.headers) {
    if (n != "Host" && n != "Content-Type" && n != "X-Amz-Target") {
      signed_headers.emplace_back(n, v);
    }
  }
  EXPECT_EQ(c.call("PutRecordBatch", body, signed_headers).status, 200u);
  EXPECT_EQ(
      c.call("PutRecordBatch", put_record_batch_body("telemetry", {"other body"}), signed_headers)
          .error_code(),
      "InvalidSignatureException");
  stop();
  EXPECT_EQ(queued_records(), std::vector<std::string>{"signed"});
}

TEST_F(IngestServerTest, MetricsCountCallsRecordsAndConnections) {
  start();
  auto c = client();
  c.call("PutRecordBatch", put_record_batch_body("telemetry", {"a", "b"}));
  c.call("PutRecordBatch", put_record_batch_body("nope", {"a"}));
  std::vector<metrics::MetricFamily> families;
  on_loop([&] {
    server_->collect_metrics(families);
    return 0;
  });
  auto value = [&](std::string_view name, std::vector<std::pair<std::string, std::string>> labels) {
    for (const auto& f : families) {
      if (f.name == name) {
        for (const auto& s : f.samples) {
          if (s.labels == labels) {
            return s.value;
          }
        }
      }
    }
    return -1.0;
  };
  EXPECT_EQ(
      value("canhose_ingest_requests_total", {{"operation", "PutRecordBatch"}, {"code", "ok"}}),
      1.0);
  EXPECT_EQ(value("canhose_ingest_requests_total",
                  {{"operation", "PutRecordBatch"}, {"code", "ResourceNotFoundException"}}),
            1.0);
  EXPECT_EQ(
      value("canhose_ingest_records_total", {{"stream", "telemetry"}, {"result", "accepted"}}),
      2.0);
  EXPECT_EQ(value("canhose_ingest_records_total", {{"stream", "telemetry"}, {"result", "refused"}}),
            0.0);
  EXPECT_EQ(value("canhose_ingest_connections", {}), 1.0);
}

}  // namespace
}  // namespace canhose::ingest
