"""SNS Publish on the emulator, driven by botocore's own SNS client (Query protocol, XML
answers) and by raw requests signed with botocore's SigV4Auth: what SNS accepts, its
limits and errors, FIFO rules and deduplication, signature failures, faults, and the
record of published messages the C++ tests read."""

import email.utils
import json
import os
import time
import unittest

import botocore.exceptions

from emulator_fixture import AKID, SECRET, EmulatorTestCase, query_error

ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:fleet-alerts"
FIFO = f"arn:aws:sns:us-east-1:{ACCOUNT}:fleet-alerts.fifo"
CONTENT_FIFO = f"arn:aws:sns:us-east-1:{ACCOUNT}:content.fifo"
TOKEN_KEY = "AKIDWITHTOKEN"
TOKEN_SECRET = "token-secret"
TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN"


class SnsPublishTest(EmulatorTestCase):
    EMULATOR_OPTIONS = {
        "sns_topics": ("fleet-alerts", "fleet-alerts.fifo",
                       "content.fifo:content-based-deduplication"),
        "credentials": (f"{AKID}:{SECRET}", f"{TOKEN_KEY}:{TOKEN_SECRET}:{TOKEN}")}

    def sns(self, **kwargs):
        client = self.emulator.sns_client(**kwargs)
        self.addCleanup(client.close)
        return client

    def assertSnsError(self, call, status, code, message_part=""):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call()
        response = caught.exception.response
        self.assertEqual((response["ResponseMetadata"]["HTTPStatusCode"],
                          response["Error"]["Code"]), (status, code), response["Error"])
        self.assertIn(message_part, response["Error"]["Message"])
        return response

    def assertRawSnsError(self, answer, status, code, message_part=""):
        got_status, headers, body = answer
        fault, got_code, message = query_error(body)
        self.assertEqual((got_status, got_code), (status, code), body)
        self.assertEqual(fault, "Receiver" if status >= 500 else "Sender")
        self.assertIn(message_part, message)
        self.assertTrue(headers.get("x-amzn-RequestId"))

    def published(self, message_id):
        return [m for m in self.emulator.sns_messages() if m["message_id"] == message_id]

    # --- what SNS accepts -------------------------------------------------------------
    def test_publish_to_a_standard_topic_is_recorded_with_its_subject(self):
        answer = self.sns().publish(TopicArn=TOPIC, Subject="canhose: speed > 90 km/h",
                                    Message="VIN1 & <rule> \"speed\"\nthree times \u00e9\u20ac")
        self.assertEqual(answer["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertNotIn("SequenceNumber", answer)
        [message] = self.published(answer["MessageId"])
        self.assertEqual(message["topic_arn"], TOPIC)
        self.assertEqual(message["subject"], "canhose: speed > 90 km/h")
        self.assertEqual(message["message"], "VIN1 & <rule> \"speed\"\nthree times \u00e9\u20ac")
        self.assertEqual(message["access_key_id"], AKID)
        # The same record, one JSON line each, in <output-dir>/sns/<topic>.jsonl.
        path = os.path.join(self.emulator.output_dir, "sns", "fleet-alerts.jsonl")
        with open(path, encoding="utf-8") as f:
            lines = [json.loads(line) for line in f]
        self.assertIn(message, lines)

    def test_limits_a_message_of_256_kib_and_a_subject_of_99_characters(self):
        client = self.sns()
        self.assertTrue(client.publish(TopicArn=TOPIC, Message="m" * 262144,
                                       Subject="s" * 99)["MessageId"])
        self.assertSnsError(lambda: client.publish(TopicArn=TOPIC, Message="m" * 262145), 400,
                            "InvalidParameter", "Invalid parameter: Message too long")
        # A multi-byte character counts its bytes.
        self.assertSnsError(lambda: client.publish(TopicArn=TOPIC,
                                                   Message="\u00e9" * 131073),
                            400, "InvalidParameter", "Message too long")
        self.assertSnsError(lambda: client.publish(TopicArn=TOPIC, Message=""), 400,
                            "InvalidParameter", "Invalid parameter: Empty message")

    def test_subjects_that_break_the_rules_are_refused(self):
        client = self.sns()
        for subject in ("s" * 100, "line\nbreak", "tab\there", " leading space",
                        "caf\u00e9", ""):
            with self.subTest(subject=subject):
                self.assertSnsError(
                    lambda: client.publish(TopicArn=TOPIC, Message="m", Subject=subject),
                    400, "InvalidParameter", "Invalid parameter: Subject")

    def test_unknown_topic_is_not_found_and_another_region_is_invalid(self):
        client = self.sns()
        self.assertSnsError(
            lambda: client.publish(TopicArn=f"arn:aws:sns:us-east-1:{ACCOUNT}:nope", Message="m"),
            404, "NotFound", "Topic does not exist")
        self.assertSnsError(
            lambda: client.publish(TopicArn=f"arn:aws:sns:eu-west-1:{ACCOUNT}:fleet-alerts",
                                   Message="m"),
            400, "InvalidParameter", "Invalid parameter: TopicArn")
        self.assertSnsError(lambda: client.publish(TopicArn="fleet-alerts", Message="m"),
                            400, "InvalidParameter", "TopicArn")

    def test_message_structure_json_needs_a_default(self):
        client = self.sns()
        self.assertTrue(client.publish(TopicArn=TOPIC, MessageStructure="json",
                                       Message=json.dumps({"default": "d", "email": "e"})))
        self.assertSnsError(lambda: client.publish(TopicArn=TOPIC, MessageStructure="json",
                                                   Message=json.dumps({"email": "e"})),
                            400, "InvalidParameter", "No default entry")

    # --- FIFO ---------------------------------------------------------------------------
    def test_fifo_needs_a_group_id_and_a_deduplication_id(self):
        client = self.sns()
        self.assertSnsError(lambda: client.publish(TopicArn=FIFO, Message="m"), 400,
                            "InvalidParameter",
                            "The MessageGroupId parameter is required for FIFO topics")
        self.assertSnsError(
            lambda: client.publish(TopicArn=FIFO, Message="m", MessageGroupId="VIN1/speed"),
            400, "InvalidParameter", "ContentBasedDeduplication enabled or "
            "MessageDeduplicationId provided explicitly")
        for bad in ("has space", "x" * 129, "\u00e9"):
            with self.subTest(group_id=bad):
                self.assertSnsError(
                    lambda: client.publish(TopicArn=FIFO, Message="m", MessageGroupId=bad,
                                           MessageDeduplicationId="d"),
                    400, "InvalidParameter", "MessageGroupId")
        answer = client.publish(TopicArn=FIFO, Message="m", MessageGroupId="VIN1/speed",
                                MessageDeduplicationId="!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" + "a" * 96)
        self.assertTrue(answer["SequenceNumber"].isdigit())

    def test_standard_topics_refuse_fifo_ids(self):
        client = self.sns()
        self.assertSnsError(lambda: client.publish(TopicArn=TOPIC, Message="m",
                                                   MessageDeduplicationId="d"),
                            400, "InvalidParameter", "MessageDeduplicationId")
        self.assertSnsError(lambda: client.publish(TopicArn=TOPIC, Message="m",
                                                   MessageGroupId="g"),
                            400, "InvalidParameter", "MessageGroupId")

    def test_a_fifo_duplicate_within_5_minutes_is_answered_but_not_delivered_again(self):
        client = self.sns()
        first = client.publish(TopicArn=FIFO, Message="alert", MessageGroupId="g",
                               MessageDeduplicationId="rule-42-1764086400")
        again = client.publish(TopicArn=FIFO, Message="alert", MessageGroupId="g",
                               MessageDeduplicationId="rule-42-1764086400")
        self.assertEqual(again["MessageId"], first["MessageId"])
        self.assertEqual(again["SequenceNumber"], first["SequenceNumber"])
        self.assertEqual(len(self.published(first["MessageId"])), 1)
        # Five minutes later (the server clock moved on) the same id is a new message.
        self.emulator.set_faults(date_skew_seconds=301)
        later = client.publish(TopicArn=FIFO, Message="alert", MessageGroupId="g",
                               MessageDeduplicationId="rule-42-1764086400")
        self.assertNotEqual(later["MessageId"], first["MessageId"])
        self.assertGreater(int(later["SequenceNumber"]), int(first["SequenceNumber"]))

    def test_content_based_deduplication_hashes_the_message(self):
        client = self.sns()
        first = client.publish(TopicArn=CONTENT_FIFO, Message="same", MessageGroupId="g")
        again = client.publish(TopicArn=CONTENT_FIFO, Message="same", MessageGroupId="g")
        other = client.publish(TopicArn=CONTENT_FIFO, Message="other", MessageGroupId="g")
        self.assertEqual(again["MessageId"], first["MessageId"])
        self.assertNotEqual(other["MessageId"], first["MessageId"])
        self.assertGreaterEqual(self.emulator.stats()["sns_duplicates"], 1)

    # --- signatures ---------------------------------------------------------------------
    def publish_params(self):
        return {"Action": "Publish", "Version": "2010-03-31", "TopicArn": TOPIC,
                "Message": "signed by hand"}

    def test_a_raw_signed_form_request_is_accepted(self):
        status, headers, body = self.emulator.signed_form_request(self.publish_params())
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], "text/xml")
        self.assertIn(b"<PublishResponse", body)

    def test_wrong_secret_is_signature_does_not_match_with_the_canonical_request(self):
        response = self.assertSnsError(
            lambda: self.sns(secret="wrong").publish(TopicArn=TOPIC, Message="m"), 403,
            "SignatureDoesNotMatch", "The request signature we calculated does not match")
        self.assertIn("content-type:application/x-www-form-urlencoded",
                      response["Error"]["Message"])

    def test_unknown_key_is_invalid_client_token_id(self):
        self.assertSnsError(lambda: self.sns(key="AKIDNOPE").publish(TopicArn=TOPIC, Message="m"),
                            403, "InvalidClientTokenId",
                            "The security token included in the request is invalid.")

    def test_session_tokens_are_checked(self):
        self.assertTrue(self.sns(key=TOKEN_KEY, secret=TOKEN_SECRET, token=TOKEN)
                        .publish(TopicArn=TOPIC, Message="m")["MessageId"])
        self.assertSnsError(lambda: self.sns(key=TOKEN_KEY, secret=TOKEN_SECRET)
                            .publish(TopicArn=TOPIC, Message="m"), 403, "InvalidClientTokenId")

    def test_missing_and_incomplete_authorization(self):
        self.assertRawSnsError(self.emulator.signed_form_request(self.publish_params(),
                                                                 sign=False),
                               403, "MissingAuthenticationToken",
                               "Request is missing Authentication Token")
        self.assertRawSnsError(self.emulator.signed_form_request(
            self.publish_params(), sign=False,
            headers={"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/x",
                     "X-Amz-Date": "20261125T120000Z"}),
            400, "IncompleteSignature", "Authorization header requires 'Signature' parameter.")

    def test_a_firehose_scoped_signature_is_refused(self):
        self.assertRawSnsError(self.emulator.signed_form_request(self.publish_params(),
                                                                 service="firehose"),
                               403, "SignatureDoesNotMatch",
                               "Credential should be scoped to correct service: 'sns'.")

    def test_signing_time_window_is_15_minutes(self):
        params = self.publish_params()
        self.assertEqual(self.emulator.signed_form_request(params, timestamp_offset=-600)[0], 200)
        self.assertRawSnsError(self.emulator.signed_form_request(params, timestamp_offset=-1000),
                               403, "SignatureDoesNotMatch", "Signature expired: ")
        self.assertRawSnsError(self.emulator.signed_form_request(params, timestamp_offset=-1000),
                               403, "SignatureDoesNotMatch", " - 15 min.)")
        self.assertRawSnsError(self.emulator.signed_form_request(params, timestamp_offset=1000),
                               403, "SignatureDoesNotMatch", "Signature not yet current: ")

    def test_unknown_and_unimplemented_actions(self):
        self.assertSnsError(lambda: self.sns().list_topics(), 400, "InvalidAction",
                            "does not implement ListTopics")
        self.assertRawSnsError(self.emulator.signed_form_request(
            {"Action": "Frobnicate", "Version": "2010-03-31"}), 400, "InvalidAction",
            "Could not find operation Frobnicate")
        self.assertRawSnsError(self.emulator.signed_form_request({"Version": "2010-03-31"}),
                               400, "MissingAction")

    def test_a_body_that_is_not_a_form_is_malformed(self):
        self.assertRawSnsError(self.emulator.signed_form_request(b"Action=Publish&%ZZ=1&&"),
                               400, "MalformedQueryString")

    # --- faults -------------------------------------------------------------------------
    def test_throttling_and_internal_errors_after_a_valid_request(self):
        client = self.sns()
        self.emulator.set_faults(sns_throttle_next=1)
        self.assertSnsError(lambda: client.publish(TopicArn=TOPIC, Message="m"), 400,
                            "Throttling", "Rate exceeded")
        self.emulator.set_faults(sns_error500_next=1)
        self.assertSnsError(lambda: client.publish(TopicArn=TOPIC, Message="m"), 500,
                            "InternalError")
        before = len(self.emulator.sns_messages())
        self.assertTrue(client.publish(TopicArn=TOPIC, Message="m")["MessageId"])
        self.assertEqual(len(self.emulator.sns_messages()), before + 1,
                         "only the request that succeeded was recorded")
        # A botocore client with retries gets through a throttle as it would with SNS.
        self.emulator.set_faults(sns_throttle_next=1)
        self.assertTrue(self.sns(retries=2).publish(TopicArn=TOPIC, Message="m")["MessageId"])

    def test_sns_faults_leave_firehose_alone_and_firehose_faults_leave_sns_alone(self):
        self.emulator.set_faults(throttle_next=1)
        self.assertTrue(self.sns().publish(TopicArn=TOPIC, Message="m")["MessageId"])
        self.assertEqual(self.emulator.set_faults()["throttle_next"], 1)
        self.emulator.set_faults(throttle_next=0, sns_error500_next=1)
        self.assertEqual(self.emulator.signed_request(
            "PutRecordBatch", {"DeliveryStreamName": "edge-gw",
                               "Records": [{"Data": "eA=="}]})[0], 200)
        self.assertEqual(self.emulator.set_faults()["sns_error500_next"], 1)

    def test_a_reset_closes_the_connection_without_an_answer(self):
        self.emulator.set_faults(sns_reset_next=1)
        with self.assertRaises(botocore.exceptions.HTTPClientError):
            self.sns().publish(TopicArn=TOPIC, Message="m")
        self.assertGreaterEqual(self.emulator.stats()["sns_resets"], 1)

    def test_the_date_header_follows_the_skewed_server_clock(self):
        # 10 minutes behind: inside SNS's 15-minute window, so the request is accepted.
        self.emulator.set_faults(date_skew_seconds=-600)
        answer = self.sns().publish(TopicArn=TOPIC, Message="m")
        date = answer["ResponseMetadata"]["HTTPHeaders"]["date"]
        self.assertAlmostEqual(email.utils.parsedate_to_datetime(date).timestamp(),
                               time.time() - 600, delta=120)


if __name__ == "__main__":
    unittest.main()
