"""The AWS IoT credentials provider endpoint: mutual TLS with the device certificate,
temporary credentials in the service's JSON shape, accepted by the Firehose side with
their session token until they expire."""

import json
import ssl
import time
import unittest
import urllib.error
import urllib.request

from emulator_fixture import STREAM, EmulatorTestCase, test_pki

ALIAS = "canhose-firehose-role-alias"
THING = "canhose-test-thing"
ONE = {"DeliveryStreamName": STREAM, "Records": [{"Data": "eA=="}]}


class IotCredentialsTest(EmulatorTestCase):
    EMULATOR_OPTIONS = {"tls": True, "iot": True,
                        "extra_args": ("--iot-role-alias", ALIAS,
                                       "--iot-credential-lifetime", "900")}

    def fetch(self, path=f"/role-aliases/{ALIAS}/credentials", thing=THING, client="client"):
        context = ssl.create_default_context(cafile=f"{test_pki()}/ca.pem")
        if client:
            context.load_cert_chain(f"{test_pki()}/{client}.pem", f"{test_pki()}/{client}.key")
        request = urllib.request.Request(f"https://127.0.0.1:{self.emulator.iot_port}{path}")
        if thing:
            request.add_header("x-amzn-iot-thingname", thing)
        try:
            with urllib.request.urlopen(request, context=context, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def test_device_certificate_gets_credentials_in_the_service_shape(self):
        status, answer = self.fetch()
        self.assertEqual(status, 200, answer)
        self.assertEqual(list(answer), ["credentials"])
        credentials = answer["credentials"]
        self.assertEqual(set(credentials),
                         {"accessKeyId", "secretAccessKey", "sessionToken", "expiration"})
        self.assertRegex(credentials["accessKeyId"], r"^ASIA[A-Z0-9]{16}$")
        self.assertRegex(credentials["expiration"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        expires = time.mktime(time.strptime(credentials["expiration"], "%Y-%m-%dT%H:%M:%SZ")) \
            - time.timezone
        self.assertAlmostEqual(expires - time.time(), 900, delta=30)

    def test_issued_credentials_sign_firehose_requests_with_their_token(self):
        credentials = self.fetch()[1]["credentials"]
        key, secret, token = (credentials["accessKeyId"], credentials["secretAccessKey"],
                              credentials["sessionToken"])
        client = self.new_client(key=key, secret=secret, token=token)
        answer = client.put_record_batch(DeliveryStreamName=STREAM, Records=[{"Data": b"iot\n"}])
        self.assertEqual(answer["FailedPutCount"], 0)
        self.assertAwsError(self.emulator.signed_request("PutRecordBatch", ONE, key=key,
                                                         secret=secret),
                            400, "UnrecognizedClientException")

    def test_expired_credentials_are_expired_token(self):
        credentials = self.fetch()[1]["credentials"]
        # Move the server clock past the 900 s lifetime; sign at the server's time.
        self.emulator.set_faults(date_skew_seconds=960)
        self.assertAwsError(self.emulator.signed_request(
            "PutRecordBatch", ONE, key=credentials["accessKeyId"],
            secret=credentials["secretAccessKey"], token=credentials["sessionToken"],
            timestamp_offset=960),
            400, "ExpiredTokenException", "The security token included in the request is expired")

    def test_client_without_certificate_fails_the_handshake(self):
        before = self.emulator.stats()["tls_handshake_failures"]
        with self.assertRaises((ssl.SSLError, ConnectionResetError, urllib.error.URLError)):
            self.fetch(client=None)
        self.assertEqual(self.wait_for_handshake_failures(before + 1), before + 1)

    def test_certificate_from_another_ca_fails_the_handshake(self):
        before = self.emulator.stats()["tls_handshake_failures"]
        with self.assertRaises((ssl.SSLError, ConnectionResetError, urllib.error.URLError)):
            self.fetch(client="rogue-client")
        self.assertEqual(self.wait_for_handshake_failures(before + 1), before + 1)

    def wait_for_handshake_failures(self, wanted):
        # The server counts the failure in its connection thread, just after the client saw it.
        deadline = time.monotonic() + 10
        while True:
            count = self.emulator.stats()["tls_handshake_failures"]
            if count >= wanted or time.monotonic() > deadline:
                return count
            time.sleep(0.05)

    def test_thing_name_other_than_the_certificate_is_access_denied(self):
        status, answer = self.fetch(thing="somebody-else")
        self.assertEqual((status, answer["message"]), (403, "Access Denied"))
        self.assertIn("traceId", answer)

    def test_without_thing_name_header_credentials_are_issued(self):
        self.assertEqual(self.fetch(thing=None)[0], 200)

    def test_unknown_role_alias_is_access_denied_and_other_paths_not_found(self):
        self.assertEqual(self.fetch(path="/role-aliases/other-alias/credentials")[0], 403)
        status, answer = self.fetch(path="/credentials")
        self.assertEqual((status, answer["message"]), (404, "Not Found"))

    def test_injected_throttle_and_500_fail_exactly_the_next_requests(self):
        self.emulator.set_faults(iot_throttle_next=1, iot_error500_next=1)
        status, answer = self.fetch()
        self.assertEqual((status, answer["message"]), (429, "Rate exceeded"))
        status, answer = self.fetch()
        self.assertEqual((status, answer["message"]), (500, "Internal Server Error"))
        self.assertEqual(self.fetch()[0], 200)

    def test_issued_credentials_are_counted(self):
        before = self.emulator.stats()["iot_credentials_issued"]
        self.fetch()
        self.assertEqual(self.emulator.stats()["iot_credentials_issued"], before + 1)


if __name__ == "__main__":
    unittest.main()
