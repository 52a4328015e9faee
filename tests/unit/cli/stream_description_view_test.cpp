#include "cli/stream_description_view.hpp"

#include <gtest/gtest.h>

namespace canhose::cli {
namespace {

// Shaped like Firehose's DescribeDeliveryStream response (service-2.json).
const char* kEncryptedStream = R"({"DeliveryStreamDescription": {
  "DeliveryStreamName": "fleet", "DeliveryStreamStatus": "ACTIVE",
  "DeliveryStreamARN": "arn:aws:firehose:eu-west-1:123456789012:deliverystream/fleet",
  "DeliveryStreamType": "DirectPut", "VersionId": "3", "CreateTimestamp": 1795636800.5,
  "DeliveryStreamEncryptionConfiguration": {"Status": "ENABLED", "KeyType": "AWS_OWNED_CMK"},
  "Destinations": [{"DestinationId": "destinationId-000000000001",
    "ExtendedS3DestinationDescription": {
      "RoleARN": "arn:aws:iam::123456789012:role/firehose", "BucketARN": "arn:aws:s3:::fleet-data",
      "Prefix": "", "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 900},
      "CompressionFormat": "GZIP",
      "EncryptionConfiguration": {"KMSEncryptionConfig": {"AWSKMSKeyARN": "arn:aws:kms:k"}}}}],
  "HasMoreDestinations": false}})";

TEST(StreamDescriptionView, ShowsDestinationBufferingAndBothEncryptions) {
  const StreamDescriptionView v(kEncryptedStream);
  EXPECT_EQ(v.name(), "fleet");
  EXPECT_EQ(v.status(), "ACTIVE");
  EXPECT_EQ(v.created(), "2026-11-25 20:00:00 UTC");
  ASSERT_TRUE(v.has_s3_destination());
  EXPECT_EQ(v.bucket(), "fleet-data");
  EXPECT_EQ(v.prefix(), "(none: YYYY/MM/DD/HH/)");
  EXPECT_EQ(v.buffering(), "64 MiB or 900 s, whichever comes first");
  EXPECT_EQ(v.compression(), "GZIP");
  EXPECT_EQ(v.encryption(), "server-side ENABLED (AWS_OWNED_CMK); S3 objects KMS arn:aws:kms:k");
  EXPECT_EQ(v.failure(), "");
}

TEST(StreamDescriptionView, BodiesWithoutTheFieldsReadAsDashes) {
  for (const char* body :
       {"not json", "[]", R"({"DeliveryStreamDescription": {"Destinations": 5}})",
        R"({"DeliveryStreamDescription": {"Destinations": [{}]}})"}) {
    const StreamDescriptionView v(body);
    EXPECT_EQ(v.name(), "-") << body;
    EXPECT_EQ(v.status(), "?") << body;
    EXPECT_FALSE(v.has_s3_destination()) << body;
    EXPECT_EQ(v.buffering(), "-") << body;
    EXPECT_EQ(v.encryption(), "server-side DISABLED") << body;
  }
}

}  // namespace
}  // namespace canhose::cli
