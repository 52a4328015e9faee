"""The service's limits and request validation against the Firehose model, with the
errors the service returns. botocore's own client-side validation is switched off so the
emulator sees what a careless client would send."""

import base64
import json
import unittest

import botocore.exceptions

from emulator_fixture import error_code, STREAM, EmulatorTestCase


class LimitsTest(EmulatorTestCase):
    def setUp(self):
        super().setUp()
        self.client = self.new_client(validate=False)

    def error(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        response = caught.exception.response
        return (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"],
                response["Error"]["Message"])

    def test_500_records_are_accepted_and_501_are_a_validation_error(self):
        answer = self.client.put_record_batch(DeliveryStreamName=STREAM,
                                              Records=[{"Data": b"r"}] * 500)
        self.assertEqual((answer["FailedPutCount"], len(answer["RequestResponses"])), (0, 500))
        code, status, message = self.error(self.client.put_record_batch,
                                           DeliveryStreamName=STREAM,
                                           Records=[{"Data": b"r"}] * 501)
        self.assertEqual((code, status), ("ValidationException", 400))
        self.assertIn("at 'records' failed to satisfy constraint: Member must have length "
                      "less than or equal to 500", message)

    def test_empty_batch_is_a_validation_error(self):
        code, _, message = self.error(self.client.put_record_batch, DeliveryStreamName=STREAM,
                                      Records=[])
        self.assertEqual(code, "ValidationException")
        self.assertIn("greater than or equal to 1", message)

    def test_record_of_1024000_bytes_is_accepted_and_one_more_byte_is_not(self):
        answer = self.client.put_record_batch(DeliveryStreamName=STREAM,
                                              Records=[{"Data": b"a" * 1024000}])
        self.assertEqual(answer["FailedPutCount"], 0)
        code, status, message = self.error(
            self.client.put_record_batch, DeliveryStreamName=STREAM,
            Records=[{"Data": b"ok"}, {"Data": b"a" * 1024001}])
        self.assertEqual((code, status), ("ValidationException", 400))
        self.assertEqual(message, "1 validation error detected: Value 'java.nio.HeapByteBuffer"
                                  "[pos=0 lim=1024001 cap=1024001]' at 'records.2.member.data' "
                                  "failed to satisfy constraint: Member must have length less "
                                  "than or equal to 1024000")

    def test_every_violation_is_listed(self):
        _, _, message = self.error(self.client.put_record_batch, DeliveryStreamName="bad name!",
                                   Records=[{"Data": b"a" * 1024001}] * 2)
        self.assertTrue(message.startswith("3 validation errors detected: "), message)
        self.assertIn("Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", message)

    def test_request_over_4_mib_is_invalid_argument(self):
        # Five records of 1,000,000 bytes: each within its limit, 6.7 MB once base64-encoded.
        code, status, message = self.error(self.client.put_record_batch,
                                           DeliveryStreamName=STREAM,
                                           Records=[{"Data": b"b" * 1000000}] * 5)
        self.assertEqual((code, status, message),
                         ("InvalidArgumentException", 400, "Records size exceeds 4 MB limit"))

    def test_request_of_exactly_4_mib_encoded_is_accepted(self):
        envelope = len(json.dumps({"DeliveryStreamName": STREAM,
                                   "Records": [{"Data": ""}] * 4}).encode())
        # Four records whose encoded request is exactly 4 * 1024 * 1024 bytes.
        free = 4 * 1024 * 1024 - envelope
        per_record_base64 = free // 4
        raw = per_record_base64 // 4 * 3
        records = [b"c" * raw] * 4
        body = json.dumps({"DeliveryStreamName": STREAM,
                           "Records": [{"Data": base64.b64encode(r).decode()} for r in records]})
        padding = 4 * 1024 * 1024 - len(body.encode())
        self.assertGreaterEqual(padding, 0)
        body = body[:-1] + " " * padding + "}"  # JSON whitespace brings it to the limit
        self.assertEqual(len(body.encode()), 4 * 1024 * 1024)
        status, _, answer = self.emulator.signed_request("PutRecordBatch", body.encode())
        self.assertEqual(status, 200, answer[:200])
        status, _, answer = self.emulator.signed_request("PutRecordBatch",
                                                         (body[:-1] + " }").encode())
        self.assertAwsError((status, _, answer), 400, "InvalidArgumentException")

    def test_missing_required_member_is_a_validation_error(self):
        self.assertAwsError(self.emulator.signed_request("PutRecordBatch",
                                                         {"DeliveryStreamName": STREAM}),
                            400, "ValidationException",
                            "Value null at 'records' failed to satisfy constraint: Member must "
                            "not be null")
        self.assertAwsError(self.emulator.signed_request(
            "PutRecordBatch", {"DeliveryStreamName": STREAM, "Records": [{}]}),
            400, "ValidationException", "Value null at 'records.1.member.data'")

    def test_data_that_is_not_base64_is_a_serialization_error(self):
        self.assertAwsError(self.emulator.signed_request(
            "PutRecordBatch", {"DeliveryStreamName": STREAM, "Records": [{"Data": "%%%"}]}),
            400, "SerializationException")

    def test_wrong_json_types_and_bad_json_are_serialization_errors(self):
        self.assertAwsError(self.emulator.signed_request(
            "PutRecordBatch", {"DeliveryStreamName": STREAM, "Records": {"Data": "eA=="}}),
            400, "SerializationException")
        self.assertAwsError(self.emulator.signed_request("PutRecordBatch", b"{not json"),
                            400, "SerializationException")

    def test_body_of_another_content_type_is_404_unknown_operation(self):
        status, _, body = self.emulator.signed_request(
            "PutRecordBatch", {"DeliveryStreamName": STREAM, "Records": [{"Data": "eA=="}]},
            headers={"Content-Type": "text/plain"})
        self.assertEqual((status, body), (404, b"<UnknownOperationException/>\n"))

    def test_invalid_json_is_reported_before_authentication(self):
        self.assertAwsError(self.emulator.signed_request("PutRecordBatch", b"{oops",
                                                         secret="wrong"),
                            400, "SerializationException")

    def test_unknown_target_is_unknown_operation(self):
        self.assertAwsError(self.emulator.signed_request("PutRecords", {}), 400,
                            "UnknownOperationException")
        status, _, body = self.emulator.signed_request(
            "PutRecordBatch", {"DeliveryStreamName": STREAM, "Records": [{"Data": "eA=="}]},
            headers={"X-Amz-Target": "Kinesis_20131202.PutRecords"})
        self.assertEqual(error_code(body), "UnknownOperationException")

    def test_stream_name_longer_than_64_is_a_validation_error(self):
        code, _, message = self.error(self.client.describe_delivery_stream,
                                      DeliveryStreamName="s" * 65)
        self.assertEqual(code, "ValidationException")
        self.assertIn("Member must have length less than or equal to 64", message)


if __name__ == "__main__":
    unittest.main()
