"""The real AWS CLI (Debian's awscli) against the emulator over HTTPS with the test CA:
what the SDK sends is accepted, and a wrong secret is refused."""

import base64
import calendar
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from emulator_fixture import error_code, AKID, SECRET, STREAM, EmulatorProcess, test_pki

AWS = "/usr/bin/aws"


class AwsCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which(AWS) is None:
            raise AssertionError("the AWS CLI (Debian package awscli) is not installed")
        cls.emulator = EmulatorProcess(tls=True, streams=(STREAM, "cli-single"))
        cls.home = tempfile.mkdtemp(prefix="emulator-cli-")

    @classmethod
    def tearDownClass(cls):
        cls.emulator.cleanup()
        shutil.rmtree(cls.home, ignore_errors=True)

    def aws(self, *args, secret=SECRET):
        # Only the keys given here: no config, no credentials file, no instance metadata.
        env = {"PATH": "/usr/bin:/bin", "HOME": self.home,
               "AWS_CONFIG_FILE": os.path.join(self.home, "config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.home, "credentials"),
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": AKID,
               "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": "us-east-1",
               "AWS_CA_BUNDLE": os.path.join(test_pki(), "ca.pem"), "AWS_PAGER": "",
               "AWS_MAX_ATTEMPTS": "1"}
        return subprocess.run([AWS, "firehose", *args, "--endpoint-url",
                               self.emulator.endpoint, "--output", "json"],
                              env=env, capture_output=True, text=True, timeout=120)

    def test_put_record_batch_from_the_cli_is_accepted_and_stored(self):
        lines = [b"1 1764086400 VIN1 52.1 13.4 31.5\n", b"2 1764086401 VIN1 52.1 13.4 32.0\n"]
        records = json.dumps([{"Data": base64.b64encode(x).decode()} for x in lines])
        result = self.aws("put-record-batch", "--delivery-stream-name", STREAM,
                          "--records", records, "--cli-binary-format", "base64")
        self.assertEqual(result.returncode, 0, result.stderr)
        answer = json.loads(result.stdout)
        self.assertEqual(answer["FailedPutCount"], 0)
        self.assertEqual(len(answer["RequestResponses"]), 2)
        self.assertTrue(all("RecordId" in r for r in answer["RequestResponses"]))
        objects = [o for o in self.emulator.flush() if f"/{STREAM}/" in o]
        self.assertEqual(len(objects), 1)
        with open(objects[0], "rb") as f:
            self.assertEqual(f.read(), b"".join(lines))

    def test_put_record_and_describe_from_the_cli(self):
        result = self.aws("put-record", "--delivery-stream-name", "cli-single", "--record",
                          json.dumps({"Data": base64.b64encode(b"x\n").decode()}),
                          "--cli-binary-format", "base64")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("RecordId", json.loads(result.stdout))
        result = self.aws("describe-delivery-stream", "--delivery-stream-name", STREAM)
        self.assertEqual(result.returncode, 0, result.stderr)
        description = json.loads(result.stdout)["DeliveryStreamDescription"]
        self.assertEqual(description["DeliveryStreamStatus"], "ACTIVE")

    def test_wrong_secret_is_rejected_with_invalid_signature(self):
        before = self.emulator.stats()["records_accepted"]
        result = self.aws("put-record-batch", "--delivery-stream-name", STREAM,
                          "--records", json.dumps([{"Data": "eA=="}]),
                          "--cli-binary-format", "base64", secret="not-the-secret")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("InvalidSignatureException", result.stderr)
        self.assertEqual(self.emulator.stats()["records_accepted"], before)

    def test_unknown_stream_is_resource_not_found(self):
        result = self.aws("describe-delivery-stream", "--delivery-stream-name", "nope")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ResourceNotFoundException", result.stderr)


class CapturedCliRequestsTest(unittest.TestCase):
    """tests/data/firehose/aws-cli-captured-requests.txt holds raw requests two AWS CLI
    versions sent (signed with the SigV4 suite's example key): replayed byte for byte at
    their own time (the server clock moved there), each is accepted, and a changed byte is
    not."""

    def captured(self):
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                            "firehose", "aws-cli-captured-requests.txt")
        with open(path) as f:
            blocks = [b.strip() for b in f.read().split("----") if b.strip()]
        for block in blocks:
            headers, body = [], b""
            for line in block.splitlines()[1:]:
                if line.startswith("BODY: "):
                    body = line[len("BODY: "):].encode()
                else:
                    name, _, value = line.partition(": ")
                    if name != "Content-Length":  # recomputed by the HTTP client
                        headers.append((name, value))
            yield headers, body

    def test_every_captured_request_is_accepted_and_a_changed_byte_is_not(self):
        plain = EmulatorProcess(credentials=(f"{AKID}:{SECRET}",))
        self.addCleanup(plain.cleanup)
        with_token = EmulatorProcess(credentials=(f"{AKID}:{SECRET}:FAKETOKEN",))
        self.addCleanup(with_token.cleanup)
        count = 0
        for headers, body in self.captured():
            named = dict(headers)
            emulator = with_token if "X-Amz-Security-Token" in named else plain
            signed_at = calendar.timegm(time.strptime(named["X-Amz-Date"], "%Y%m%dT%H%M%SZ"))
            emulator.set_faults(date_skew_seconds=signed_at - time.time())
            status, _, answer = emulator._send("POST", "/", headers, body)
            self.assertEqual(status, 200, answer)
            changed = body.replace(b'"Data": "', b'"Data": "A', 1)
            status, _, answer = emulator._send("POST", "/", headers, changed)
            self.assertEqual((status, error_code(answer)), (400, "InvalidSignatureException"))
            count += 1
        self.assertEqual(count, 3)


if __name__ == "__main__":
    unittest.main()
