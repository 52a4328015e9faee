#pragma once
// The SNS API model for Publish (Query protocol, botocore data sns/2010-03-31): the topic
// ARN and what it tells (partition, region, FIFO), the form-encoded request body, the
// rules a generated subject and message are made to follow, and the parser of
// PublishResponse. Parsers never throw: a malformed answer gives an error saying what is
// wrong with it.
//
// Wire format:
//   POST / HTTP/1.1
//   Content-Type: application/x-www-form-urlencoded; charset=utf-8
//   Action=Publish&Version=2010-03-31&TopicArn=..&Message=..[&Subject=..]
//     [&MessageGroupId=..&MessageDeduplicationId=..]
// answered by
//   <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
//     <PublishResult><MessageId>..</MessageId>[<SequenceNumber>..</SequenceNumber>]
//     </PublishResult><ResponseMetadata><RequestId>..</RequestId></ResponseMetadata>
//   </PublishResponse>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "aws/sns_error.hpp"

namespace canhose::aws {

inline constexpr std::string_view sns_service = "sns";
inline constexpr std::string_view sns_api_version = "2010-03-31";
inline constexpr std::string_view sns_content_type =
    "application/x-www-form-urlencoded; charset=utf-8";
// "Subjects must be ASCII text that begins with a letter, number, or punctuation mark;
// must not include line breaks or control characters; and must be less than 100
// characters long."
inline constexpr std::size_t sns_max_subject_chars = 99;
// "messages must be UTF-8 encoded strings and at most 256 KB in size (262,144 bytes)".
inline constexpr std::size_t sns_max_message_bytes = 262'144;
// MessageGroupId and MessageDeduplicationId: up to 128 of a-z A-Z 0-9 and punctuation.
inline constexpr std::size_t sns_max_fifo_id_chars = 128;

// arn:<partition>:sns:<region>:<account>:<name>
struct SnsTopicArn {
  std::string arn;        // the whole ARN as given
  std::string partition;  // "aws", "aws-cn", "aws-us-gov", ...
  std::string region;     // "eu-west-1": the signing region and the endpoint's
  std::string account;    // 12 digits
  std::string name;       // "fleet-alerts" or "fleet-alerts.fifo"
  bool fifo = false;      // the name ends in ".fifo"
};

struct SnsTopicArnParse {
  SnsTopicArn topic;
  std::string error;  // empty on success; otherwise what is wrong, for the config message
  bool ok() const { return error.empty(); }
};

// Checks the shape SNS gives topic ARNs: partition "aws" or "aws-..."; service "sns"; a
// region of lower-case letters, digits and '-'; a 12-digit account; a name of 1-256
// letters, digits, '-' and '_' (FIFO: ending in ".fifo").
SnsTopicArnParse parse_topic_arn(std::string_view arn);

// "https://sns.<region>.<suffix>" with the DNS suffix of the topic's partition
// (amazonaws.com, amazonaws.com.cn for aws-cn, ...); nullopt for a partition canhose does
// not know, which then needs alerts.endpoint.
std::optional<std::string> default_sns_endpoint(const SnsTopicArn& topic);

// A subject that follows SNS's rules, made from any text: control characters and line
// breaks become spaces, characters outside printable ASCII become '?' (one per UTF-8
// sequence), runs of spaces shrink to one, leading and trailing spaces go, and text longer
// than sns_max_subject_chars is cut to end in "...". Empty: no subject is sent.
std::string make_valid_subject(std::string_view text);

// A message SNS accepts, made from any text: bytes that are not UTF-8 become U+FFFD and a
// message longer than sns_max_message_bytes is cut at a character boundary with a note
// saying so. (Empty stays empty: build_publish_body refuses it.)
std::string make_valid_message(std::string_view text);

// A MessageGroupId / MessageDeduplicationId made from any text: characters other than
// a-z A-Z 0-9 and ASCII punctuation become '_', and it is cut to 128 characters.
// Meant for ids built from names ("<vehicle>/<rule>"); for a deduplication id prefer a
// hash of what makes the alert unique (its rule and time), which is short and stable.
std::string make_valid_fifo_id(std::string_view text);

// One Publish. For a FIFO topic message_group_id is required, and
// message_deduplication_id too unless the topic has content-based deduplication: give it
// a value that stays the same when the same alert is sent again (after a lost answer),
// so SNS drops the copy within its 5-minute deduplication window. For a standard topic
// both ids are not sent.
struct SnsPublishRequest {
  std::string subject;  // optional; passed through make_valid_subject()
  std::string message;  // required; passed through make_valid_message()
  std::string message_group_id;
  std::string message_deduplication_id;
};

struct SnsPublishBody {
  std::string body;   // the form-encoded request body
  std::string error;  // empty on success; otherwise why the request cannot be sent
  bool ok() const { return error.empty(); }
};

// The form body (each value percent-encoded as SigV4 encodes: unreserved characters
// kept, everything else %XX, so a space is %20). Refuses an empty message, and for a FIFO
// topic a missing or invalid MessageGroupId or an invalid MessageDeduplicationId.
SnsPublishBody build_publish_body(const SnsTopicArn& topic, const SnsPublishRequest& request);

struct SnsPublishResult {
  std::string message_id;       // always set on success
  std::string sequence_number;  // FIFO topics only
  std::string request_id;       // ResponseMetadata/RequestId, when present
};

// Strict: the root must be PublishResponse with exactly one PublishResult holding exactly
// one non-empty MessageId of at most 100 characters (and at most one SequenceNumber of
// digits). Elements the model may add later are ignored.
SnsOutcome<SnsPublishResult> parse_publish_response(std::string_view body);

}  // namespace canhose::aws
