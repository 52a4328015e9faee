"""Signature Version 4 checks: every request is verified with botocore's signer against
the configured keys; each failure gets the error the service returns. Requests here are
signed by botocore's SigV4Auth and sent raw, so each part can be broken on purpose."""

import json
import time
import unittest

from emulator_fixture import AKID, SECRET, STREAM, EmulatorTestCase

BATCH = {"DeliveryStreamName": STREAM, "Records": [{"Data": "eA=="}]}
TOKEN_KEY = "AKIDWITHTOKEN"
TOKEN_SECRET = "token-secret"
TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN"


class SignatureTest(EmulatorTestCase):
    EMULATOR_OPTIONS = {"credentials": (f"{AKID}:{SECRET}",
                                        f"{TOKEN_KEY}:{TOKEN_SECRET}:{TOKEN}")}

    def test_correctly_signed_request_is_accepted(self):
        status, _, body = self.emulator.signed_request("PutRecordBatch", BATCH)
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["FailedPutCount"], 0)

    def test_the_recorded_botocore_request_from_test_data_is_verified(self):
        # tests/data/firehose/putrecordbatch-signed-botocore.txt was signed in 2015 with the
        # suite key: replayed now it is authentic but far too old.
        self.emulator.set_faults(date_skew_seconds=-(time.time() - 1440938160))
        headers = {
            "X-Amz-Date": "20150830T123600Z",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
                             "firehose/aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                             "x-amz-target, Signature=599d246067904c8fee55e4b712feaf2604c2780fc5e2d"
                             "11464517c3da1f4895a"}
        body = b'{"DeliveryStreamName": "edge-gw", "Records": [{"Data": "eyJ2IjoxfQo="}]}'
        # The recorded request's Host was firehose.us-east-1.amazonaws.com.
        status, _, answer = self.emulator._send(
            "POST", "/", list({"Content-Type": "application/x-amz-json-1.1",
                               "X-Amz-Target": "Firehose_20150804.PutRecordBatch",
                               "Host": "firehose.us-east-1.amazonaws.com", **headers}.items()),
            body)
        self.assertEqual(status, 200, answer)

    def test_wrong_secret_is_invalid_signature_with_the_canonical_request(self):
        response = self.emulator.signed_request("PutRecordBatch", BATCH, secret="wrong")
        self.assertAwsError(response, 400, "InvalidSignatureException",
                            "The request signature we calculated does not match")
        self.assertIn("x-amz-target:Firehose_20150804.PutRecordBatch",
                      json.loads(response[2])["message"])

    def test_unknown_access_key_is_unrecognized_client(self):
        self.assertAwsError(self.emulator.signed_request("PutRecordBatch", BATCH, key="AKIDNOPE"),
                            400, "UnrecognizedClientException",
                            "The security token included in the request is invalid.")

    def test_framework_errors_have_a_namespaced_type_and_model_errors_a_bare_one(self):
        status, headers, body = self.emulator.signed_request("PutRecordBatch", BATCH,
                                                             key="AKIDNOPE")
        self.assertEqual(json.loads(body)["__type"],
                         "com.amazon.coral.service#UnrecognizedClientException")
        self.assertEqual(headers["x-amzn-ErrorType"], "UnrecognizedClientException:"
                         "http://internal.amazon.com/coral/com.amazon.coral.service/")
        status, headers, body = self.emulator.signed_request(
            "DescribeDeliveryStream", {"DeliveryStreamName": "missing"})
        self.assertEqual(json.loads(body)["__type"], "ResourceNotFoundException")

    def test_missing_authorization_is_missing_authentication_token(self):
        self.assertAwsError(self.emulator.signed_request("PutRecordBatch", BATCH, sign=False),
                            400, "MissingAuthenticationTokenException",
                            "Request is missing Authentication Token")

    def test_clock_skew_is_reported_before_an_unknown_key(self):
        # A device with a wrong clock learns about the clock first, whatever else is wrong.
        self.assertAwsError(self.emulator.signed_request("PutRecordBatch", BATCH, key="AKIDNOPE",
                                                         timestamp_offset=-3600),
                            400, "InvalidSignatureException", "Signature expired")

    def test_every_scope_problem_is_listed_in_one_message(self):
        response = self.emulator.signed_request("PutRecordBatch", BATCH, region="eu-west-1",
                                                service="kinesis")
        self.assertAwsError(response, 400, "InvalidSignatureException")
        self.assertEqual(json.loads(response[2])["message"],
                         "Credential should be scoped to a valid region, not 'eu-west-1'. "
                         "Credential should be scoped to correct service: 'firehose'.")

    def test_body_changed_after_signing_is_invalid_signature(self):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        signed = AWSRequest(method="POST", url=self.emulator.endpoint + "/",
                            data=json.dumps(BATCH).encode(),
                            headers={"Content-Type": "application/x-amz-json-1.1",
                                     "X-Amz-Target": "Firehose_20150804.PutRecordBatch"})
        SigV4Auth(Credentials(AKID, SECRET), "firehose", "us-east-1").add_auth(signed)
        tampered = json.dumps({"DeliveryStreamName": STREAM,
                               "Records": [{"Data": "eQ=="}]}).encode()
        response = self.emulator._send("POST", "/", signed.headers.items(), tampered)
        self.assertAwsError(response, 400, "InvalidSignatureException")

    def test_wrong_region_or_service_in_scope_is_invalid_signature(self):
        self.assertAwsError(
            self.emulator.signed_request("PutRecordBatch", BATCH, region="eu-west-1"),
            400, "InvalidSignatureException",
            "Credential should be scoped to a valid region, not 'eu-west-1'.")
        self.assertAwsError(
            self.emulator.signed_request("PutRecordBatch", BATCH, service="kinesis"),
            400, "InvalidSignatureException",
            "Credential should be scoped to correct service: 'firehose'.")

    def test_request_signed_more_than_five_minutes_ago_is_signature_expired(self):
        response = self.emulator.signed_request("PutRecordBatch", BATCH, timestamp_offset=-400)
        self.assertAwsError(response, 400, "InvalidSignatureException", "Signature expired: ")
        self.assertRegex(json.loads(response[2])["message"],
                         r"^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
                         r"\(\d{8}T\d{6}Z - 5 min\.\)$")

    def test_request_signed_more_than_five_minutes_ahead_is_not_yet_current(self):
        response = self.emulator.signed_request("PutRecordBatch", BATCH, timestamp_offset=400)
        self.assertAwsError(response, 400, "InvalidSignatureException",
                            "Signature not yet current: ")

    def test_four_minutes_of_skew_is_still_accepted(self):
        for offset in (-240, 240):
            status, _, body = self.emulator.signed_request("PutRecordBatch", BATCH,
                                                           timestamp_offset=offset)
            self.assertEqual(status, 200, body)

    def test_session_token_must_match_the_configured_one(self):
        status, _, body = self.emulator.signed_request(
            "PutRecordBatch", BATCH, key=TOKEN_KEY, secret=TOKEN_SECRET, token=TOKEN)
        self.assertEqual(status, 200, body)
        for token in (None, "another-token"):
            self.assertAwsError(self.emulator.signed_request(
                "PutRecordBatch", BATCH, key=TOKEN_KEY, secret=TOKEN_SECRET, token=token),
                400, "UnrecognizedClientException")
        # A key without a token must not carry one.
        self.assertAwsError(self.emulator.signed_request("PutRecordBatch", BATCH, token="x"),
                            400, "UnrecognizedClientException")

    def test_host_must_be_signed(self):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        class NoHost(SigV4Auth):
            def headers_to_sign(self, request):
                headers = super().headers_to_sign(request)
                del headers["host"]
                return headers

        request = AWSRequest(method="POST", url=self.emulator.endpoint + "/",
                             data=json.dumps(BATCH).encode(),
                             headers={"Content-Type": "application/x-amz-json-1.1",
                                      "X-Amz-Target": "Firehose_20150804.PutRecordBatch"})
        NoHost(Credentials(AKID, SECRET), "firehose", "us-east-1").add_auth(request)
        self.assertAwsError(self.emulator._send("POST", "/", request.headers.items(),
                                                request.body),
                            400, "InvalidSignatureException",
                            "'Host' must be a 'SignedHeader' in the AWS Authorization.")

    def test_unsigned_user_agent_may_change_but_a_signed_header_may_not(self):
        status, _, body = self.emulator.signed_request(
            "PutRecordBatch", BATCH, headers={"User-Agent": "canhose/1.0"})
        self.assertEqual(status, 200, body)
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        request = AWSRequest(method="POST", url=self.emulator.endpoint + "/",
                             data=json.dumps(BATCH).encode(),
                             headers={"Content-Type": "application/x-amz-json-1.1",
                                      "X-Amz-Target": "Firehose_20150804.PutRecordBatch"})
        SigV4Auth(Credentials(AKID, SECRET), "firehose", "us-east-1").add_auth(request)
        headers = dict(request.headers.items())
        headers["X-Amz-Target"] = "Firehose_20150804.PutRecordBatch "  # trimmed: same value
        self.assertEqual(self.emulator._send("POST", "/", headers.items(), request.body)[0], 200)
        headers["Content-Type"] = "application/x-amz-json-1.0"
        self.assertAwsError(self.emulator._send("POST", "/", headers.items(), request.body),
                            400, "InvalidSignatureException")


if __name__ == "__main__":
    unittest.main()
