// parse_put_record_batch_response scans the answer (JsonScanner) instead of building a
// DOM. Each shape a scanner could get wrong is checked for its expected outcome and
// against the DOM parser it replaced (support/put_record_batch_dom_reference.hpp), which
// must agree on every body: same error, same message, same values.

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "aws/firehose_api.hpp"
#include "support/put_record_batch_dom_reference.hpp"

namespace canhose::aws {
namespace {

using Outcome = FirehoseOutcome<PutRecordBatchResult>;

// Parses with both parsers; fails the test if they disagree.
Outcome parse(std::string_view body, std::size_t count) {
  Outcome scanned = parse_put_record_batch_response(body, count);
  const Outcome dom = test::dom_reference::parse_put_record_batch_response(body, count);
  EXPECT_EQ(test::dom_reference::difference(scanned, dom), "") << body;
  return scanned;
}

void expect_malformed(std::string_view body, std::size_t count, std::string_view message) {
  const Outcome r = parse(body, count);
  EXPECT_EQ(r.error.kind, FirehoseErrorKind::malformed_response) << body;
  EXPECT_NE(r.error.message.find(message), std::string::npos) << body << " -> " << r.error.message;
}

TEST(PutRecordBatchScan, StringsWithEscapedQuotesAndBracesAreOneToken) {
  const Outcome r = parse(R"({"FailedPutCount":1,"RequestResponses":[
      {"RecordId":"a\"},{\"RecordId\":\"b"},
      {"ErrorCode":"E\\","ErrorMessage":"} ] { [ \" , :"}]})",
                          2);
  ASSERT_TRUE(r.ok()) << r.error.describe();
  EXPECT_EQ(r.value.records[0].record_id, R"(a"},{"RecordId":"b)");
  EXPECT_EQ(r.value.records[1].error_code, "E\\");
  EXPECT_EQ(r.value.records[1].error_message, R"(} ] { [ " , :)");
}

TEST(PutRecordBatchScan, UnicodeEscapesAreDecodedToUtf8) {
  const Outcome r =
      parse(R"({"FailedPutCount":1,"RequestResponses":[{"ErrorCode":"X",)"
            R"("ErrorMessage":"caf\u00e9 \u20AC \ud83d\ude80 \u0041\/\b\f\n\r\t and raw é€🚀"}]})",
            1);
  ASSERT_TRUE(r.ok()) << r.error.describe();
  EXPECT_EQ(r.value.records[0].error_message,
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9A\x80 A/\b\f\n\r\t and raw é€🚀");
  // The edges of UTF-8 pass as they are.
  const std::string edges =
      "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xF0\x90\x80\x80\xF4\x8F\xBF\xBF";
  const Outcome e =
      parse(R"({"FailedPutCount":1,"RequestResponses":[{"ErrorCode":"X","ErrorMessage":")" + edges +
                R"("}]})",
            1);
  ASSERT_TRUE(e.ok()) << e.error.describe();
  EXPECT_EQ(e.value.records[0].error_message, edges);
  // A lone or reversed surrogate, a bad hex digit, an unknown escape: not JSON.
  for (const char* bad : {R"(\ud83d)", R"(\ude80\ud83d)", R"(\ud83d\u0041)", R"(\u00g0)", R"(\x41)",
                          R"(\u12)", R"(\)"}) {
    expect_malformed(std::string(R"({"FailedPutCount":1,"RequestResponses":[{"ErrorCode":"X",)") +
                         R"("ErrorMessage":")" + bad + R"("}]})",
                     1, "not valid JSON");
  }
}

TEST(PutRecordBatchScan, InvalidUtf8AndControlCharactersInStringsAreRefused) {
  for (const char* bad : {"\x80", "\xC0\xAF", "\xC1\xBF", "\xE0\x9F\xBF", "\xED\xA0\x80",
                          "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80", "\xE2\x82", "\xC3",
                          "\xF5\x80\x80\x80", "\xFF", "\x01", "\x1F", "\n", "\t"}) {
    expect_malformed(
        std::string(R"({"FailedPutCount":0,"RequestResponses":[{"RecordId":"a)") + bad + R"("}]})",
        1, "not valid JSON");
  }
  expect_malformed("{\"FailedPutCount\":0,\xC3\xA9\"RequestResponses\":[]}", 0, "not valid JSON");
}

TEST(PutRecordBatchScan, UnknownAndNestedMembersAreSkippedNotRead) {
  const Outcome r = parse(R"({"Unknown":{"FailedPutCount":7,"RequestResponses":[1,2,3]},
      "FailedPutCount":0,"Extra":[{"a":[[],{}]},null,true,false,-1.5e-3,"x"],
      "RequestResponses":[{"RecordId":"id-0","Nested":{"ErrorCode":"X"},"ErrorCode":null}],
      "Encrypted":true})",
                          1);
  ASSERT_TRUE(r.ok()) << r.error.describe();
  EXPECT_EQ(r.value.failed_put_count, 0u);
  EXPECT_TRUE(r.value.encrypted);
  EXPECT_EQ(r.value.records[0].record_id, "id-0");
  EXPECT_TRUE(r.value.records[0].ok());
}

TEST(PutRecordBatchScan, WhitespaceAnywhereBetweenTokens) {
  const Outcome r = parse(
      "\xEF\xBB\xBF \r\n\t{ \"FailedPutCount\" :\t0 ,\n\"RequestResponses\"\r:[ { \"RecordId\" : "
      "\"a\" } ,{\"RecordId\":\"b\"} ] }\n\t ",
      2);
  ASSERT_TRUE(r.ok()) << r.error.describe();
  EXPECT_EQ(r.value.records[1].record_id, "b");
  expect_malformed("{\"FailedPutCount\":0,\"RequestResponses\":[]}\f", 0, "not valid JSON");
  expect_malformed("\xEF\xBB{\"FailedPutCount\":0,\"RequestResponses\":[]}", 0, "not valid JSON");
}

TEST(PutRecordBatchScan, DuplicateKeysCountWithTheirLastValue) {
  // As in the DOM's object: the last FailedPutCount, RequestResponses and RecordId win.
  const Outcome r = parse(R"({"FailedPutCount":5,"RequestResponses":[{}],"FailedPutCount":1,
      "RequestResponses":[{"RecordId":7,"RecordId":"r0"},{"ErrorCode":"X","ErrorCode":"Y"}]})",
                          2);
  ASSERT_TRUE(r.ok()) << r.error.describe();
  EXPECT_EQ(r.value.records[0].record_id, "r0");
  EXPECT_EQ(r.value.records[1].error_code, "Y");
  expect_malformed(R"({"FailedPutCount":0,"RequestResponses":[{"RecordId":"a","RecordId":null}]})",
                   1, "result 0 has neither RecordId nor ErrorCode");
  expect_malformed(R"({"FailedPutCount":0,"RequestResponses":[{"RecordId":"a"}],
      "RequestResponses":null})",
                   1, "RequestResponses missing or not a list");
  // An escaped key is the same key.
  expect_malformed(R"({"FailedPutCount":0,"Failed\u0050utCount":-1,"RequestResponses":[]})", 0,
                   "FailedPutCount missing or not a non-negative integer");
}

TEST(PutRecordBatchScan, FailedPutCountMustBeANonNegativeInteger) {
  for (const char* count :
       {"1e0", "1.0", "-0", "-1", "\"0\"", "null", "true", "[0]", "18446744073709551616"}) {
    expect_malformed(std::string(R"({"FailedPutCount":)") + count + R"(,"RequestResponses":[]})", 0,
                     "FailedPutCount missing or not a non-negative integer");
  }
  expect_malformed(R"({"FailedPutCount":18446744073709551615,"RequestResponses":[]})", 0,
                   "FailedPutCount is 18446744073709551615 but 0 results carry an ErrorCode");
  // Numbers elsewhere: exponents are fine while finite; 1e400 is not JSON to nlohmann.
  EXPECT_TRUE(parse(R"({"X":[1E+2,-0.5e-400,0e0,123456789012345678901234567890],)"
                    R"("FailedPutCount":0,"RequestResponses":[]})",
                    0)
                  .ok());
  for (const char* bad :
       {"1e400", "-1e400", "01", "1.", ".5", "1e", "1e+", "+1", "-", "0x10", "NaN", "Infinity"}) {
    expect_malformed(
        std::string(R"({"X":)") + bad + R"(,"FailedPutCount":0,"RequestResponses":[]})", 0,
        "not valid JSON");
  }
}

TEST(PutRecordBatchScan, TypeErrorsAreReportedInTheDomParsersOrder) {
  expect_malformed(R"({"Encrypted":1,"FailedPutCount":0,"RequestResponses":[{"RecordId":"a"}]})", 1,
                   "PutRecordBatch: Encrypted is not a boolean");
  expect_malformed(R"({"Encrypted":1,"FailedPutCount":0,"RequestResponses":[5]})", 1,
                   "PutRecordBatch result 0 is not an object");
  expect_malformed(R"({"Encrypted":1,"FailedPutCount":3,"RequestResponses":[]})", 0,
                   "FailedPutCount is 3 but 0 results");
  expect_malformed(R"({"Encrypted":"yes","FailedPutCount":0,"RequestResponses":[]})", 0,
                   "Encrypted is not a boolean");
  expect_malformed(R"({"FailedPutCount":0,"RequestResponses":[{"RecordId":"a"},
      {"ErrorMessage":3,"ErrorCode":{"x":1},"RecordId":"b"}]})",
                   2, "PutRecordBatch result 1: ErrorCode is not a string");
  expect_malformed(R"({"FailedPutCount":0,"RequestResponses":[{"RecordId":""},[]]})", 2,
                   "result 0 has neither RecordId nor ErrorCode");
  expect_malformed(R"({"FailedPutCount":0,"RequestResponses":[{"RecordId":"a"},[],{}]})", 3,
                   "PutRecordBatch result 1 is not an object");
  expect_malformed(R"({"FailedPutCount":0,"RequestResponses":[{"RecordId":"a"},[],{}]})", 2,
                   "3 results for 2 records");
  expect_malformed(R"({"FailedPutCount":0})", 0, "RequestResponses missing or not a list");
  expect_malformed(R"({"RequestResponses":[]})", 0, "FailedPutCount missing");
  expect_malformed(R"([{"FailedPutCount":0,"RequestResponses":[]}])", 0, "not a JSON object");
  expect_malformed(R"("x")", 0, "not a JSON object");
}

TEST(PutRecordBatchScan, TruncatedAndTrailingInput) {
  const std::string valid =
      R"({"FailedPutCount":1,"RequestResponses":[{"RecordId":"a\"b"},{"ErrorCode":"X",)"
      R"("ErrorMessage":"\u00e9\ud83d\ude80"}],"Encrypted":false})";
  ASSERT_TRUE(parse(valid, 2).ok());
  for (std::size_t n = 0; n < valid.size(); ++n) {
    expect_malformed(valid.substr(0, n), 2, "not valid JSON");
  }
  expect_malformed(valid + "}", 2, "not valid JSON");
  expect_malformed(valid + valid, 2, "not valid JSON");
  expect_malformed(valid + " x", 2, "not valid JSON");
  // nlohmann's lexer reads a NUL outside a string as the end of the input.
  EXPECT_TRUE(parse(valid + std::string("\0garbage", 8), 2).ok());
  expect_malformed(std::string("{\"FailedPutCount\":0\0}", 21), 0, "not valid JSON");
}

TEST(PutRecordBatchScan, DeepNestingNeitherRecursesNorCrashes) {
  const std::string deep(200'000, '[');
  expect_malformed(R"({"X":)" + deep, 0, "not valid JSON");
  const std::string closed = std::string(50'000, '[') + std::string(50'000, ']');
  EXPECT_TRUE(parse(R"({"X":)" + closed + R"(,"FailedPutCount":0,"RequestResponses":[]})", 0).ok());
}

// Every prefix and thousands of random mutations of a few answers: the scanner and the
// DOM parser agree on each.
TEST(PutRecordBatchScan, AgreesWithTheDomParserOnMutatedAnswers) {
  const std::string answers[] = {
      R"({"FailedPutCount":1,"Encrypted":true,"RequestResponses":[)"
      R"({"RecordId":"49543463076548007577105092703039560359975228518395012686"},)"
      R"({"ErrorCode":"InternalFailure","ErrorMessage":"x\u00e9\"}"}]})",
      R"({ "RequestResponses" : [ {"RecordId":"a","ErrorCode":null} , {"ErrorCode":"E"} ],)"
      R"( "FailedPutCount" : 1e0, "X": [1.5e3, {"y": [true, false, null]}] })",
  };
  std::mt19937 rng(20261206);
  const std::string alphabet = "{}[]\":,0123456789.eE+-truefalsnul \\u/x\t\n\xc3\xa9\xff";
  for (const std::string& valid : answers) {
    for (std::size_t count = 0; count <= 3; ++count) {
      for (std::size_t n = 0; n <= valid.size(); ++n) {
        parse(valid.substr(0, n), count);
      }
    }
    for (int i = 0; i < 20000; ++i) {
      std::string mutated = valid;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !mutated.empty(); ++e) {
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
      }
      parse(mutated, rng() % 4);
    }
  }
}

}  // namespace
}  // namespace canhose::aws
