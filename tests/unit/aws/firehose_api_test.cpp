// The Firehose wire model: request bodies as the SDK sends them, response parsing, the
// batch size arithmetic, and error classification. Response bodies are shaped like the
// service model (tests/data/firehose/service-2.json).

#include "aws/firehose_api.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>

#include "aws/crypto.hpp"
#include "aws/put_record_batch_body.hpp"
#include "support/temp_dir.hpp"

namespace canhose::aws {
namespace {

using nlohmann::json;

const json& service_model() {
  static const json model =
      json::parse(test::read_file(std::string(CANHOSE_TEST_DATA_DIR) + "/firehose/service-2.json"));
  return model;
}

TEST(FirehoseModel, ConstantsMatchTheServiceModel) {
  const json& m = service_model();
  EXPECT_EQ(m["metadata"]["targetPrefix"], std::string(firehose_target_prefix));
  EXPECT_EQ(m["metadata"]["jsonVersion"], "1.1");
  EXPECT_EQ(m["metadata"]["endpointPrefix"], std::string(firehose_service));
  EXPECT_EQ(m["shapes"]["PutRecordBatchRequestEntryList"]["max"], max_batch_records);
  EXPECT_EQ(m["shapes"]["Data"]["max"], max_record_data_bytes);
  EXPECT_EQ(m["shapes"]["DeliveryStreamName"]["max"], 64);
}

TEST(PutRecordBatchBody, ProducesWhatTheCliSendsModuloWhitespace) {
  PutRecordBatchBody body("edge-gw");
  ASSERT_TRUE(body.add("{\"v\":1}\n"));
  ASSERT_TRUE(body.add("{\"v\":2}\n"));
  const std::size_t predicted = body.size();
  const std::string text = body.finish();
  EXPECT_EQ(text.size(), predicted);
  // The AWS CLI's captured body: {"DeliveryStreamName": "edge-gw", "Records":
  // [{"Data": "eyJ2IjoxfQo="}, {"Data": "eyJ2IjoyfQo="}]}
  EXPECT_EQ(json::parse(text),
            json::parse(R"({"DeliveryStreamName": "edge-gw", "Records": [{"Data": "eyJ2IjoxfQo="},
                             {"Data": "eyJ2IjoyfQo="}]})"));
}

TEST(PutRecordBatchBody, PredictedSizeIsExactForEveryRecordSize) {
  std::mt19937 rng(7);
  PutRecordBatchBody body("s");
  for (int i = 0; i < 300; ++i) {
    const std::size_t n = rng() % 700;
    const std::size_t predicted = body.size_with(n);
    ASSERT_TRUE(body.add(std::string(n, 'x')));
    EXPECT_EQ(body.size(), predicted);
  }
  const std::size_t predicted = body.size();
  EXPECT_EQ(body.finish().size(), predicted);
}

TEST(PutRecordBatchBody, StopsAt500Records) {
  PutRecordBatchBody body("s");
  for (int i = 0; i < 500; ++i)
    ASSERT_TRUE(body.add("0123456789"));
  EXPECT_FALSE(body.fits(1));
  EXPECT_FALSE(body.add("x"));
  EXPECT_EQ(body.record_count(), 500u);
}

TEST(PutRecordBatchBody, FillsToExactlyFourMebibytesCountedOnTheEncodedBody) {
  PutRecordBatchBody body("edge-gw");
  const std::string big(max_record_data_bytes, 'a');
  while (body.fits(big.size()))
    ASSERT_TRUE(body.add(big));
  EXPECT_EQ(body.record_count(), 3u);  // 3 x 1,365,336 base64 bytes; a 4th would not fit
  // Fill the rest with one record sized to land exactly on the limit.
  const std::size_t room =
      max_batch_body_bytes - body.size() - PutRecordBatchBody::encoded_record_size(0);
  const std::size_t last = room / 4 * 3;
  ASSERT_TRUE(body.fits(last));
  EXPECT_FALSE(body.fits(last + 3));
  ASSERT_TRUE(body.add(std::string(last, 'b')));
  EXPECT_LE(body.size(), max_batch_body_bytes);
  EXPECT_GT(body.size(), max_batch_body_bytes - 4);
  EXPECT_EQ(body.finish().size() <= max_batch_body_bytes, true);
}

TEST(PutRecordBatchBody, RefusesARecordOverOneThousandKibibytes) {
  PutRecordBatchBody body("s");
  EXPECT_TRUE(body.fits(1'024'000));
  EXPECT_FALSE(body.fits(1'024'001));
  EXPECT_FALSE(body.add(std::string(1'024'001, 'x')));
  EXPECT_EQ(body.record_count(), 0u);
}

TEST(PutRecordBatchResponse, PerRecordResultsComeBackInRequestOrder) {
  const auto r = parse_put_record_batch_response(R"({"FailedPutCount":1,"Encrypted":false,
    "RequestResponses":[{"RecordId":"id-0"},
      {"ErrorCode":"ServiceUnavailableException","ErrorMessage":"Slow down."},
      {"RecordId":"id-2"}]})",
                                                 3);
  ASSERT_TRUE(r.ok()) << r.error.describe();
  EXPECT_EQ(r.value.failed_put_count, 1u);
  ASSERT_EQ(r.value.records.size(), 3u);
  EXPECT_EQ(r.value.records[0].record_id, "id-0");
  EXPECT_TRUE(r.value.records[0].ok());
  EXPECT_FALSE(r.value.records[1].ok());
  EXPECT_EQ(r.value.records[1].error_code, "ServiceUnavailableException");
  EXPECT_EQ(r.value.records[1].error_message, "Slow down.");
  EXPECT_EQ(r.value.records[2].record_id, "id-2");
}

TEST(PutRecordBatchResponse, WrongNumberOfResultsIsMalformed) {
  const auto r = parse_put_record_batch_response(
      R"({"FailedPutCount":0,"RequestResponses":[{"RecordId":"a"}]})", 2);
  EXPECT_EQ(r.error.kind, FirehoseErrorKind::malformed_response);
  EXPECT_NE(r.error.message.find("1 results for 2 records"), std::string::npos);
}

TEST(PutRecordBatchResponse, FailedPutCountDisagreeingWithResultsIsMalformed) {
  const auto r = parse_put_record_batch_response(
      R"({"FailedPutCount":0,"RequestResponses":[{"ErrorCode":"X","ErrorMessage":"m"}]})", 1);
  EXPECT_EQ(r.error.kind, FirehoseErrorKind::malformed_response);
}

TEST(PutRecordBatchResponse, EntryWithNeitherIdNorErrorIsMalformed) {
  const auto r =
      parse_put_record_batch_response(R"({"FailedPutCount":0,"RequestResponses":[{}]})", 1);
  EXPECT_EQ(r.error.kind, FirehoseErrorKind::malformed_response);
}

// Every prefix of a valid body (a truncated response) and thousands of random byte
// mutations must give an error or a consistent result - never a crash or an exception.
TEST(PutRecordBatchResponse, TruncatedAndMutatedBodiesNeverCrash) {
  const std::string valid =
      R"({"FailedPutCount":1,"Encrypted":true,"RequestResponses":[)"
      R"({"RecordId":"49543463076548007577105092703039560359975228518395012686"},)"
      R"({"ErrorCode":"InternalFailure","ErrorMessage":"x"}]})";
  ASSERT_TRUE(parse_put_record_batch_response(valid, 2).ok());
  for (std::size_t n = 0; n < valid.size(); ++n) {
    const auto r = parse_put_record_batch_response(valid.substr(0, n), 2);
    EXPECT_EQ(r.error.kind, FirehoseErrorKind::malformed_response) << n;
  }
  std::mt19937 rng(1234);
  const std::string alphabet = "{}[]\":,0123456789truefalsnul \\x\xff";
  for (int i = 0; i < 5000; ++i) {
    std::string mutated = valid;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t pos = rng() % mutated.size();
      switch (rng() % 3) {
        case 0:
          mutated[pos] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          mutated.erase(pos, 1 + rng() % 8);
          break;
        default:
          mutated.insert(pos, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
      if (mutated.empty())
        mutated = "{";
    }
    const auto r = parse_put_record_batch_response(mutated, 2);
    if (r.ok()) {
      ASSERT_EQ(r.value.records.size(), 2u);
      std::uint32_t failed = 0;
      for (const auto& rec : r.value.records)
        failed += rec.ok() ? 0 : 1;
      EXPECT_EQ(failed, r.value.failed_put_count);
    } else {
      EXPECT_FALSE(r.error.message.empty());
    }
  }
}

TEST(OtherCalls, RequestBodiesHaveTheModelsMemberNames) {
  EXPECT_EQ(json::parse(build_put_record_body("edge-gw", "x")),
            json::parse(R"({"DeliveryStreamName": "edge-gw", "Record": {"Data": "eA=="}})"));
  EXPECT_EQ(json::parse(build_describe_delivery_stream_body("s")),
            json::parse(R"({"DeliveryStreamName":"s"})"));
  EXPECT_EQ(build_list_delivery_streams_body({}), "{}");
  EXPECT_EQ(json::parse(build_list_delivery_streams_body({10, "DirectPut", "a"})),
            json::parse(R"({"Limit":10,"DeliveryStreamType":"DirectPut",
                            "ExclusiveStartDeliveryStreamName":"a"})"));
  EXPECT_EQ(json::parse(build_delete_delivery_stream_body("s", true)),
            json::parse(R"({"DeliveryStreamName":"s","AllowForceDelete":true})"));
  CreateDeliveryStreamRequest create;
  create.stream_name = "edge-gw";
  create.role_arn = "arn:aws:iam::123456789012:role/firehose";
  create.bucket_arn = "arn:aws:s3:::fleet";
  create.buffering_interval_s = 60;
  const json body = json::parse(build_create_delivery_stream_body(create));
  EXPECT_EQ(body["DeliveryStreamType"], "DirectPut");
  EXPECT_EQ(body["ExtendedS3DestinationConfiguration"]["RoleARN"], create.role_arn);
  EXPECT_EQ(body["ExtendedS3DestinationConfiguration"]["BucketARN"], create.bucket_arn);
  EXPECT_EQ(body["ExtendedS3DestinationConfiguration"]["BufferingHints"]["IntervalInSeconds"], 60);
  // Every member we send exists in the model's input shape.
  const json& shapes = service_model()["shapes"];
  for (const auto& [key, value] : body.items()) {
    EXPECT_TRUE(shapes["CreateDeliveryStreamInput"]["members"].contains(key)) << key;
  }
  for (const auto& [key, value] : body["ExtendedS3DestinationConfiguration"].items()) {
    EXPECT_TRUE(shapes["ExtendedS3DestinationConfiguration"]["members"].contains(key)) << key;
  }
}

TEST(OtherCalls, ResponsesParse) {
  const auto put = parse_put_record_response(R"({"RecordId":"abc","Encrypted":false})");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put.value.record_id, "abc");
  EXPECT_EQ(parse_put_record_response("{}").error.kind, FirehoseErrorKind::malformed_response);

  const auto describe = parse_describe_delivery_stream_response(R"({"DeliveryStreamDescription":{
    "DeliveryStreamName":"edge-gw","DeliveryStreamARN":"arn:aws:firehose:us-east-1:123456789012:deliverystream/edge-gw",
    "DeliveryStreamStatus":"ACTIVE","DeliveryStreamType":"DirectPut","VersionId":"1",
    "CreateTimestamp":1764093600.5,"Destinations":[{"DestinationId":"destinationId-000000000001",
    "ExtendedS3DestinationDescription":{}}],"HasMoreDestinations":false}})");
  ASSERT_TRUE(describe.ok()) << describe.error.describe();
  EXPECT_EQ(describe.value.status, "ACTIVE");
  EXPECT_EQ(describe.value.destination_ids.at(0), "destinationId-000000000001");
  ASSERT_TRUE(describe.value.create_timestamp.has_value());
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(
                describe.value.create_timestamp->time_since_epoch())
                .count(),
            1764093600500);
  EXPECT_FALSE(parse_describe_delivery_stream_response(R"({"DeliveryStreamDescription":{}})").ok());

  const auto list = parse_list_delivery_streams_response(
      R"({"DeliveryStreamNames":["a","b"],"HasMoreDeliveryStreams":true})");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list.value.names, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(list.value.has_more);
  EXPECT_FALSE(parse_list_delivery_streams_response(R"({"DeliveryStreamNames":[1]})").ok());

  EXPECT_EQ(parse_create_delivery_stream_response(R"({"DeliveryStreamARN":"arn:x"})").value.arn,
            "arn:x");
  EXPECT_TRUE(parse_delete_delivery_stream_response("{}").ok());
  EXPECT_TRUE(parse_delete_delivery_stream_response("").ok());
  EXPECT_FALSE(parse_delete_delivery_stream_response("{").ok());
}

// Found by the firehose_response fuzz target (seed describe-timestamp-past-2262): a
// timestamp below the old 1e11 bound overflowed the conversion to nanoseconds.
TEST(OtherCalls, CreateTimestampsATimePointCannotHoldAreLeftOut) {
  for (const char* ts : {"9.7e9", "99999999999", "1e300", "-1"}) {
    const auto d = parse_describe_delivery_stream_response(
        std::string(R"({"DeliveryStreamDescription":{"CreateTimestamp":)") + ts + "}}");
    EXPECT_FALSE(d.value.create_timestamp.has_value()) << ts;
  }
  const auto d = parse_describe_delivery_stream_response(
      R"({"DeliveryStreamDescription":{"CreateTimestamp":8.9e9}})");
  ASSERT_TRUE(d.value.create_timestamp.has_value());
  EXPECT_EQ(
      std::chrono::duration_cast<std::chrono::seconds>(d.value.create_timestamp->time_since_epoch())
          .count(),
      8'900'000'000);
}

TEST(FirehoseEndpoint, DefaultsPerRegion) {
  EXPECT_EQ(default_firehose_endpoint("eu-west-1"), "https://firehose.eu-west-1.amazonaws.com");
  EXPECT_EQ(default_firehose_endpoint("cn-north-1"),
            "https://firehose.cn-north-1.amazonaws.com.cn");
}

TEST(StreamName, ValidationFollowsTheModelPattern) {
  EXPECT_EQ(validate_stream_name("edge-gw_1.a"), "");
  EXPECT_NE(validate_stream_name(""), "");
  EXPECT_NE(validate_stream_name(std::string(65, 'a')), "");
  EXPECT_NE(validate_stream_name("a\"b"), "");
}

https::HttpResponse response(unsigned status, std::string body,
                             std::vector<std::pair<std::string, std::string>> headers = {}) {
  https::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(FirehoseErrors, ServiceErrorsMapToTypedKinds) {
  struct Case {
    unsigned status;
    const char* body;
    FirehoseErrorKind kind;
  };
  const Case cases[] = {
      {500, R"({"__type":"ServiceUnavailableException","message":"Slow down."})",
       FirehoseErrorKind::throttled},
      {400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})",
       FirehoseErrorKind::throttled},
      {400, R"({"__type":"LimitExceededException","message":"Rate exceeded"})",
       FirehoseErrorKind::throttled},
      {400, R"({"__type":"LimitExceededException","message":"You have already 50 streams"})",
       FirehoseErrorKind::limit_exceeded},
      {400, R"({"__type":"com.amazonaws.firehose#ResourceNotFoundException","message":"x"})",
       FirehoseErrorKind::not_found},
      {400, R"({"__type":"InvalidArgumentException","message":"x"})",
       FirehoseErrorKind::invalid_argument},
      {400, R"({"__type":"InvalidKMSResourceException","code":"x","message":"x"})",
       FirehoseErrorKind::invalid_kms_resource},
      {400, R"({"__type":"ResourceInUseException","message":"x"})",
       FirehoseErrorKind::resource_in_use},
      {400, R"({"__type":"UnrecognizedClientException","message":"bad token"})",
       FirehoseErrorKind::auth},
      {400,
       R"({"__type":"InvalidSignatureException","message":"The request signature we calculated does not match"})",
       FirehoseErrorKind::auth},
      {400, R"({"__type":"AccessDeniedException","Message":"no"})", FirehoseErrorKind::auth},
      {403, R"({"__type":"MissingAuthenticationTokenException","message":"x"})",
       FirehoseErrorKind::auth},
      {400, R"({"__type":"ExpiredTokenException","message":"x"})",
       FirehoseErrorKind::expired_credentials},
      {400,
       R"j({"__type":"InvalidSignatureException","message":"Signature expired: 20150830T123600Z is now earlier than 20150830T124600Z (20150830T125100Z - 5 min.)"})j",
       FirehoseErrorKind::clock_skew},
      {400,
       R"j({"__type":"InvalidSignatureException","message":"Signature not yet current: 20150830T123600Z is still later than 20150830T122100Z (20150830T121600Z + 5 min.)"})j",
       FirehoseErrorKind::clock_skew},
      {403, R"({"__type":"RequestTimeTooSkewed","message":"x"})", FirehoseErrorKind::clock_skew},
      {429, "", FirehoseErrorKind::throttled},
      {503, "<html>Service Unavailable</html>", FirehoseErrorKind::throttled},
      {502, "Bad Gateway", FirehoseErrorKind::server},
      {500, R"({"__type":"InternalFailure"})", FirehoseErrorKind::server},
      {404, "{}", FirehoseErrorKind::client},
      {413, "", FirehoseErrorKind::client},
  };
  for (const Case& c : cases) {
    const FirehoseError e = classify_error_response(response(c.status, c.body));
    EXPECT_EQ(e.kind, c.kind) << c.status << " " << c.body << " -> " << to_string(e.kind);
    EXPECT_EQ(e.http_status, c.status);
  }
}

TEST(FirehoseErrors, ErrorTypeHeaderIsUsedWhenTheBodyHasNoType) {
  const FirehoseError e = classify_error_response(
      response(400, "",
               {{"X-Amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/"},
                {"x-amzn-RequestId", "req-1"}}));
  EXPECT_EQ(e.kind, FirehoseErrorKind::not_found);
  EXPECT_EQ(e.code, "ResourceNotFoundException");
  EXPECT_EQ(e.request_id, "req-1");
  EXPECT_NE(e.describe().find("req-1"), std::string::npos);
}

TEST(FirehoseErrors, RetryClassification) {
  EXPECT_EQ(action_for(FirehoseErrorKind::throttled), ErrorAction::slow_down);
  EXPECT_EQ(action_for(FirehoseErrorKind::server), ErrorAction::retry);
  EXPECT_EQ(action_for(FirehoseErrorKind::transport), ErrorAction::retry);
  EXPECT_EQ(action_for(FirehoseErrorKind::clock_skew), ErrorAction::correct_clock);
  EXPECT_EQ(action_for(FirehoseErrorKind::expired_credentials), ErrorAction::refresh_credentials);
  for (auto k : {FirehoseErrorKind::not_found, FirehoseErrorKind::invalid_argument,
                 FirehoseErrorKind::invalid_kms_resource, FirehoseErrorKind::auth,
                 FirehoseErrorKind::client}) {
    EXPECT_FALSE(retryable(k)) << to_string(k);
  }
  EXPECT_TRUE(retryable(FirehoseErrorKind::throttled));
}

TEST(FirehoseErrors, GarbageErrorBodiesNeverCrash) {
  std::mt19937 rng(99);
  const std::string base = R"({"__type":"ServiceUnavailableException","message":"Slow down."})";
  for (int i = 0; i < 3000; ++i) {
    std::string body = base.substr(0, rng() % (base.size() + 1));
    if (!body.empty() && rng() % 2)
      body[rng() % body.size()] = static_cast<char>(rng());
    const FirehoseError e = classify_error_response(response(400 + rng() % 200, body));
    EXPECT_NE(e.kind, FirehoseErrorKind::none);
  }
}

}  // namespace
}  // namespace canhose::aws
