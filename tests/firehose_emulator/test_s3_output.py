"""The emulator's S3-layout output, read back exactly as the fleet analyst does: every
object under <bucket>/YYYY/MM/DD/HH/ with pandas.read_csv(sep=" ", names=[...])."""

import glob
import os
import re
import time
import unittest

import pandas

from emulator_fixture import STREAM, EmulatorProcess, EmulatorTestCase

COLUMNS = ["record_id", "timestamp", "vin", "lat", "lon", "speed"]
OBJECT_NAME = re.compile(
    r"^(?P<stream>[a-zA-Z0-9_.-]+)-1-(?P<stamp>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)-"
    r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def reading(i):
    # record_id timestamp vin lat lon speed
    return f"{i} {1764086400 + i} WVWZZZ1JZXW00000{i % 10} {52.52 + i / 1e4:.4f} " \
           f"{13.405 + i / 1e4:.4f} {30 + i % 50}.5\n".encode()


def analyst_frame(root):
    """What the analyst runs on the downloaded bucket: every object, in key order."""
    paths = sorted(p for p in glob.glob(os.path.join(root, "*", "*", "*", "*", "*"))
                   if os.path.isfile(p))
    frames = [pandas.read_csv(p, sep=" ", names=COLUMNS) for p in paths]
    return pandas.concat(frames, ignore_index=True), paths


class S3OutputTest(EmulatorTestCase):
    def bucket(self, name):
        return os.path.join(self.emulator.output_dir, name)

    def test_objects_read_back_with_pandas_give_every_reading_in_order(self):
        client = self.new_client()
        start_hour = time.gmtime()
        # One reading per Firehose record, then many readings packed into one record:
        # the objects are byte-identical either way.
        client.put_record_batch(DeliveryStreamName=STREAM,
                                Records=[{"Data": reading(i)} for i in range(100)])
        packed = b"".join(reading(i) for i in range(100, 300))
        client.put_record_batch(DeliveryStreamName=STREAM, Records=[{"Data": packed}])
        written = self.emulator.flush()
        end_hour = time.gmtime()
        self.assertEqual(len([p for p in written if p.startswith(self.bucket(STREAM))]), 1)

        frame, paths = analyst_frame(self.bucket(STREAM))
        self.assertEqual(list(frame.columns), COLUMNS)
        self.assertEqual(len(frame), 300)
        self.assertEqual(frame["record_id"].tolist(), list(range(300)))
        self.assertEqual(frame["timestamp"].iloc[299], 1764086400 + 299)
        self.assertEqual(frame["vin"].iloc[7], "WVWZZZ1JZXW000007")
        self.assertAlmostEqual(frame["lat"].iloc[250], 52.545, places=4)
        self.assertAlmostEqual(frame["speed"].mean(),
                               sum(30 + i % 50 + 0.5 for i in range(300)) / 300)

        relative = os.path.relpath(paths[0], self.bucket(STREAM)).split(os.sep)
        self.assertEqual(len(relative), 5)
        year, month, day, hour, name = relative
        hours = {time.strftime("%Y/%m/%d/%H", t) for t in (start_hour, end_hour)}
        self.assertIn(f"{year}/{month}/{day}/{hour}", hours)
        match = OBJECT_NAME.match(name)
        self.assertIsNotNone(match, name)
        self.assertEqual(match["stream"], STREAM)
        self.assertTrue(match["stamp"].startswith(f"{year}-{month}-{day}-{hour}-"))



class S3BufferSizeTest(EmulatorTestCase):
    EMULATOR_OPTIONS = {"streams": ("small-objects",),
                        "extra_args": ("--buffer-size-bytes", "4096")}

    def bucket(self, name):
        return os.path.join(self.emulator.output_dir, name)

    def test_buffer_size_cuts_objects_at_the_record_that_reaches_it(self):
        client = self.new_client()
        records = [{"Data": reading(i)} for i in range(200)]  # about 11 KB
        client.put_record_batch(DeliveryStreamName="small-objects", Records=records)
        before_flush = sorted(self.emulator.control("GET", "objects")[1]["objects"])
        by_size = [p for p in before_flush if "/small-objects/" in p]
        self.assertGreaterEqual(len(by_size), 2)
        for path in by_size:
            size = os.path.getsize(path)
            self.assertGreaterEqual(size, 4096)
            self.assertLess(size, 4096 + len(reading(199)))
        self.emulator.flush()
        frame, _ = analyst_frame(self.bucket("small-objects"))
        self.assertEqual(sorted(frame["record_id"].tolist()), list(range(200)))
        self.assertEqual(self.emulator.stats()["buffered_bytes"], 0)

    def test_no_partial_object_is_ever_visible(self):
        client = self.new_client()
        client.put_record_batch(DeliveryStreamName="small-objects",
                                Records=[{"Data": reading(i)} for i in range(100)])
        self.emulator.flush()
        hidden = glob.glob(os.path.join(self.bucket("small-objects"), "**", ".*"),
                           recursive=True)
        self.assertEqual(hidden, [])


class S3IntervalTest(unittest.TestCase):
    def test_buffer_interval_writes_the_object_without_a_flush(self):
        emulator = EmulatorProcess(extra_args=("--buffer-interval-seconds", "1"))
        self.addCleanup(emulator.cleanup)
        client = emulator.client()
        self.addCleanup(client.close)
        client.put_record(DeliveryStreamName=STREAM, Record={"Data": reading(1)})
        deadline = time.monotonic() + 20
        while not emulator.control("GET", "objects")[1]["objects"]:
            self.assertLess(time.monotonic(), deadline, "no object after the interval")
            time.sleep(0.1)
        frame, _ = analyst_frame(os.path.join(emulator.output_dir, STREAM))
        self.assertEqual(frame["record_id"].tolist(), [1])

    def test_sigterm_writes_what_is_buffered_and_exits_zero(self):
        emulator = EmulatorProcess()
        self.addCleanup(emulator.cleanup)
        client = emulator.client()
        client.put_record_batch(DeliveryStreamName=STREAM,
                                Records=[{"Data": reading(i)} for i in range(3)])
        client.close()
        self.assertEqual(emulator.control("GET", "objects")[1]["objects"], [])
        self.assertEqual(emulator.stop(), 0)
        frame, _ = analyst_frame(os.path.join(emulator.output_dir, STREAM))
        self.assertEqual(frame["record_id"].tolist(), [0, 1, 2])


if __name__ == "__main__":
    unittest.main()
