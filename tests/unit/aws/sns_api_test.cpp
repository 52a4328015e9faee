// The SNS Publish model: topic ARNs, the form body, the rules generated subjects and
// messages are made to follow, and the strict PublishResponse parser.

#include "aws/sns_api.hpp"

#include <gtest/gtest.h>

#include <map>

namespace canhose::aws {
namespace {

SnsTopicArn topic(std::string_view arn) {
  SnsTopicArnParse parsed = parse_topic_arn(arn);
  EXPECT_TRUE(parsed.ok()) << parsed.error;
  return parsed.topic;
}

// The form body decoded into its parameters (percent-decoding as a server does).
std::map<std::string, std::string> form(std::string_view body) {
  std::map<std::string, std::string> out;
  const auto decode = [](std::string_view s) {
    std::string d;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        d.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
      } else {
        d.push_back(s[i] == '+' ? ' ' : s[i]);
      }
    }
    return d;
  };
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    const auto eq = pair.find('=');
    out[decode(pair.substr(0, eq))] = decode(pair.substr(eq + 1));
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
  }
  return out;
}

TEST(SnsTopicArnTest, ReadsPartitionRegionAccountNameAndFifo) {
  const SnsTopicArn standard = topic("arn:aws:sns:eu-west-1:123456789012:fleet-alerts");
  EXPECT_EQ(standard.partition, "aws");
  EXPECT_EQ(standard.region, "eu-west-1");
  EXPECT_EQ(standard.account, "123456789012");
  EXPECT_EQ(standard.name, "fleet-alerts");
  EXPECT_FALSE(standard.fifo);
  EXPECT_EQ(default_sns_endpoint(standard), "https://sns.eu-west-1.amazonaws.com");

  const SnsTopicArn fifo = topic("arn:aws-cn:sns:cn-north-1:123456789012:Fleet_Alerts.fifo");
  EXPECT_TRUE(fifo.fifo);
  EXPECT_EQ(fifo.name, "Fleet_Alerts.fifo");
  EXPECT_EQ(default_sns_endpoint(fifo), "https://sns.cn-north-1.amazonaws.com.cn");

  EXPECT_EQ(default_sns_endpoint(topic("arn:aws-us-gov:sns:us-gov-west-1:123456789012:a")),
            "https://sns.us-gov-west-1.amazonaws.com");
  // A partition canhose has no DNS suffix for needs alerts.endpoint.
  EXPECT_EQ(default_sns_endpoint(topic("arn:aws-new:sns:xx-east-1:123456789012:a")), std::nullopt);
}

TEST(SnsTopicArnTest, RefusesOtherShapesSayingWhy) {
  const struct {
    const char* arn;
    const char* says;
  } cases[] = {
      {"", "fewer than six"},
      {"fleet-alerts", "fewer than six"},
      {"urn:aws:sns:eu-west-1:123456789012:a", "does not start with \"arn:\""},
      {"arn:azure:sns:eu-west-1:123456789012:a", "unknown partition"},
      {"arn:aws:sqs:eu-west-1:123456789012:a", "not \"sns\""},
      {"arn:aws:sns:EU-WEST-1:123456789012:a", "region"},
      {"arn:aws:sns::123456789012:a", "region"},
      {"arn:aws:sns:eu-west-1:12345:a", "12 digits"},
      {"arn:aws:sns:eu-west-1:123456789012:", "topic name"},
      {"arn:aws:sns:eu-west-1:123456789012:.fifo", "topic name"},
      {"arn:aws:sns:eu-west-1:123456789012:a b", "topic name"},
      {"arn:aws:sns:eu-west-1:123456789012:a:subscription-id", "topic name"},
  };
  for (const auto& c : cases) {
    const SnsTopicArnParse parsed = parse_topic_arn(c.arn);
    EXPECT_FALSE(parsed.ok()) << c.arn;
    EXPECT_NE(parsed.error.find(c.says), std::string::npos) << c.arn << " -> " << parsed.error;
  }
  EXPECT_FALSE(parse_topic_arn("arn:aws:sns:eu-west-1:123456789012:" + std::string(257, 'a')).ok());
  EXPECT_TRUE(parse_topic_arn("arn:aws:sns:eu-west-1:123456789012:" + std::string(256, 'a')).ok());
}

TEST(SnsSubjectTest, GeneratedSubjectsAreMadeValidNotRefused) {
  EXPECT_EQ(make_valid_subject("canhose: harsh braking x4 on VIN1"),
            "canhose: harsh braking x4 on VIN1");
  // Line breaks and control characters become single spaces; no leading or trailing space.
  EXPECT_EQ(make_valid_subject("  \r\nline one\r\n\tline two \x01\x7f "), "line one line two");
  // Outside printable ASCII: one '?' per character, whatever its UTF-8 length.
  EXPECT_EQ(make_valid_subject("Stra\xC3\x9F"
                               "e \xF0\x9F\x9A\x97 ok"),
            "Stra?e ? ok");
  EXPECT_EQ(make_valid_subject(""), "");
  EXPECT_EQ(make_valid_subject(" \n\t "), "");

  const std::string long_subject(150, 'x');
  const std::string cut = make_valid_subject(long_subject);
  EXPECT_EQ(cut.size(), sns_max_subject_chars);
  EXPECT_EQ(cut.substr(cut.size() - 3), "...");
  EXPECT_EQ(make_valid_subject(std::string(99, 'y')), std::string(99, 'y'));
  EXPECT_EQ(make_valid_subject(std::string(100, 'y')).size(), sns_max_subject_chars);
}

TEST(SnsMessageTest, MessagesAreMadeValidUtf8WithinTheSizeLimit) {
  EXPECT_EQ(make_valid_message("plain\nlines\tand \xC3\xA9"), "plain\nlines\tand \xC3\xA9");
  // Bytes that are not UTF-8, and control characters XML cannot carry, become U+FFFD.
  EXPECT_EQ(make_valid_message("a\xFF"
                               "b\x01"
                               "c\xED\xA0\x80"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");

  const std::string exact(sns_max_message_bytes, 'm');
  EXPECT_EQ(make_valid_message(exact), exact);
  // Cut at a character boundary, with a note, never over the limit.
  std::string big;
  while (big.size() < sns_max_message_bytes + 100) {
    big += "\xE2\x82\xAC";  // a three-byte character
  }
  const std::string cut = make_valid_message(big);
  EXPECT_LE(cut.size(), sns_max_message_bytes);
  EXPECT_NE(cut.find("[message cut"), std::string::npos);
  EXPECT_EQ(make_valid_message(cut.substr(0, cut.find("\n[message cut"))),
            cut.substr(0, cut.find("\n[message cut")))
      << "the kept part ends on a whole character";
}

TEST(SnsFifoIdTest, IdsAreMadeFromAnyText) {
  EXPECT_EQ(make_valid_fifo_id("VIN123/harsh-braking"), "VIN123/harsh-braking");
  EXPECT_EQ(make_valid_fifo_id("bus 12 / r\xC3\xA9gle"), "bus_12_/_r_gle");
  EXPECT_EQ(make_valid_fifo_id(std::string(200, 'a')).size(), sns_max_fifo_id_chars);
}

TEST(SnsPublishBodyTest, AStandardTopicGetsActionVersionTopicMessageAndSubject) {
  SnsPublishRequest request;
  request.subject = "canhose alert: speed > 90 km/h";
  request.message = "Vehicle VIN1 & rule \"speed\"\n3 events in 5 min";
  request.message_group_id = "ignored";  // only for FIFO topics
  request.message_deduplication_id = "ignored";
  const SnsPublishBody body =
      build_publish_body(topic("arn:aws:sns:eu-west-1:123456789012:alerts"), request);
  ASSERT_TRUE(body.ok()) << body.error;
  EXPECT_EQ(body.body.substr(0, 52), "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws");
  const auto params = form(body.body);
  EXPECT_EQ(params.size(), 5u);
  EXPECT_EQ(params.at("TopicArn"), "arn:aws:sns:eu-west-1:123456789012:alerts");
  EXPECT_EQ(params.at("Message"), request.message);
  EXPECT_EQ(params.at("Subject"), request.subject);
  // Spaces are %20 (never '+'), so the body means the same to every form decoder.
  EXPECT_EQ(body.body.find('+'), std::string::npos);
  EXPECT_NE(body.body.find("canhose%20alert%3A%20speed%20%3E%2090%20km%2Fh"), std::string::npos);
}

TEST(SnsPublishBodyTest, AFifoTopicGetsItsGroupAndDeduplicationIds) {
  const SnsTopicArn fifo = topic("arn:aws:sns:eu-west-1:123456789012:alerts.fifo");
  SnsPublishRequest request;
  request.message = "m";
  request.message_group_id = "VIN1/speed";
  request.message_deduplication_id = "3f1e9a";
  const SnsPublishBody body = build_publish_body(fifo, request);
  ASSERT_TRUE(body.ok()) << body.error;
  const auto params = form(body.body);
  EXPECT_EQ(params.at("MessageGroupId"), "VIN1/speed");
  EXPECT_EQ(params.at("MessageDeduplicationId"), "3f1e9a");
  EXPECT_EQ(params.count("Subject"), 0u) << "an empty subject is not sent";

  request.message_deduplication_id.clear();  // content-based deduplication on the topic
  EXPECT_EQ(form(build_publish_body(fifo, request).body).count("MessageDeduplicationId"), 0u);

  request.message_group_id.clear();
  EXPECT_NE(build_publish_body(fifo, request).error.find("needs a MessageGroupId"),
            std::string::npos);
  request.message_group_id = "has space";
  EXPECT_NE(build_publish_body(fifo, request).error.find("MessageGroupId may hold only"),
            std::string::npos);
  request.message_group_id = "g";
  request.message_deduplication_id = std::string(129, 'd');
  EXPECT_NE(build_publish_body(fifo, request).error.find("MessageDeduplicationId must have"),
            std::string::npos);
  request.message_deduplication_id = "d";
  request.message.clear();
  EXPECT_NE(build_publish_body(fifo, request).error.find("cannot be empty"), std::string::npos);
}

TEST(SnsPublishResponseTest, ReadsMessageIdSequenceNumberAndRequestId) {
  const auto out = parse_publish_response(
      "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
      "<PublishResult><MessageId> 94f20ce6-13c5-43a0-9a9e-ca52d816e90b </MessageId>"
      "<SequenceNumber>10000000000000003000</SequenceNumber></PublishResult>"
      "<ResponseMetadata><RequestId>f187a3c1</RequestId></ResponseMetadata>"
      "</PublishResponse>");
  ASSERT_TRUE(out.ok()) << out.error.describe();
  EXPECT_EQ(out.value.message_id, "94f20ce6-13c5-43a0-9a9e-ca52d816e90b");
  EXPECT_EQ(out.value.sequence_number, "10000000000000003000");
  EXPECT_EQ(out.value.request_id, "f187a3c1");

  // Elements the model may add later are ignored.
  EXPECT_TRUE(parse_publish_response("<PublishResponse><PublishResult><MessageId>x</MessageId>"
                                     "<Future>1</Future></PublishResult><More/></PublishResponse>")
                  .ok());
}

TEST(SnsPublishResponseTest, MalformedAnswersAreErrorsThatSayWhat) {
  const struct {
    std::string body;
    const char* says;
  } cases[] = {
      {"", "not well-formed XML (0 bytes"},
      {"{\"MessageId\": \"x\"}", "not well-formed XML"},
      {"<PublishResponse><PublishResult><MessageId>x</MessageId></PublishResult>",
       "not well-formed XML"},
      {"<html><body>Captive portal</body></html>", "root element is <html>"},
      {"<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>", "root element is"},
      {"<PublishResponse/>", "no PublishResult"},
      {"<PublishResponse><PublishResult/><PublishResult/></PublishResponse>",
       "more than one PublishResult"},
      {"<PublishResponse><PublishResult></PublishResult></PublishResponse>", "no MessageId"},
      {"<PublishResponse><PublishResult><MessageId>a</MessageId><MessageId>b</MessageId>"
       "</PublishResult></PublishResponse>",
       "more than one MessageId"},
      {"<PublishResponse><PublishResult><MessageId> </MessageId></PublishResult>"
       "</PublishResponse>",
       "MessageId is empty"},
      {"<PublishResponse><PublishResult><MessageId><x/></MessageId></PublishResult>"
       "</PublishResponse>",
       "not text"},
      {"<PublishResponse><PublishResult><MessageId>" + std::string(101, 'a') +
           "</MessageId></PublishResult></PublishResponse>",
       "longer than 100"},
      {"<PublishResponse><PublishResult><MessageId>a</MessageId><SequenceNumber>12x"
       "</SequenceNumber></PublishResult></PublishResponse>",
       "SequenceNumber"},
  };
  for (const auto& c : cases) {
    const auto out = parse_publish_response(c.body);
    EXPECT_FALSE(out.ok()) << c.body;
    EXPECT_EQ(out.error.kind, SnsErrorKind::malformed_response) << c.body;
    EXPECT_EQ(out.error.http_status, 200u);
    EXPECT_TRUE(out.error.retryable()) << "a 200 we cannot read: the message's fate is unknown";
    EXPECT_NE(out.error.message.find(c.says), std::string::npos)
        << c.body << " -> " << out.error.message;
    EXPECT_TRUE(out.value.message_id.empty());
  }
}

}  // namespace
}  // namespace canhose::aws
