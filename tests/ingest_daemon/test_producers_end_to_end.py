"""The course's producer code (boto3 put_record / put_record_batch, only endpoint_url added)
and the AWS CLI write to a running canhosed, which delivers to the Firehose emulator. Each
record a client was told was accepted must be in the emulator's S3 output exactly once,
byte for byte, in the order it was written:
  * vehicle-telemetry (delivery.stream, delivery.pack: true): the S3 bytes are the
    concatenation of the producer records, packed into fewer Firehose records;
  * dashcam -> dashcam-events (pack: false): the same, and each producer record is exactly
    one Firehose record (the emulator counts the records each stream accepted)."""

import base64
import json
import os
import subprocess
import tempfile
import unittest

import boto3

from daemon_fixture import (DASHCAM_STREAM, DASHCAM_UPSTREAM, VEHICLE_STREAM, DaemonTestBed,
                            course_line, daemon_config, wait_until)


def producer_client(url):
    # The course's producer: boto3.client("firehose"), here with endpoint_url and keys of
    # its own (auth: none on loopback: any signature is accepted).
    return boto3.client("firehose", endpoint_url=url, region_name="eu-west-1",
                        aws_access_key_id="AKIDPRODUCER", aws_secret_access_key="producer")


def describe_difference(sent_records, s3):
    """Why the S3 bytes differ from the concatenation: records missing, doubled, extra."""
    expected = b"".join(sent_records)
    missing = [r for r in sent_records if s3.count(r) == 0]
    doubled = [r for r in sent_records if s3.count(r) > 1]
    return (f"S3 holds {len(s3)} bytes, the producers sent {len(expected)}; "
            f"{len(missing)} records missing (first: {missing[:2]!r}), "
            f"{len(doubled)} more than once (first: {doubled[:2]!r})")


class ProducersEndToEndTest(unittest.TestCase):
    def setUp(self):
        self.bed = DaemonTestBed()
        self.addCleanup(self.bed.cleanup)
        emulator = self.bed.start_emulator()
        self.daemon = self.bed.start_daemon(daemon_config(self.bed.state_dir,
                                                          emulator.endpoint))
        self.home = tempfile.mkdtemp(dir=self.bed.dir, prefix="aws-home-")

    def aws(self, *args):
        """The AWS CLI (v2, Debian's awscli) with nothing of the machine's configuration."""
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home,
               "AWS_CONFIG_FILE": os.path.join(self.home, "config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.home, "credentials"),
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": "AKIDCLI",
               "AWS_SECRET_ACCESS_KEY": "cli-secret", "AWS_DEFAULT_REGION": "eu-west-1",
               "AWS_PAGER": "", "NO_PROXY": "127.0.0.1"}
        result = subprocess.run(["/usr/bin/aws", "firehose", *args, "--endpoint-url",
                                 self.daemon.ingest_url, "--output", "json"],
                                capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def cli_put_record(self, stream, data):
        answer = self.aws("put-record", "--delivery-stream-name", stream, "--record",
                          json.dumps({"Data": base64.b64encode(data).decode()}))
        self.assertEqual(len(answer["RecordId"]), 56)

    def cli_put_record_batch(self, stream, records):
        answer = self.aws("put-record-batch", "--delivery-stream-name", stream, "--records",
                          json.dumps([{"Data": base64.b64encode(d).decode()} for d in records]))
        self.assertEqual(answer["FailedPutCount"], 0)

    def wait_delivered(self, stream, sent_records):
        total = sum(len(r) for r in sent_records)
        wait_until(lambda: self.bed.stream_stats(stream)["bytes_accepted"] >= total,
                   lambda: f"{total} bytes of {stream} at the emulator: "
                           f"{self.bed.stream_stats(stream)}\n{self.daemon.log()}")

    def test_boto3_and_cli_records_reach_s3_once_byte_for_byte(self):
        client = producer_client(self.daemon.ingest_url)
        self.addCleanup(client.close)
        vehicle, dashcam = [], []

        # The vehicle stream, packed: course lines by put_record, then put_record_batch.
        for i in range(150):
            line = course_line(i)
            answer = client.put_record(DeliveryStreamName=VEHICLE_STREAM,
                                       Record={"Data": line})
            self.assertEqual(len(answer["RecordId"]), 56)
            vehicle.append(line.encode())
        lines = [course_line(i).encode() for i in range(150, 400)]
        answer = client.put_record_batch(DeliveryStreamName=VEHICLE_STREAM,
                                         Records=[{"Data": d} for d in lines])
        self.assertEqual(answer["FailedPutCount"], 0)
        vehicle += lines
        # A record without its final newline is never packed with the next one; the S3
        # bytes are still the plain concatenation.
        unterminated = b"rec-no-newline 2026-11-25T17:15:31Z"
        client.put_record(DeliveryStreamName=VEHICLE_STREAM, Record={"Data": unterminated})
        vehicle.append(unterminated)
        self.cli_put_record(VEHICLE_STREAM, b"rec-cli-1 from the aws cli\n")
        vehicle.append(b"rec-cli-1 from the aws cli\n")
        batch = [b"rec-cli-2 batch\n", b"rec-cli-3 batch\n", b"rec-cli-4 batch\n"]
        self.cli_put_record_batch(VEHICLE_STREAM, batch)
        vehicle += batch

        # The dashcam stream, unpacked: JSON lines (that packing would join), binary events
        # and JSON without a newline.
        for i in range(40):
            event = (json.dumps({"event": "harsh_brake", "n": i, "pad": "x" * (i * 7)})
                     + "\n").encode()
            client.put_record(DeliveryStreamName=DASHCAM_STREAM, Record={"Data": event})
            dashcam.append(event)
        events = [bytes([i]) * (1 + i) + b"\x00\xff" for i in range(256)]
        answer = client.put_record_batch(DeliveryStreamName=DASHCAM_STREAM,
                                         Records=[{"Data": d} for d in events])
        self.assertEqual(answer["FailedPutCount"], 0)
        self.assertEqual(len({r["RecordId"] for r in answer["RequestResponses"]}), 256)
        dashcam += events
        self.cli_put_record(DASHCAM_STREAM, b'{"event": "cli"}')
        dashcam.append(b'{"event": "cli"}')
        cli_events = [b'{"event": "cli-batch-1"}', b'{"event": "cli-batch-2"}']
        self.cli_put_record_batch(DASHCAM_STREAM, cli_events)
        dashcam += cli_events

        self.wait_delivered(VEHICLE_STREAM, vehicle)
        self.wait_delivered(DASHCAM_UPSTREAM, dashcam)

        s3 = self.bed.s3_bytes(VEHICLE_STREAM)
        self.assertTrue(s3 == b"".join(vehicle), describe_difference(vehicle, s3))
        s3 = self.bed.s3_bytes(DASHCAM_UPSTREAM)
        self.assertTrue(s3 == b"".join(dashcam), describe_difference(dashcam, s3))

        # pack: false -> one Firehose record per producer record; pack: true -> the lines
        # went out packed (about 60 bytes a line: many lines per Firehose record).
        dashcam_stats = self.bed.stream_stats(DASHCAM_UPSTREAM)
        self.assertEqual(dashcam_stats["records_accepted"], len(dashcam))
        self.assertEqual(dashcam_stats["bytes_accepted"], sum(len(r) for r in dashcam))
        vehicle_stats = self.bed.stream_stats(VEHICLE_STREAM)
        self.assertEqual(vehicle_stats["bytes_accepted"], sum(len(r) for r in vehicle))
        self.assertLess(vehicle_stats["records_accepted"], len(vehicle) // 4, vehicle_stats)

        # The daemon's own account, per stream.
        metrics = self.daemon.metrics()
        for stream, records in ((VEHICLE_STREAM, vehicle), (DASHCAM_STREAM, dashcam)):
            self.assertEqual(
                metrics[f'canhose_ingest_records_total{{stream="{stream}",result="accepted"}}'],
                len(records))
            self.assertEqual(
                metrics[f'canhose_ingest_records_total{{stream="{stream}",result="refused"}}'], 0)
        self.assertEqual(
            metrics[f'canhose_delivery_records_total{{stream="{VEHICLE_STREAM}"}}'],
            len(vehicle))
        self.assertEqual(
            metrics[f'canhose_delivery_records_total{{stream="{DASHCAM_UPSTREAM}"}}'],
            len(dashcam))
        self.assertEqual(
            metrics[f'canhose_delivery_firehose_records_total{{stream="{DASHCAM_UPSTREAM}"}}'],
            len(dashcam))
        self.assertEqual(metrics[f'canhose_queue_records{{stream="{DASHCAM_UPSTREAM}"}}'], 0)
        self.assertEqual(self.daemon.stop(), 0, self.daemon.log())

    def test_list_and_describe_name_the_local_streams(self):
        client = producer_client(self.daemon.ingest_url)
        self.addCleanup(client.close)
        listed = client.list_delivery_streams()
        self.assertEqual(sorted(listed["DeliveryStreamNames"]),
                         sorted([VEHICLE_STREAM, DASHCAM_STREAM]))
        described = self.aws("describe-delivery-stream", "--delivery-stream-name",
                             DASHCAM_STREAM)
        self.assertEqual(described["DeliveryStreamDescription"]["DeliveryStreamStatus"],
                         "ACTIVE")
        self.assertEqual(self.daemon.stop(), 0, self.daemon.log())


if __name__ == "__main__":
    unittest.main()
