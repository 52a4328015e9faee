"""Every injected fault, set at run time through /_emulator/faults and as start options,
seen through botocore clients and raw requests."""

import email.utils
import http.client
import json
import time
import unittest

import botocore.exceptions

from emulator_fixture import STREAM, EmulatorProcess, EmulatorTestCase

ONE = {"DeliveryStreamName": STREAM, "Records": [{"Data": "eA=="}]}


def failure_pattern(answer):
    return [r.get("ErrorCode") for r in answer["RequestResponses"]]


class RunTimeFaultsTest(EmulatorTestCase):
    def setUp(self):
        super().setUp()
        self.client = self.new_client()

    def client_error(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        response = caught.exception.response
        return (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"],
                response["Error"]["Message"])

    def test_throttle_is_503_service_unavailable_slow_down(self):
        self.emulator.set_faults(throttle_fraction=1.0)
        before = self.emulator.stats()["records_accepted"]
        self.assertEqual(self.client_error(self.client.put_record_batch,
                                           DeliveryStreamName=STREAM, Records=[{"Data": b"x"}]),
                         ("ServiceUnavailableException", 503, "Slow down."))
        self.assertEqual(self.client_error(self.client.put_record, DeliveryStreamName=STREAM,
                                           Record={"Data": b"x"})[:2],
                         ("ServiceUnavailableException", 503))
        self.assertEqual(self.emulator.stats()["records_accepted"], before)
        # Control-plane calls are not throttled.
        self.client.describe_delivery_stream(DeliveryStreamName=STREAM)

    def test_throttle_next_fails_exactly_that_many_requests(self):
        self.emulator.set_faults(throttle_next=2)
        for _ in range(2):
            self.assertEqual(self.emulator.signed_request("PutRecordBatch", ONE)[0], 503)
        self.assertEqual(self.emulator.signed_request("PutRecordBatch", ONE)[0], 200)

    def test_throttle_comes_after_authentication(self):
        self.emulator.set_faults(throttle_fraction=1.0)
        self.assertAwsError(self.emulator.signed_request("PutRecordBatch", ONE, secret="bad"),
                            400, "InvalidSignatureException")

    def test_error500_is_internal_failure(self):
        self.emulator.set_faults(error500_next=1)
        self.assertAwsError(self.emulator.signed_request("PutRecordBatch", ONE), 500,
                            "InternalFailure")
        self.assertEqual(self.emulator.signed_request("PutRecordBatch", ONE)[0], 200)

    def test_record_failures_are_per_record_with_http_200_and_only_accepted_ones_are_stored(self):
        self.emulator.set_faults(record_failure_fraction=0.5, seed=42)
        records = [{"Data": f"{i}\n".encode()} for i in range(100)]
        answer = self.client.put_record_batch(DeliveryStreamName=STREAM, Records=records)
        pattern = failure_pattern(answer)
        failed = [i for i, code in enumerate(pattern) if code]
        self.assertEqual(answer["FailedPutCount"], len(failed))
        self.assertTrue(20 < len(failed) < 80, len(failed))
        for i, response in enumerate(answer["RequestResponses"]):
            if i in failed:
                self.assertEqual((response["ErrorCode"], response["ErrorMessage"]),
                                 ("ServiceUnavailableException", "Slow down."))
                self.assertNotIn("RecordId", response)
            else:
                self.assertIn("RecordId", response)
        objects = [o for o in self.emulator.flush() if f"/{STREAM}/" in o]
        with open(objects[-1], "rb") as f:
            stored = f.read()
        self.assertEqual(stored, b"".join(f"{i}\n".encode() for i in range(100)
                                          if i not in failed))

        # The same seed gives the same failures.
        self.emulator.set_faults(seed=42)
        again = self.client.put_record_batch(DeliveryStreamName=STREAM, Records=records)
        self.assertEqual(failure_pattern(again), pattern)

    def test_record_failure_code_internal_failure(self):
        self.emulator.set_faults(record_failure_next=1, record_failure_code="InternalFailure")
        answer = self.client.put_record_batch(DeliveryStreamName=STREAM,
                                              Records=[{"Data": b"a"}, {"Data": b"b"}])
        self.assertEqual(answer["FailedPutCount"], 1)
        self.assertEqual(answer["RequestResponses"][0]["ErrorCode"], "InternalFailure")
        self.assertIn("RecordId", answer["RequestResponses"][1])
        self.emulator.set_faults(record_failure_code="ServiceUnavailableException")

    def test_put_record_with_a_failing_record_fails_the_call(self):
        self.emulator.set_faults(record_failure_next=1)
        self.assertEqual(self.client_error(self.client.put_record, DeliveryStreamName=STREAM,
                                           Record={"Data": b"x"})[:2],
                         ("ServiceUnavailableException", 503))

    def test_delay_holds_the_response(self):
        self.emulator.set_faults(delay_ms=300)
        started = time.monotonic()
        status = self.emulator.signed_request("PutRecordBatch", ONE)[0]
        self.assertEqual(status, 200)
        self.assertGreaterEqual(time.monotonic() - started, 0.3)
        self.assertGreaterEqual(self.emulator.stats()["delayed"], 1)

    def test_reset_closes_the_connection_without_a_response(self):
        self.emulator.set_faults(reset_next=1)
        before = self.emulator.stats()
        connection = http.client.HTTPConnection("127.0.0.1", self.emulator.port, timeout=10)
        body = json.dumps(ONE).encode()
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        from emulator_fixture import AKID, SECRET
        request = AWSRequest(method="POST", url=self.emulator.endpoint + "/", data=body,
                             headers={"Content-Type": "application/x-amz-json-1.1",
                                      "X-Amz-Target": "Firehose_20150804.PutRecordBatch"})
        SigV4Auth(Credentials(AKID, SECRET), "firehose", "us-east-1").add_auth(request)
        connection.request("POST", "/", body=body, headers=dict(request.headers.items()))
        with self.assertRaises((ConnectionResetError, http.client.RemoteDisconnected)):
            connection.getresponse()
        connection.close()
        after = self.emulator.stats()
        self.assertEqual(after["resets"] - before["resets"], 1)
        self.assertEqual(after["records_accepted"], before["records_accepted"])
        # botocore sees a connection error too.
        self.emulator.set_faults(reset_next=1)
        with self.assertRaises((botocore.exceptions.ConnectionClosedError,
                                botocore.exceptions.ConnectionError)):
            self.client.put_record_batch(DeliveryStreamName=STREAM, Records=[{"Data": b"x"}])

    def test_date_skew_moves_the_server_clock(self):
        self.emulator.set_faults(date_skew_seconds=3600)
        status, headers, body = self.emulator.signed_request("PutRecordBatch", ONE)
        # The server is an hour ahead: the client's signature looks an hour old.
        self.assertAwsError((status, headers, body), 400, "InvalidSignatureException",
                            "Signature expired")
        server_time = email.utils.parsedate_to_datetime(headers["Date"]).timestamp()
        self.assertAlmostEqual(server_time - time.time(), 3600, delta=30)
        # A client that corrects its clock by the Date header is accepted.
        offset = server_time - time.time()
        status, _, body = self.emulator.signed_request("PutRecordBatch", ONE,
                                                       timestamp_offset=offset)
        self.assertEqual(status, 200, body)

    def test_bad_fault_settings_are_refused(self):
        self.assertEqual(self.emulator.control("POST", "faults", {"throttle_fraction": 2})[0],
                         400)
        self.assertEqual(self.emulator.control("POST", "faults", {"nonsense": 1})[0], 400)
        self.assertEqual(self.emulator.control("POST", "faults",
                                               {"record_failure_code": "Oops"})[0], 400)

    def test_control_endpoint_is_never_faulted(self):
        self.emulator.set_faults(reset_fraction=1.0, delay_ms=0)
        self.assertEqual(self.emulator.control("GET", "stats")[0], 200)


class StartOptionFaultsTest(unittest.TestCase):
    def start(self, *args):
        emulator = EmulatorProcess(extra_args=args)
        self.addCleanup(emulator.cleanup)
        return emulator

    def test_options_set_the_initial_faults(self):
        emulator = self.start("--throttle-fraction", "1", "--delay-ms", "10", "--seed", "5",
                              "--date-skew-seconds", "-30")
        faults = emulator.control("GET", "faults")[1]
        self.assertEqual((faults["throttle_fraction"], faults["delay_ms"], faults["seed"],
                          faults["date_skew_seconds"]), (1.0, 10, 5, -30))
        self.assertAwsError = EmulatorTestCase.assertAwsError.__get__(self)
        self.assertAwsError(emulator.signed_request("PutRecordBatch", ONE), 503,
                            "ServiceUnavailableException")

    def test_same_seed_gives_the_same_faults_in_another_process(self):
        patterns = []
        for _ in range(2):
            emulator = self.start("--seed", "1234", "--record-failure-fraction", "0.3",
                                  "--throttle-fraction", "0.2")
            outcome = []
            for _ in range(10):
                status, _, body = emulator.signed_request(
                    "PutRecordBatch", {"DeliveryStreamName": STREAM,
                                       "Records": [{"Data": "eA=="}] * 20})
                outcome.append(failure_pattern(json.loads(body)) if status == 200 else status)
            patterns.append(outcome)
        self.assertEqual(patterns[0], patterns[1])
        self.assertIn(503, patterns[0])  # some whole requests were throttled
        self.assertTrue(any(isinstance(p, list) and any(p) for p in patterns[0]))


if __name__ == "__main__":
    unittest.main()
