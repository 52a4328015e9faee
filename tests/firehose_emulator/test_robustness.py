"""Malformed and unusual requests get a clear AWS error (never a crash or a hang), and the
HTTP/1.1 details a real client relies on work: keep-alive, chunked bodies, Expect."""

import http.client
import json
import unittest

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from emulator_fixture import AKID, SECRET, STREAM, EmulatorTestCase

ONE = {"DeliveryStreamName": STREAM, "Records": [{"Data": "eA=="}]}


def signed_headers(endpoint, body, extra=None):
    request = AWSRequest(method="POST", url=endpoint + "/", data=body,
                         headers={"Content-Type": "application/x-amz-json-1.1",
                                  "X-Amz-Target": "Firehose_20150804.PutRecordBatch",
                                  **(extra or {})})
    SigV4Auth(Credentials(AKID, SECRET), "firehose", "us-east-1").add_auth(request)
    return dict(request.headers.items())


class RobustnessTest(EmulatorTestCase):
    def raw(self, headers, body):
        return self.emulator._send("POST", "/", list(headers.items()), body)

    def test_malformed_authorization_headers_are_incomplete_signature(self):
        body = json.dumps(ONE).encode()
        good = signed_headers(self.emulator.endpoint, body)
        self.assertAwsError(self.raw(dict(good, Authorization="garbage"), body), 400,
                            "MissingAuthenticationTokenException",
                            "Request is missing Authentication Token")
        for authorization in ("AWS4-HMAC-SHA256 ",
                              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1, "
                              "SignedHeaders=host;x-amz-date, Signature=00",
                              good["Authorization"].replace("SignedHeaders=", "Signed=")):
            headers = dict(good, Authorization=authorization)
            self.assertAwsError(self.raw(headers, body), 400, "IncompleteSignatureException")

    def test_http_date_header_instead_of_x_amz_date_is_accepted(self):
        body = json.dumps(ONE).encode()
        request = AWSRequest(method="POST", url=self.emulator.endpoint + "/", data=body,
                             headers={"Content-Type": "application/x-amz-json-1.1",
                                      "X-Amz-Target": "Firehose_20150804.PutRecordBatch",
                                      "Date": "Thu, 01 Jan 1970 00:00:00 GMT"})
        # botocore replaces the Date value with the signing time and signs with it.
        SigV4Auth(Credentials(AKID, SECRET), "firehose", "us-east-1").add_auth(request)
        headers = dict(request.headers.items())
        headers.pop("X-Amz-Date", None)
        self.assertIn("date", headers["Authorization"])
        self.assertEqual(self.raw(headers, body)[0], 200)

    def test_malformed_date_is_incomplete_signature(self):
        body = json.dumps(ONE).encode()
        headers = dict(signed_headers(self.emulator.endpoint, body), **{"X-Amz-Date": "yesterday"})
        self.assertAwsError(self.raw(headers, body), 400, "IncompleteSignatureException",
                            "ISO-8601")

    def test_signed_header_missing_from_the_request_is_invalid_signature(self):
        body = json.dumps(ONE).encode()
        headers = signed_headers(self.emulator.endpoint, body, {"X-Custom": "1"})
        self.assertIn("x-custom", headers["Authorization"])
        del headers["X-Custom"]
        self.assertAwsError(self.raw(headers, body), 400, "InvalidSignatureException",
                            "does not match")

    def test_body_that_is_not_utf8_is_a_serialization_error(self):
        body = b"\xff\xfe{}"
        self.assertAwsError(self.raw(signed_headers(self.emulator.endpoint, body), body), 400,
                            "SerializationException")

    def test_json_that_is_not_an_object_is_a_serialization_error(self):
        body = b"[1, 2]"
        self.assertAwsError(self.raw(signed_headers(self.emulator.endpoint, body), body), 400,
                            "SerializationException")

    def test_many_requests_share_one_kept_alive_connection(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.emulator.port, timeout=10)
        self.addCleanup(connection.close)
        body = json.dumps(ONE).encode()
        for _ in range(5):
            connection.request("POST", "/", body=body,
                               headers=signed_headers(self.emulator.endpoint, body))
            response = connection.getresponse()
            self.assertEqual(response.status, 200)
            self.assertEqual(json.loads(response.read())["FailedPutCount"], 0)
            self.assertIsNotNone(response.getheader("x-amzn-RequestId"))
        # Errors keep the connection usable too.
        connection.request("POST", "/", body=body,
                           headers=dict(signed_headers(self.emulator.endpoint, body),
                                        Authorization="garbage"))
        response = connection.getresponse()
        response.read()
        self.assertEqual(response.status, 400)
        connection.request("POST", "/", body=body,
                           headers=signed_headers(self.emulator.endpoint, body))
        self.assertEqual(connection.getresponse().status, 200)

    def test_chunked_request_body_is_read(self):
        body = json.dumps(ONE).encode()
        headers = signed_headers(self.emulator.endpoint, body)
        connection = http.client.HTTPConnection("127.0.0.1", self.emulator.port, timeout=10)
        self.addCleanup(connection.close)
        connection.request("POST", "/", body=iter([body[:10], body[10:]]), headers=headers,
                           encode_chunked=True)
        response = connection.getresponse()
        self.assertEqual(response.status, 200, response.read())

    def test_expect_100_continue_is_honoured(self):
        body = json.dumps(ONE).encode()
        headers = signed_headers(self.emulator.endpoint, body, {"Expect": "100-continue"})
        status, _, answer = self.raw(headers, body)
        self.assertEqual(status, 200, answer)

    def test_concurrent_clients_lose_no_record(self):
        import threading
        before = self.emulator.stats()["records_accepted"]
        errors = []

        def send(worker):
            client = self.emulator.client()
            try:
                for batch in range(10):
                    records = [{"Data": f"{worker} {batch} {i}\n".encode()} for i in range(50)]
                    answer = client.put_record_batch(DeliveryStreamName=STREAM, Records=records)
                    if answer["FailedPutCount"]:
                        errors.append(answer)
            except Exception as error:  # reported below; a thread cannot fail the test
                errors.append(error)
            finally:
                client.close()

        threads = [threading.Thread(target=send, args=(w,)) for w in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(errors, [])
        self.assertEqual(self.emulator.stats()["records_accepted"] - before, 6 * 10 * 50)
        lines = []
        for path in self.emulator.flush():
            with open(path, "rb") as f:
                lines += f.read().splitlines()
        self.assertEqual(len(lines), 3000)
        self.assertEqual(len(set(lines)), 3000)

    def test_get_on_the_service_path_is_refused(self):
        for method in ("GET", "PUT", "DELETE"):
            status, _, body = self.emulator._send(method, "/", [], None)
            self.assertEqual((status, body), (404, b"<UnknownOperationException/>\n"))

    def test_unknown_control_route_is_404(self):
        self.assertEqual(self.emulator.control("GET", "nothing")[0], 404)


if __name__ == "__main__":
    unittest.main()
