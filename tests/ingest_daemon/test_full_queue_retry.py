"""A full queue (queue.max_bytes small, when_full: drop_newest, the delivery endpoint down)
refuses records with ServiceUnavailableException (per record in a PutRecordBatch answer,
or the whole call with a 503); boto3's standard retry mode retries the
call (seen by a botocore event hook and by canhose_ingest_records_total{result="refused"},
labelled with the local stream);
once the endpoint comes up the queue drains and the same SDK call succeeds. Every record
acknowledged, before and after, is then in the emulator's S3 output exactly once."""

import sys
import threading
import unittest

import boto3
import botocore.config
from botocore.exceptions import ClientError

from daemon_fixture import (VEHICLE_STREAM, DaemonTestBed, daemon_config, free_port,
                            wait_until)

RECORD_BYTES = 100_000
REFUSED = f'canhose_ingest_records_total{{stream="{VEHICLE_STREAM}",result="refused"}}'


def big_line(i):
    return f"rec-{i:05d} ".encode() + b"x" * (RECORD_BYTES - 11) + b"\n"


class FullQueueRetryTest(unittest.TestCase):
    def setUp(self):
        self.bed = DaemonTestBed()
        self.addCleanup(self.bed.cleanup)

    def client(self, **retries):
        client = boto3.client("firehose", endpoint_url=self.daemon.ingest_url,
                            region_name="eu-west-1", aws_access_key_id="AKIDPRODUCER",
                            aws_secret_access_key="producer",
                            config=botocore.config.Config(retries=retries))
        self.addCleanup(client.close)
        return client

    def test_sdk_retries_through_a_full_queue_until_it_drains(self):
        port = free_port()
        # fsync: always, so that the only refusal is the full disk: under interval, calls are
        # answered once written and can outrun the fsync, filling the memory buffer for a
        # moment (a refusal that clears by itself, which this test cannot tell apart).
        self.daemon = self.bed.start_daemon(daemon_config(
            self.bed.state_dir, f"http://127.0.0.1:{port}", fsync="always",
            queue={"max_bytes": "4MiB", "segment_bytes": "256KiB", "memory_buffer": "2MiB",
                   "when_full": "drop_newest"}))

        # Fill the queue with batches (one attempt per call) until one is partly refused:
        # the refused records carry ServiceUnavailableException, the others a RecordId.
        no_retry = self.client(total_max_attempts=1)
        accepted = []
        partly_refused = None
        for batch_no in range(20):
            batch = [big_line(batch_no * 7 + i) for i in range(7)]
            try:
                answer = no_retry.put_record_batch(DeliveryStreamName=VEHICLE_STREAM,
                                                   Records=[{"Data": d} for d in batch])
            except ClientError as e:
                self.fail(f"batch {batch_no} refused whole before any was refused in part: "
                          f"{e.response}")
            for data, result in zip(batch, answer["RequestResponses"]):
                if "RecordId" in result:
                    accepted.append(data)
                else:
                    self.assertEqual((result["ErrorCode"], result["ErrorMessage"]),
                                     ("ServiceUnavailableException", "Slow down."))
            if answer["FailedPutCount"]:
                partly_refused = answer
                break
        self.assertIsNotNone(partly_refused, "the queue never filled")
        self.assertLess(partly_refused["FailedPutCount"], 7, partly_refused)
        # Then single records, until the whole call is refused.
        with self.assertRaises(ClientError) as caught:
            for i in range(200, 400):
                line = big_line(i)
                no_retry.put_record(DeliveryStreamName=VEHICLE_STREAM, Record={"Data": line})
                accepted.append(line)
        error = caught.exception.response
        self.assertEqual(error["Error"]["Code"], "ServiceUnavailableException")
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 503)
        self.assertGreater(len(accepted), 7)
        self.assertLessEqual(len(accepted), (4 << 20) // RECORD_BYTES)
        # A batch all of whose records are refused is a 503 too (botocore raises).
        with self.assertRaises(ClientError) as caught:
            no_retry.put_record_batch(DeliveryStreamName=VEHICLE_STREAM,
                                      Records=[{"Data": big_line(900)}, {"Data": big_line(901)}])
        self.assertEqual(caught.exception.response["Error"]["Code"],
                         "ServiceUnavailableException")
        refused_before = self.daemon.metrics()[REFUSED]
        self.assertEqual(refused_before, partly_refused["FailedPutCount"] + 3)

        # The producer with boto3's standard retry mode; every attempt is counted.
        retrying = self.client(mode="standard", total_max_attempts=30)
        attempts = []
        retrying.meta.events.register("before-send.firehose.PutRecord",
                                      lambda **kwargs: attempts.append(1))
        # 900 KB: more than the slack a full queue can show (a segment's worth of headers,
        # a record that fitted where a larger one did not), so only delivery makes room.
        last = b"last " + b"y" * 899_994 + b"\n"
        outcome = {}

        def produce():
            try:
                outcome["answer"] = retrying.put_record(DeliveryStreamName=VEHICLE_STREAM,
                                                        Record={"Data": last})
            except Exception as e:  # reported by the assertions below
                outcome["error"] = e

        producer = threading.Thread(target=produce, daemon=True)
        producer.start()
        self.addCleanup(producer.join, 5)
        # The SDK retries while the queue stays full: the first attempt and two retries
        # refused (the daemon counts them) ...
        wait_until(lambda: self.daemon.metrics()[REFUSED] >= refused_before + 3,
                   lambda: f"refused {self.daemon.metrics()[REFUSED]}, attempts "
                           f"{len(attempts)}, outcome {outcome}")
        self.assertNotIn("answer", outcome)
        self.assertNotIn("error", outcome)
        # ... then the endpoint comes up, the queue drains, and the same call succeeds.
        self.bed.start_emulator(port)
        producer.join(timeout=120)
        self.assertFalse(producer.is_alive(), "the SDK call is still retrying")
        self.assertNotIn("error", outcome)
        answer = outcome["answer"]
        self.assertEqual(len(answer["RecordId"]), 56)
        retries = answer["ResponseMetadata"]["RetryAttempts"]
        self.assertGreaterEqual(retries, 2)
        self.assertEqual(len(attempts), retries + 1)
        self.assertEqual(self.daemon.metrics()[REFUSED], refused_before + retries)
        accepted.append(last)
        print(f"\nqueue full after {len(accepted) - 1} records of {RECORD_BYTES} bytes; the "
              f"SDK call succeeded after {retries} retries", file=sys.stderr)

        total = sum(len(r) for r in accepted)
        wait_until(lambda: self.bed.stream_stats(VEHICLE_STREAM)["bytes_accepted"] >= total,
                   lambda: f"{total} bytes at the emulator: "
                           f"{self.bed.stream_stats(VEHICLE_STREAM)}\n{self.daemon.log()}")
        self.assertEqual(self.daemon.stop(), 0, self.daemon.log())
        s3 = self.bed.s3_bytes(VEHICLE_STREAM)
        self.assertEqual(len(s3), total)
        self.assertTrue(s3 == b"".join(accepted),
                        [s3.count(r) for r in accepted])


if __name__ == "__main__":
    unittest.main()
