// The Firehose API without sockets: what each request is answered, and the records a put
// hands to the queue. Answers are read back with nlohmann and with the project's own
// Firehose client parsers (lib/aws), which must understand them as they understand Firehose.

#include "ingest/firehose_ingest_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/crypto.hpp"
#include "aws/firehose_api.hpp"

namespace canhose::ingest {
namespace {

using nlohmann::json;

constexpr std::string_view kJson = "application/x-amz-json-1.1";

class FirehoseIngestApiTest : public ::testing::Test {
 protected:
  FirehoseIngestApi api_{{{"telemetry", "fleet-telemetry", {}},
                          {"dashcam", "fleet-dashcam", {}},
                          {"alpha", "alpha", {}}}};

  IngestDecision call(std::string_view operation, const std::string& body) {
    const std::string target = "Firehose_20150804." + std::string(operation);
    return api_.decide({"POST", kJson, target, body});
  }
  // An answer that must be an error: its code and message.
  static std::pair<std::string, std::string> error_of(const IngestDecision& d) {
    EXPECT_TRUE(d.answer.has_value());
    EXPECT_FALSE(d.put.has_value());
    if (!d.answer) {
      return {};
    }
    const json body = json::parse(d.answer->body);
    std::string type = body.at("__type");
    type = type.substr(type.rfind('#') + 1);
    EXPECT_EQ(type, d.answer->error_code);
    EXPECT_EQ(d.answer->error_type_header.substr(0, type.size() + 1), type + ":");
    return {type, body.value("message", "")};
  }
  static std::string b64(std::string_view data) { return aws::crypto::base64_encode(data); }
  static std::string batch(const std::vector<std::string>& records,
                           const std::string& stream = "telemetry") {
    json body{{"DeliveryStreamName", stream}, {"Records", json::array()}};
    for (const auto& r : records) {
      body["Records"].push_back({{"Data", b64(r)}});
    }
    return body.dump();
  }
  static std::string record_data(const PutCall& call, std::size_t i) {
    const auto bytes = call.record(i);
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
};

TEST_F(FirehoseIngestApiTest, PutRecordDecodesTheRecordAndAnswersItsId) {
  const auto d = call("PutRecord", R"({"DeliveryStreamName":"dashcam","Record":{"Data":")" +
                                       b64("1 2 3 event\n") + R"("}})");
  ASSERT_TRUE(d.put) << (d.answer ? d.answer->body : "");
  EXPECT_EQ(d.operation, IngestOperation::put_record);
  EXPECT_EQ(api_.streams()[d.put->stream].name, "dashcam");
  EXPECT_EQ(api_.streams()[d.put->stream].upstream, "fleet-dashcam");
  ASSERT_EQ(d.put->records.size(), 1u);
  EXPECT_EQ(record_data(*d.put, 0), "1 2 3 event\n");

  const std::string prefix(36, '7');
  const std::uint64_t seqs[] = {42};
  const IngestResponse answer = api_.build_put_answer(*d.put, seqs, prefix);
  EXPECT_EQ(answer.status, 200u);
  const auto parsed = aws::parse_put_record_response(answer.body);
  ASSERT_TRUE(parsed.ok()) << answer.body;
  EXPECT_EQ(parsed.value.record_id, prefix + "00000000000000000042");
  EXPECT_FALSE(parsed.value.encrypted);
}

TEST_F(FirehoseIngestApiTest, PutRecordBatchKeepsOrderAndReportsRefusedRecordsInPlace) {
  const auto d = call("PutRecordBatch", batch({"first\n", "", "third\n"}));
  ASSERT_TRUE(d.put) << (d.answer ? d.answer->body : "");
  ASSERT_EQ(d.put->records.size(), 3u);
  EXPECT_EQ(record_data(*d.put, 0), "first\n");
  EXPECT_EQ(record_data(*d.put, 1), "");  // an empty record is valid (Data min length 0)
  EXPECT_EQ(record_data(*d.put, 2), "third\n");

  const std::string prefix = new_record_id_prefix();
  const std::uint64_t seqs[] = {7, 0, 8};
  const IngestResponse answer = api_.build_put_answer(*d.put, seqs, prefix);
  EXPECT_EQ(answer.status, 200u);
  const auto parsed = aws::parse_put_record_batch_response(answer.body, 3);
  ASSERT_TRUE(parsed.ok()) << answer.body;
  EXPECT_EQ(parsed.value.failed_put_count, 1u);
  ASSERT_EQ(parsed.value.records.size(), 3u);
  EXPECT_EQ(parsed.value.records[0].record_id, prefix + "00000000000000000007");
  EXPECT_EQ(parsed.value.records[1].error_code, "ServiceUnavailableException");
  EXPECT_EQ(parsed.value.records[1].error_message, "Slow down.");
  EXPECT_EQ(parsed.value.records[2].record_id, prefix + "00000000000000000008");
  EXPECT_EQ(json::parse(answer.body).at("Encrypted"), false);
}

TEST_F(FirehoseIngestApiTest, ACallWhoseEveryRecordIsRefusedIsThrottledWhole) {
  const auto d = call("PutRecordBatch", batch({"a", "b"}));
  ASSERT_TRUE(d.put);
  const std::uint64_t seqs[] = {0, 0};
  const IngestResponse answer = api_.build_put_answer(*d.put, seqs, std::string(36, '1'));
  EXPECT_EQ(answer.status, 503u);  // SDKs retry 503 with backoff
  EXPECT_EQ(answer.error_code, "ServiceUnavailableException");
  EXPECT_EQ(json::parse(answer.body).at("__type"), "ServiceUnavailableException");

  const auto single = call("PutRecord", R"({"DeliveryStreamName":"alpha","Record":{"Data":""}})");
  ASSERT_TRUE(single.put);
  const std::uint64_t none[] = {0};
  EXPECT_EQ(api_.build_put_answer(*single.put, none, std::string(36, '1')).status, 503u);
}

TEST_F(FirehoseIngestApiTest, RecordIdsAre56DigitsUniqueAcrossPrefixes) {
  const std::string a = new_record_id_prefix();
  const std::string b = new_record_id_prefix();
  EXPECT_EQ(a.size(), 36u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789"), std::string::npos);
  std::string id;
  append_record_id(id, a, 18'446'744'073'709'551'615ULL);
  EXPECT_EQ(id, a + "18446744073709551615");
  id.clear();
  append_record_id(id, a, 1);
  EXPECT_EQ(id, a + "00000000000000000001");
}

TEST_F(FirehoseIngestApiTest, MalformedJsonIsASerializationException) {
  for (const std::string body :
       {"{", "{\"DeliveryStreamName\":\"telemetry\",}", "[1,2", "not json", "{\"a\":1} trailing",
        // A type error first, then broken JSON: the JSON is what is reported.
        "{\"DeliveryStreamName\":5,\"Records\":[{\"Data\":\"QQ==\"}"}) {
    const auto [code, message] = error_of(call("PutRecordBatch", body));
    EXPECT_EQ(code, "SerializationException") << body;
    EXPECT_EQ(message, "Request body is not valid JSON.") << body;
  }
  const auto [code, message] = error_of(call("PutRecord", ""));
  EXPECT_EQ(code, "SerializationException");
  EXPECT_EQ(message, "Request body is empty.");
}

TEST_F(FirehoseIngestApiTest, WrongTypesAndBadBase64AreSerializationExceptions) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"DeliveryStreamName":5,"Records":[{"Data":"QQ=="}]})",
       "STRING_VALUE can not be converted to a String at 'deliveryStreamName'"},
      {R"({"DeliveryStreamName":"telemetry","Records":{"Data":"QQ=="}})",
       "Start of list expected at 'records'"},
      {R"({"DeliveryStreamName":"telemetry","Records":["QQ=="]})",
       "Start of structure or map expected at 'records.1.member'"},
      {R"({"DeliveryStreamName":"telemetry","Records":[{"Data":"QQ=="},{"Data":17}]})",
       "Base64 string expected at 'records.2.member.data'"},
      {R"({"DeliveryStreamName":"telemetry","Records":[{"Data":"QQ=="},{"Data":"Q Q=="}]})",
       "Value at 'records.2.member.data' is not valid base64-encoded data"},
      {R"({"DeliveryStreamName":"telemetry","Records":[{"Data":"QQ="}]})",
       "Value at 'records.1.member.data' is not valid base64-encoded data"},
      {R"({"DeliveryStreamName":"telemetry","Records":[{"Data":"Q=Q="}]})",
       "Value at 'records.1.member.data' is not valid base64-encoded data"},
      {R"([1])", "Start of structure or map expected at 'input'"},
  };
  for (const auto& [body, expected] : cases) {
    const auto [code, message] = error_of(call("PutRecordBatch", body));
    EXPECT_EQ(code, "SerializationException") << body;
    EXPECT_EQ(message, expected) << body;
  }
  const auto [code, message] =
      error_of(call("PutRecord", R"({"DeliveryStreamName":"alpha","Record":{"Data":"%%%%"}})"));
  EXPECT_EQ(code, "SerializationException");
  EXPECT_EQ(message, "Value at 'record.data' is not valid base64-encoded data");
}

TEST_F(FirehoseIngestApiTest, ConstraintViolationsAreListedInOneValidationException) {
  {
    const auto [code, message] = error_of(call("PutRecordBatch", "{}"));
    EXPECT_EQ(code, "ValidationException");
    EXPECT_EQ(message,
              "2 validation errors detected: Value null at 'deliveryStreamName' failed to satisfy "
              "constraint: Member must not be null; Value null at 'records' failed to satisfy "
              "constraint: Member must not be null");
  }
  {
    const auto [code, message] = error_of(call("PutRecord", R"({"DeliveryStreamName":"x y",
        "Record":{}})"));
    EXPECT_EQ(code, "ValidationException");
    EXPECT_EQ(message,
              "2 validation errors detected: Value 'x y' at 'deliveryStreamName' failed to "
              "satisfy constraint: Member must satisfy regular expression pattern: "
              "[a-zA-Z0-9_.-]+; Value null at 'record.data' failed to satisfy constraint: Member "
              "must not be null");
  }
  {
    const auto [code, message] = error_of(call("PutRecordBatch", batch({}, std::string(65, 'n'))));
    EXPECT_EQ(code, "ValidationException");
    EXPECT_NE(message.find("at 'deliveryStreamName' failed to satisfy constraint: Member must "
                           "have length less than or equal to 64"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("Value '[0 records]' at 'records' failed to satisfy constraint: Member "
                           "must have length greater than or equal to 1"),
              std::string::npos)
        << message;
  }
}

TEST_F(FirehoseIngestApiTest, FirehoseLimitsHoldExactly) {
  // 500 records pass, 501 do not.
  EXPECT_TRUE(call("PutRecordBatch", batch(std::vector<std::string>(500, "r"))).put);
  const auto [code, message] =
      error_of(call("PutRecordBatch", batch(std::vector<std::string>(501, "r"))));
  EXPECT_EQ(code, "ValidationException");
  EXPECT_EQ(message,
            "1 validation error detected: Value '[501 records]' at 'records' failed to satisfy "
            "constraint: Member must have length less than or equal to 500");

  // 1,024,000 bytes of data per record pass, one more does not.
  const std::string largest(kMaxRecordDataBytes, 'x');
  const auto ok = call("PutRecordBatch", batch({largest}));
  ASSERT_TRUE(ok.put);
  EXPECT_EQ(ok.put->records[0].size, kMaxRecordDataBytes);
  const auto too_large = error_of(call("PutRecordBatch", batch({"a", largest + "x"})));
  EXPECT_EQ(too_large.first, "ValidationException");
  EXPECT_EQ(too_large.second,
            "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1024001 "
            "cap=1024001]' at 'records.2.member.data' failed to satisfy constraint: Member must "
            "have length less than or equal to 1024000");

  // 4 MiB of data per call: 4 x 1,024,000 pass, 5 do not.
  EXPECT_TRUE(call("PutRecordBatch", batch(std::vector<std::string>(4, largest))).put);
  const auto call_too_large =
      error_of(call("PutRecordBatch", batch(std::vector<std::string>(5, largest))));
  EXPECT_EQ(call_too_large.first, "InvalidArgumentException");
  EXPECT_EQ(call_too_large.second, "Records size exceeds 4 MB limit");
}

TEST_F(FirehoseIngestApiTest, UnknownStreamsAreNotFound) {
  const auto d = call("PutRecordBatch", batch({"a"}, "nonexistent"));
  const auto [code, message] = error_of(d);
  EXPECT_EQ(d.answer->status, 400u);
  EXPECT_EQ(code, "ResourceNotFoundException");
  EXPECT_EQ(message, "Firehose nonexistent under account 000000000000 not found.");
  EXPECT_EQ(d.answer->error_type_header,
            "ResourceNotFoundException:http://internal.amazon.com/coral/"
            "com.amazonaws.firehose.v20150804/");
}

TEST_F(FirehoseIngestApiTest, UnknownTargetsAndOtherMethodsAnswerAsTheService) {
  for (const char* target : {"Firehose_20150804.CreateDeliveryStream", "Kinesis_20131202.PutRecord",
                             "", "Firehose_20150804."}) {
    const auto d = api_.decide({"POST", kJson, target, "{}"});
    const auto [code, message] = error_of(d);
    EXPECT_EQ(d.answer->status, 400u) << target;
    EXPECT_EQ(code, "UnknownOperationException") << target;
    EXPECT_EQ(json::parse(d.answer->body).count("message"), 0u) << "no message, as the service";
    EXPECT_EQ(json::parse(d.answer->body).at("__type"),
              "com.amazon.coral.service#UnknownOperationException");
  }
  // A body that is not JSON is reported before the target.
  EXPECT_EQ(error_of(api_.decide({"POST", kJson, "Nope.Nothing", "{{"})).first,
            "SerializationException");

  const auto get = api_.decide({"GET", "", "", ""});
  ASSERT_TRUE(get.answer);
  EXPECT_EQ(get.answer->status, 404u);
  EXPECT_EQ(get.answer->body, "<UnknownOperationException/>\n");
  const auto xml = api_.decide({"POST", "text/xml", "Firehose_20150804.PutRecord", "<a/>"});
  ASSERT_TRUE(xml.answer);
  EXPECT_EQ(xml.answer->status, 404u);
  // The content types the service lets through.
  for (const char* type : {"application/x-amz-json-1.0", "application/json; charset=utf-8",
                           "Application/X-Amz-Json-1.1"}) {
    EXPECT_TRUE(api_.decide({"POST", type, "Firehose_20150804.PutRecordBatch", batch({"a"})}).put)
        << type;
  }
}

TEST_F(FirehoseIngestApiTest, UnknownMembersAreIgnoredAndEscapedBase64IsDecoded) {
  const auto d = call("PutRecordBatch",
                      R"({"Extra":{"nested":[1,{"x":null}]},"Records":[{"Data":"Pz8\/","Tag":1}],)"
                      R"("DeliveryStreamName":"telemetry"})");
  ASSERT_TRUE(d.put) << (d.answer ? d.answer->body : "");
  EXPECT_EQ(record_data(*d.put, 0), "???");
}

TEST_F(FirehoseIngestApiTest, ListDeliveryStreamsPagesThroughTheLocalStreams) {
  auto list = [&](const std::string& body) {
    const auto d = call("ListDeliveryStreams", body);
    EXPECT_TRUE(d.answer);
    EXPECT_EQ(d.answer->status, 200u) << d.answer->body;
    const auto parsed = aws::parse_list_delivery_streams_response(d.answer->body);
    EXPECT_TRUE(parsed.ok()) << d.answer->body;
    return parsed.value;
  };
  auto all = list("");
  EXPECT_EQ(all.names, (std::vector<std::string>{"alpha", "dashcam", "telemetry"}));
  EXPECT_FALSE(all.has_more);
  auto first = list(R"({"Limit":1})");
  EXPECT_EQ(first.names, std::vector<std::string>{"alpha"});
  EXPECT_TRUE(first.has_more);
  auto next = list(R"({"Limit":1,"ExclusiveStartDeliveryStreamName":"alpha"})");
  EXPECT_EQ(next.names, std::vector<std::string>{"dashcam"});
  EXPECT_TRUE(list(R"({"DeliveryStreamType":"KinesisStreamAsSource"})").names.empty());
  EXPECT_EQ(list(R"({"DeliveryStreamType":"DirectPut"})").names.size(), 3u);

  const auto [code, message] =
      error_of(call("ListDeliveryStreams", R"({"Limit":0,"DeliveryStreamType":"Other"})"));
  EXPECT_EQ(code, "ValidationException");
  EXPECT_EQ(message.substr(0, 31), "2 validation errors detected: V");
  EXPECT_EQ(error_of(call("ListDeliveryStreams", R"({"Limit":"10"})")).first,
            "SerializationException");
}

TEST_F(FirehoseIngestApiTest, DescribeDeliveryStreamShowsAnActiveDirectPutStream) {
  const auto d = call("DescribeDeliveryStream", R"({"DeliveryStreamName":"dashcam"})");
  ASSERT_TRUE(d.answer);
  ASSERT_EQ(d.answer->status, 200u) << d.answer->body;
  const auto parsed = aws::parse_describe_delivery_stream_response(d.answer->body);
  ASSERT_TRUE(parsed.ok()) << d.answer->body;
  EXPECT_EQ(parsed.value.name, "dashcam");
  EXPECT_EQ(parsed.value.status, "ACTIVE");
  EXPECT_EQ(parsed.value.type, "DirectPut");
  EXPECT_EQ(parsed.value.arn, "arn:aws:firehose:local:000000000000:deliverystream/dashcam");

  EXPECT_EQ(error_of(call("DescribeDeliveryStream", R"({"DeliveryStreamName":"gone"})")).first,
            "ResourceNotFoundException");
  EXPECT_EQ(error_of(call("DescribeDeliveryStream", "{}")).first, "ValidationException");
}

TEST_F(FirehoseIngestApiTest, AHugeFieldIsNotEchoedWhole) {
  const std::string name(200'000, 'n');
  const auto d = call("DescribeDeliveryStream", json{{"DeliveryStreamName", name}}.dump());
  ASSERT_TRUE(d.answer);
  EXPECT_EQ(d.answer->status, 400u);
  EXPECT_LT(d.answer->body.size(), 1000u);
}

}  // namespace
}  // namespace canhose::ingest
