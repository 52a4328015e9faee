"""The real AWS CLI (Debian's awscli) publishing to the emulator's SNS over HTTPS with the
test CA: what the SDK sends is accepted and recorded, FIFO rules hold, and a wrong secret
is refused as SNS refuses it."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

from emulator_fixture import AKID, SECRET, EmulatorProcess, test_pki

AWS = "/usr/bin/aws"
TOPIC = "arn:aws:sns:us-east-1:123456789012:cli-alerts"
FIFO = "arn:aws:sns:us-east-1:123456789012:cli-alerts.fifo"


class SnsAwsCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which(AWS) is None:
            raise AssertionError("the AWS CLI (Debian package awscli) is not installed")
        cls.emulator = EmulatorProcess(tls=True, sns_topics=("cli-alerts", "cli-alerts.fifo"))
        cls.home = tempfile.mkdtemp(prefix="emulator-sns-cli-")

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
        return subprocess.run([AWS, "sns", *args, "--endpoint-url", self.emulator.endpoint,
                               "--output", "json"],
                              env=env, capture_output=True, text=True, timeout=120)

    def test_publish_from_the_cli_is_accepted_and_recorded(self):
        result = self.aws("publish", "--topic-arn", TOPIC, "--subject", "Harsh braking",
                          "--message", "VIN1: 4 harsh brakings in 5 min at 52.1,13.4")
        self.assertEqual(result.returncode, 0, result.stderr)
        message_id = json.loads(result.stdout)["MessageId"]
        [recorded] = [m for m in self.emulator.sns_messages() if m["message_id"] == message_id]
        self.assertEqual(recorded["subject"], "Harsh braking")
        self.assertEqual(recorded["message"], "VIN1: 4 harsh brakings in 5 min at 52.1,13.4")

    def test_fifo_publish_from_the_cli_with_group_and_deduplication_ids(self):
        args = ("publish", "--topic-arn", FIFO, "--message", "m", "--message-group-id",
                "VIN1/harsh-braking", "--message-deduplication-id", "abc123")
        first = self.aws(*args)
        self.assertEqual(first.returncode, 0, first.stderr)
        again = self.aws(*args)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(json.loads(again.stdout)["MessageId"],
                         json.loads(first.stdout)["MessageId"])
        self.assertTrue(json.loads(first.stdout)["SequenceNumber"].isdigit())
        missing = self.aws("publish", "--topic-arn", FIFO, "--message", "m")
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("(InvalidParameter)", missing.stderr)
        self.assertIn("MessageGroupId parameter is required for FIFO topics", missing.stderr)

    def test_unknown_topic_is_not_found(self):
        result = self.aws("publish", "--topic-arn", TOPIC + "-nope", "--message", "m")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("An error occurred (NotFound) when calling the Publish operation",
                      result.stderr)
        self.assertIn("Topic does not exist", result.stderr)

    def test_wrong_secret_is_refused(self):
        result = self.aws("publish", "--topic-arn", TOPIC, "--message", "m", secret="wrong")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("(SignatureDoesNotMatch)", result.stderr)


if __name__ == "__main__":
    unittest.main()
