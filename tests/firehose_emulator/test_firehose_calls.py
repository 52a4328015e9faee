"""Every Firehose call the emulator implements, through botocore clients (the AWS SDK for
Python), over HTTPS with the test CA."""

import unittest

import botocore.exceptions

from emulator_fixture import STREAM, EmulatorTestCase

BUCKET_ARN = "arn:aws:s3:::fleet-telemetry"
ROLE_ARN = "arn:aws:iam::123456789012:role/firehose-delivery"


class FirehoseCallsTest(EmulatorTestCase):
    EMULATOR_OPTIONS = {"tls": True}

    def setUp(self):
        super().setUp()
        self.client = self.new_client()

    def error_code(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        return caught.exception.response["Error"]["Code"], \
            caught.exception.response["ResponseMetadata"]["HTTPStatusCode"]

    def test_put_record_batch_answers_in_request_order(self):
        records = [{"Data": f"{i} line\n".encode()} for i in range(5)]
        answer = self.client.put_record_batch(DeliveryStreamName=STREAM, Records=records)
        self.assertEqual(answer["FailedPutCount"], 0)
        self.assertIs(answer["Encrypted"], False)
        ids = [r["RecordId"] for r in answer["RequestResponses"]]
        self.assertEqual(len(ids), 5)
        self.assertEqual(len(set(ids)), 5)
        self.assertEqual(ids, sorted(ids))  # issued in request order

    def test_put_record_returns_a_record_id(self):
        answer = self.client.put_record(DeliveryStreamName=STREAM, Record={"Data": b"x\n"})
        self.assertTrue(answer["RecordId"])
        self.assertIs(answer["Encrypted"], False)

    def test_unknown_stream_is_resource_not_found_for_puts_and_describe(self):
        for call, kwargs in (
                (self.client.put_record_batch,
                 {"DeliveryStreamName": "missing", "Records": [{"Data": b"x"}]}),
                (self.client.put_record,
                 {"DeliveryStreamName": "missing", "Record": {"Data": b"x"}}),
                (self.client.describe_delivery_stream, {"DeliveryStreamName": "missing"}),
                (self.client.delete_delivery_stream, {"DeliveryStreamName": "missing"})):
            self.assertEqual(self.error_code(call, **kwargs), ("ResourceNotFoundException", 400))

    def test_create_describe_list_delete_lifecycle(self):
        answer = self.client.create_delivery_stream(
            DeliveryStreamName="fleet-a", DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={
                "RoleARN": ROLE_ARN, "BucketARN": BUCKET_ARN, "Prefix": "raw/",
                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}})
        self.assertEqual(answer["DeliveryStreamARN"],
                         "arn:aws:firehose:us-east-1:123456789012:deliverystream/fleet-a")
        description = self.client.describe_delivery_stream(
            DeliveryStreamName="fleet-a")["DeliveryStreamDescription"]
        self.assertEqual(description["DeliveryStreamStatus"], "ACTIVE")
        self.assertEqual(description["DeliveryStreamType"], "DirectPut")
        s3 = description["Destinations"][0]["ExtendedS3DestinationDescription"]
        self.assertEqual((s3["BucketARN"], s3["RoleARN"], s3["Prefix"]),
                         (BUCKET_ARN, ROLE_ARN, "raw/"))
        self.assertEqual(s3["BufferingHints"], {"SizeInMBs": 1, "IntervalInSeconds": 60})
        self.assertIn("fleet-a", self.client.list_delivery_streams()["DeliveryStreamNames"])

        self.assertEqual(self.error_code(
            self.client.create_delivery_stream, DeliveryStreamName="fleet-a",
            S3DestinationConfiguration={"RoleARN": ROLE_ARN, "BucketARN": BUCKET_ARN}),
            ("ResourceInUseException", 400))

        self.client.put_record(DeliveryStreamName="fleet-a", Record={"Data": b"kept\n"})
        self.client.delete_delivery_stream(DeliveryStreamName="fleet-a")
        self.assertNotIn("fleet-a", self.client.list_delivery_streams()["DeliveryStreamNames"])
        # The buffered record was delivered to the bucket, under the prefix.
        delivered = [o for o in self.emulator.control("GET", "objects")[1]["objects"]
                     if "/fleet-telemetry/raw/" in o]
        self.assertEqual(len(delivered), 1)
        with open(delivered[0], "rb") as f:
            self.assertEqual(f.read(), b"kept\n")

    def test_create_with_plain_s3_destination(self):
        self.client.create_delivery_stream(
            DeliveryStreamName="fleet-b",
            S3DestinationConfiguration={"RoleARN": ROLE_ARN, "BucketARN": BUCKET_ARN})
        description = self.client.describe_delivery_stream(
            DeliveryStreamName="fleet-b")["DeliveryStreamDescription"]
        self.assertEqual(description["Destinations"][0]["S3DestinationDescription"]["BucketARN"],
                         BUCKET_ARN)
        self.client.delete_delivery_stream(DeliveryStreamName="fleet-b")

    def test_create_without_destination_or_not_direct_put_is_invalid_argument(self):
        self.assertEqual(self.error_code(self.client.create_delivery_stream,
                                         DeliveryStreamName="no-destination"),
                         ("InvalidArgumentException", 400))
        self.assertEqual(self.error_code(
            self.client.create_delivery_stream, DeliveryStreamName="from-kinesis",
            DeliveryStreamType="KinesisStreamAsSource",
            S3DestinationConfiguration={"RoleARN": ROLE_ARN, "BucketARN": BUCKET_ARN}),
            ("InvalidArgumentException", 400))

    def test_create_with_malformed_bucket_arn_is_validation_exception(self):
        client = self.new_client(validate=False)
        code = self.error_code(client.create_delivery_stream, DeliveryStreamName="bad-arn",
                               S3DestinationConfiguration={"RoleARN": ROLE_ARN,
                                                           "BucketARN": "not-an-arn"})
        self.assertEqual(code, ("ValidationException", 400))

    def test_list_pages_with_limit_and_exclusive_start(self):
        for name in ("page-1", "page-2", "page-3"):
            self.client.create_delivery_stream(
                DeliveryStreamName=name,
                S3DestinationConfiguration={"RoleARN": ROLE_ARN, "BucketARN": BUCKET_ARN})
        try:
            first = self.client.list_delivery_streams(Limit=2)
            self.assertEqual(len(first["DeliveryStreamNames"]), 2)
            self.assertTrue(first["HasMoreDeliveryStreams"])
            seen = list(first["DeliveryStreamNames"])
            while True:
                page = self.client.list_delivery_streams(
                    Limit=2, ExclusiveStartDeliveryStreamName=seen[-1])
                seen += page["DeliveryStreamNames"]
                if not page["HasMoreDeliveryStreams"]:
                    break
            self.assertEqual(seen, sorted(seen))
            self.assertTrue({"page-1", "page-2", "page-3", STREAM} <= set(seen))
        finally:
            for name in ("page-1", "page-2", "page-3"):
                self.client.delete_delivery_stream(DeliveryStreamName=name)

    def test_stats_count_operations_records_and_errors(self):
        before = self.emulator.stats()
        self.client.put_record_batch(DeliveryStreamName=STREAM,
                                     Records=[{"Data": b"abc"}, {"Data": b"de"}])
        with self.assertRaises(botocore.exceptions.ClientError):
            self.client.describe_delivery_stream(DeliveryStreamName="missing")
        after = self.emulator.stats()
        self.assertEqual(after["requests"] - before["requests"], 2)
        self.assertEqual(after["records_accepted"] - before["records_accepted"], 2)
        self.assertEqual(after["bytes_accepted"] - before["bytes_accepted"], 5)
        stream_before = before["streams"].get(STREAM, {"records_accepted": 0, "bytes_accepted": 0})
        self.assertEqual(after["streams"][STREAM]["records_accepted"]
                         - stream_before["records_accepted"], 2)
        self.assertEqual(after["streams"][STREAM]["bytes_accepted"]
                         - stream_before["bytes_accepted"], 5)
        self.assertEqual(after["errors"].get("ResourceNotFoundException", 0)
                         - before["errors"].get("ResourceNotFoundException", 0), 1)


if __name__ == "__main__":
    unittest.main()
