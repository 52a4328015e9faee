"""The vehicle pipeline keeps delivering while local producers flood the ingest endpoint:
snapshot records the daemon writes itself (record.period: 50ms) keep reaching the emulator
while producer threads send full PutRecordBatch calls (500 lines each) as fast as they are
answered into the dashcam stream, which has its own queue and unpacked delivery worker on
the same event loop. In the end every snapshot record and every acknowledged producer
record is in S3 exactly once.

(A flood into the vehicle's own stream shares its FIFO queue: the vehicle's records then
wait behind the backlog by design, so that is not what this test asks.)"""

import re
import sys
import threading
import unittest

import boto3

from daemon_fixture import (DASHCAM_STREAM, DASHCAM_UPSTREAM, VEHICLE_STREAM, DaemonTestBed,
                            daemon_config, wait_until)

SNAPSHOT = re.compile(rb"^(\d+) (\S+) itest-van\n$")
PRODUCERS = 2
SNAPSHOTS_DURING_FLOOD = 20


class FloodTest(unittest.TestCase):
    def test_vehicle_records_are_delivered_while_producers_flood(self):
        bed = DaemonTestBed()
        self.addCleanup(bed.cleanup)
        emulator = bed.start_emulator()
        config = daemon_config(bed.state_dir, emulator.endpoint).replace(
            "record:\n  period: 1h\n",
            "record:\n  period: 50ms\n  fields: [record_id, timestamp, device_id]\n")
        daemon = bed.start_daemon(config)

        stop = threading.Event()
        sent = [[] for _ in range(PRODUCERS)]
        calls = [0] * PRODUCERS
        errors = []

        # Clients are made here: botocore's client creation is not thread-safe.
        clients = [boto3.client("firehose", endpoint_url=daemon.ingest_url,
                                region_name="eu-west-1", aws_access_key_id="AKIDPRODUCER",
                                aws_secret_access_key="producer") for _ in range(PRODUCERS)]
        for client in clients:
            self.addCleanup(client.close)

        def flood(n):
            client = clients[n]
            try:
                batch_no = 0
                while not stop.is_set():
                    records = [f"flood-{n}-{batch_no:05d}-{i:03d} ".encode() + b"y" * 40 + b"\n"
                               for i in range(500)]
                    answer = client.put_record_batch(DeliveryStreamName=DASHCAM_STREAM,
                                                     Records=[{"Data": r} for r in records])
                    if answer["FailedPutCount"]:
                        errors.append(answer["RequestResponses"])
                        return
                    sent[n] += records
                    calls[n] += 1
                    batch_no += 1
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=flood, args=(n,), daemon=True)
                   for n in range(PRODUCERS)]
        for t in threads:
            t.start()
        self.addCleanup(stop.set)

        def snapshots_delivered():
            return [line for line in bed.s3_bytes(VEHICLE_STREAM).splitlines(keepends=True)
                    if SNAPSHOT.match(line)]

        # Every producer has had a call answered: the flood is on.
        wait_until(lambda: all(calls) or errors, lambda: f"calls {calls}, errors {errors}")
        calls_at_start = list(calls)
        at_start = len(snapshots_delivered())
        wait_until(lambda: len(snapshots_delivered()) >= at_start + SNAPSHOTS_DURING_FLOOD
                   or errors,
                   interval=0.5,
                   what=lambda: f"snapshots delivered: {len(snapshots_delivered())}, producer "
                           f"calls {calls}, metrics {daemon.metrics()}")
        # ... and it was still on while they were delivered: every producer got further.
        still_flooding = all(c > s for c, s in zip(calls, calls_at_start))
        stop.set()
        for t in threads:
            t.join(timeout=60)
        self.assertEqual(errors, [])
        self.assertTrue(still_flooding, (calls_at_start, calls))

        built = daemon.metrics()['canhose_record_records_total{kind="snapshot"}']
        flooded = [r for rs in sent for r in rs]
        total = sum(len(r) for r in flooded)
        wait_until(lambda: bed.stream_stats(DASHCAM_UPSTREAM)["bytes_accepted"] >= total,
                   lambda: f"{total} bytes of {DASHCAM_UPSTREAM} at the emulator: "
                           f"{bed.stream_stats(DASHCAM_UPSTREAM)}", interval=0.5)
        self.assertEqual(daemon.stop(), 0, daemon.log())
        # Producer records: each acknowledged one exactly once, nothing else, one Firehose
        # record each (pack: false).
        produced = bed.s3_bytes(DASHCAM_UPSTREAM).splitlines(keepends=True)
        self.assertEqual(len(produced), len(flooded))
        self.assertEqual(sorted(produced), sorted(flooded))
        self.assertEqual(bed.stream_stats(DASHCAM_UPSTREAM)["records_accepted"], len(flooded))
        lines = bed.s3_bytes(VEHICLE_STREAM).splitlines(keepends=True)
        snapshots = [line for line in lines if SNAPSHOT.match(line)]
        self.assertEqual(len(lines), len(snapshots))
        # Snapshot records: one per id, each delivered once, in the order written (ids come
        # from the queue's sequence and rise).
        ids = [int(SNAPSHOT.match(s).group(1)) for s in snapshots]
        self.assertEqual(ids, sorted(set(ids)))
        # Every snapshot built before the stop was scraped (the stop may add one more).
        self.assertGreaterEqual(len(snapshots), built)
        print(f"\nflood: {len(flooded)} records in {sum(calls)} PutRecordBatch calls; "
              f"{len(snapshots)} snapshot records delivered", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
