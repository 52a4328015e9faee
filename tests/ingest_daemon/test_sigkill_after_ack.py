"""A put answered 200 is durable: canhosed is SIGKILLed right after the last answer, started
again, and every acknowledged record reaches the emulator's S3 output.

1. Delivery endpoint down during the first run: the acknowledged records can only be in
   the queues when the kill comes. Nothing was delivered before, so the restart must
   deliver each record exactly once, in order.
2. Delivery up and busy when the kill comes: at-least-once. Every acknowledged record must
   arrive; duplicates are allowed (docs/queue.md: records acknowledged since the last
   cursor write are sent again) and reported."""

import sys
import unittest

import boto3

from daemon_fixture import (DASHCAM_STREAM, DASHCAM_UPSTREAM, VEHICLE_STREAM, DaemonTestBed,
                            course_line, daemon_config, free_port, wait_until)


def producer_client(url):
    return boto3.client("firehose", endpoint_url=url, region_name="eu-west-1",
                        aws_access_key_id="AKIDPRODUCER", aws_secret_access_key="producer")


def dashcam_event(i):
    return f'{{"event": "dashcam-{i:05d}", "frame": {i * 31}}}'.encode()


class SigkillAfterAckTest(unittest.TestCase):
    def setUp(self):
        self.bed = DaemonTestBed()
        self.addCleanup(self.bed.cleanup)

    def put_200(self, daemon, first, count):
        """`count` calls answered 200, alternating the vehicle (put_record) and dashcam
        (put_record_batch of 2) streams; returns the records acknowledged, per stream."""
        client = producer_client(daemon.ingest_url)
        self.addCleanup(client.close)
        vehicle, dashcam = [], []
        for i in range(first, first + count):
            if i % 2 == 0:
                line = course_line(i).encode()
                answer = client.put_record(DeliveryStreamName=VEHICLE_STREAM,
                                           Record={"Data": line})
                self.assertEqual(answer["ResponseMetadata"]["HTTPStatusCode"], 200)
                vehicle.append(line)
            else:
                events = [dashcam_event(2 * i), dashcam_event(2 * i + 1)]
                answer = client.put_record_batch(DeliveryStreamName=DASHCAM_STREAM,
                                                 Records=[{"Data": e} for e in events])
                self.assertEqual(answer["ResponseMetadata"]["HTTPStatusCode"], 200)
                self.assertEqual(answer["FailedPutCount"], 0)
                dashcam += events
        return vehicle, dashcam

    def wait_all_arrived(self, daemon, stream, records):
        total = sum(len(r) for r in records)
        wait_until(lambda: self.bed.stream_stats(stream)["bytes_accepted"] >= total,
                   lambda: f"{total} bytes of {stream} at the emulator: "
                           f"{self.bed.stream_stats(stream)}\n{daemon.log()}")

    def test_acknowledged_records_survive_sigkill_while_delivery_is_down(self):
        port = free_port()
        # fsync: interval answers once written: with a minute between fsyncs, the answered
        # records are in the page cache only when canhosed is killed, which a SIGKILL
        # cannot take from them.
        config = daemon_config(self.bed.state_dir, f"http://127.0.0.1:{port}",
                               fsync_interval="1m")
        first = self.bed.start_daemon(config, "first")
        vehicle, dashcam = self.put_200(first, 0, 200)
        first.kill()
        self.assertEqual(first.process.returncode, -9)

        self.bed.start_emulator(port)
        second = self.bed.start_daemon(config, "second")
        self.wait_all_arrived(second, VEHICLE_STREAM, vehicle)
        self.wait_all_arrived(second, DASHCAM_UPSTREAM, dashcam)
        self.assertEqual(second.stop(), 0, second.log())
        # Nothing reached Firehose before the kill: exactly once, in order.
        self.assertEqual(self.bed.s3_bytes(VEHICLE_STREAM), b"".join(vehicle))
        self.assertEqual(self.bed.s3_bytes(DASHCAM_UPSTREAM), b"".join(dashcam))
        self.assertEqual(self.bed.stream_stats(DASHCAM_UPSTREAM)["records_accepted"],
                         len(dashcam))

    def test_acknowledged_records_survive_sigkill_while_delivering(self):
        emulator = self.bed.start_emulator()
        # Deliveries in flight when the kill comes: every 20 ms a batch goes out.
        config = daemon_config(self.bed.state_dir, emulator.endpoint, flush_interval="20ms",
                               dashcam_flush_interval="20ms")
        first = self.bed.start_daemon(config, "first")
        vehicle, dashcam = self.put_200(first, 0, 200)
        first.kill()
        delivered_before = {s: self.bed.stream_stats(s)["records_accepted"]
                            for s in (VEHICLE_STREAM, DASHCAM_UPSTREAM)}
        second = self.bed.start_daemon(config, "second")
        # Still a producer after the restart.
        more_vehicle, more_dashcam = self.put_200(second, 200, 20)
        vehicle += more_vehicle
        dashcam += more_dashcam
        self.wait_all_arrived(second, VEHICLE_STREAM, vehicle)
        self.wait_all_arrived(second, DASHCAM_UPSTREAM, dashcam)
        self.assertEqual(second.stop(), 0, second.log())

        # Every acknowledged record is there; nothing else is. Records are unique lines /
        # events, so a duplicate is a record found twice.
        s3 = self.bed.s3_bytes(VEHICLE_STREAM)
        lines = s3.splitlines(keepends=True)
        self.assertEqual(set(lines), set(vehicle))
        vehicle_duplicates = len(lines) - len(set(lines))
        dashcam_s3 = self.bed.s3_bytes(DASHCAM_UPSTREAM)
        found = {e: dashcam_s3.count(e) for e in dashcam}
        self.assertEqual([e for e, n in found.items() if n == 0], [])
        dashcam_duplicates = sum(n - 1 for n in found.values())
        self.assertEqual(len(dashcam_s3), sum(len(e) * n for e, n in found.items()))
        # pack: false: a Firehose record per queue record, resent ones included.
        self.assertEqual(self.bed.stream_stats(DASHCAM_UPSTREAM)["records_accepted"],
                         len(dashcam) + dashcam_duplicates)
        print(f"\nSIGKILL while delivering: delivered before the kill (Firehose records) "
              f"{delivered_before}; duplicates after the restart: vehicle "
              f"{vehicle_duplicates} of {len(vehicle)} lines, dashcam {dashcam_duplicates} of "
              f"{len(dashcam)} events", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
