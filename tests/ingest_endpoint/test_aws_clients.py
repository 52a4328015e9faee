"""The ingest endpoint driven by the clients producers really use: boto3 (the course's
producer code, unchanged but for endpoint_url) and the AWS CLI. After SIGTERM the queue is
read back: every record a client was told was accepted is there exactly once, byte for
byte, in order; nothing else is."""

import base64
import json
import os
import subprocess
import tempfile
import unittest

import boto3
import botocore.config
from botocore.exceptions import ClientError

from ingest_endpoint_fixture import IngestEndpoint

CREDENTIALS = dict(aws_access_key_id="AKIDPRODUCER", aws_secret_access_key="producer-secret",
                   region_name="us-east-1")


def firehose(endpoint, **config):
    return boto3.client("firehose", endpoint_url=endpoint.url,
                        config=botocore.config.Config(**config), **CREDENTIALS)


class Boto3ProducerTest(unittest.TestCase):
    def setUp(self):
        self.endpoint = IngestEndpoint(streams=("telemetry", "dashcam"))
        self.addCleanup(self.endpoint.cleanup)

    def test_put_record_and_batches_arrive_exactly_once(self):
        client = firehose(self.endpoint)
        sent = []
        # The course's producer (seeds, chapter 2): one space-separated line per reading.
        for i in range(20):
            values = [f"rec-{i}", "2026-11-25T17:15:31Z", "1FTEW1EP5JKF12345", "52.52",
                      "13.40", str(40 + i), "0.8"]
            line = (" ".join(values) + "\n").encode()
            answer = client.put_record(DeliveryStreamName="telemetry", Record={"Data": line})
            self.assertEqual(len(answer["RecordId"]), 56)
            self.assertFalse(answer["Encrypted"])
            sent.append(line)
        batch = [bytes([i % 256]) * 100 for i in range(500)]  # binary, every byte value
        answer = client.put_record_batch(DeliveryStreamName="telemetry",
                                         Records=[{"Data": d} for d in batch])
        self.assertEqual(answer["FailedPutCount"], 0)
        ids = [r["RecordId"] for r in answer["RequestResponses"]]
        self.assertEqual(len(set(ids)), 500)
        sent += batch
        dashcam = client.put_record_batch(DeliveryStreamName="dashcam",
                                          Records=[{"Data": b"event 1\n"}, {"Data": b""}])
        self.assertEqual(dashcam["FailedPutCount"], 0)
        sent += [b"event 1\n", b""]
        self.assertEqual(self.endpoint.stop(), sent)

    def test_tools_that_look_before_they_write(self):
        client = firehose(self.endpoint)
        listed = client.list_delivery_streams()
        self.assertEqual(listed["DeliveryStreamNames"], ["dashcam", "telemetry"])
        self.assertFalse(listed["HasMoreDeliveryStreams"])
        paged = client.list_delivery_streams(Limit=1, ExclusiveStartDeliveryStreamName="dashcam")
        self.assertEqual(paged["DeliveryStreamNames"], ["telemetry"])
        described = client.describe_delivery_stream(DeliveryStreamName="telemetry")
        description = described["DeliveryStreamDescription"]
        self.assertEqual(description["DeliveryStreamStatus"], "ACTIVE")
        self.assertEqual(description["DeliveryStreamType"], "DirectPut")
        self.assertEqual(self.endpoint.stop(), [])

    def test_mistakes_get_the_errors_firehose_gives(self):
        client = firehose(self.endpoint, retries={"max_attempts": 1})
        with self.assertRaises(ClientError) as caught:
            client.put_record(DeliveryStreamName="nonexistent", Record={"Data": b"x"})
        self.assertEqual(caught.exception.response["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        with self.assertRaises(ClientError) as caught:
            client.describe_delivery_stream(DeliveryStreamName="gone")
        self.assertEqual(caught.exception.response["Error"]["Code"], "ResourceNotFoundException")
        # botocore checks the model's limits itself; without that check the endpoint's own
        # answers are what the producer sees.
        unchecked = boto3.client("firehose", endpoint_url=self.endpoint.url,
                                 config=botocore.config.Config(parameter_validation=False,
                                                               retries={"max_attempts": 1}),
                                 **CREDENTIALS)
        with self.assertRaises(ClientError) as caught:
            unchecked.put_record_batch(DeliveryStreamName="telemetry",
                                       Records=[{"Data": b"r"}] * 501)
        self.assertEqual(caught.exception.response["Error"]["Code"], "ValidationException")
        with self.assertRaises(ClientError) as caught:
            unchecked.put_record_batch(DeliveryStreamName="telemetry",
                                       Records=[{"Data": b"x" * 1_024_001}])
        self.assertEqual(caught.exception.response["Error"]["Code"], "ValidationException")
        # More than 4 MiB of data, within ingest.max_body_bytes once in base64.
        with self.assertRaises(ClientError) as caught:
            unchecked.put_record_batch(
                DeliveryStreamName="telemetry",
                Records=[{"Data": b"y" * 1_024_000}] * 4 + [{"Data": b"z" * 200_000}])
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidArgumentException")
        self.assertEqual(self.endpoint.stop(), [])


class FullQueueTest(unittest.TestCase):
    def test_a_full_queue_is_a_503_that_botocore_retries(self):
        endpoint = IngestEndpoint("--max-bytes", str(4 << 20), "--when-full", "drop_newest")
        self.addCleanup(endpoint.cleanup)
        client = firehose(endpoint, retries={"max_attempts": 3, "mode": "standard"})
        accepted = []
        with self.assertRaises(ClientError) as caught:
            for i in range(100):
                data = bytes([65 + i % 26]) * 100_000
                client.put_record(DeliveryStreamName="telemetry", Record={"Data": data})
                accepted.append(data)
        error = caught.exception.response
        self.assertEqual(error["Error"]["Code"], "ServiceUnavailableException")
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 503)
        # botocore retried the throttled call (how many times depends on its version's
        # reading of max_attempts), each time refused again: the queue stays full.
        self.assertGreaterEqual(error["ResponseMetadata"]["RetryAttempts"], 2)
        self.assertGreater(len(accepted), 0)
        self.assertEqual(endpoint.stop(), accepted)


class AwsCliTest(unittest.TestCase):
    def setUp(self):
        self.endpoint = IngestEndpoint()
        self.addCleanup(self.endpoint.cleanup)
        self.home = tempfile.mkdtemp(prefix="canhose-aws-")

    def aws(self, *args):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home,
               "AWS_CONFIG_FILE": os.path.join(self.home, "config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.home, "credentials"),
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": "AKIDCLI",
               "AWS_SECRET_ACCESS_KEY": "cli-secret", "AWS_DEFAULT_REGION": "eu-west-1",
               "AWS_PAGER": ""}
        return subprocess.run(["/usr/bin/aws", "firehose", *args, "--endpoint-url",
                               self.endpoint.url, "--output", "json"],
                              capture_output=True, text=True, env=env, timeout=120)

    def test_put_record_and_put_record_batch(self):
        first = b"1 cli record\n"
        result = self.aws("put-record", "--delivery-stream-name", "telemetry", "--record",
                          json.dumps({"Data": base64.b64encode(first).decode()}))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(json.loads(result.stdout)["RecordId"]), 56)
        batch = [b"2 cli batch\n", b"3 cli batch\n"]
        result = self.aws("put-record-batch", "--delivery-stream-name", "telemetry", "--records",
                          json.dumps([{"Data": base64.b64encode(d).decode()} for d in batch]))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["FailedPutCount"], 0)
        result = self.aws("put-record", "--delivery-stream-name", "nope", "--record",
                          json.dumps({"Data": "eA=="}))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ResourceNotFoundException", result.stderr)
        result = self.aws("describe-delivery-stream", "--delivery-stream-name", "telemetry")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.endpoint.stop(), [first] + batch)


class SigV4Test(unittest.TestCase):
    def test_only_the_local_key_is_accepted(self):
        endpoint = IngestEndpoint("--key", "AKIDLOCAL:local-secret")
        self.addCleanup(endpoint.cleanup)
        good = boto3.client("firehose", endpoint_url=endpoint.url, region_name="eu-west-1",
                            aws_access_key_id="AKIDLOCAL", aws_secret_access_key="local-secret")
        good.put_record(DeliveryStreamName="telemetry", Record={"Data": b"signed\n"})
        wrong = boto3.client("firehose", endpoint_url=endpoint.url, region_name="eu-west-1",
                             aws_access_key_id="AKIDLOCAL", aws_secret_access_key="guess",
                             config=botocore.config.Config(retries={"max_attempts": 1}))
        with self.assertRaises(ClientError) as caught:
            wrong.put_record(DeliveryStreamName="telemetry", Record={"Data": b"forged\n"})
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidSignatureException")
        unknown = boto3.client("firehose", endpoint_url=endpoint.url, region_name="eu-west-1",
                               aws_access_key_id="AKIDOTHER", aws_secret_access_key="x",
                               config=botocore.config.Config(retries={"max_attempts": 1}))
        with self.assertRaises(ClientError) as caught:
            unknown.put_record(DeliveryStreamName="telemetry", Record={"Data": b"forged\n"})
        self.assertEqual(caught.exception.response["Error"]["Code"],
                         "UnrecognizedClientException")
        self.assertEqual(endpoint.stop(), [b"signed\n"])


if __name__ == "__main__":
    unittest.main()
