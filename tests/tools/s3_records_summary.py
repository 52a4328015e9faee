#!/usr/bin/python3
"""Reads the Firehose emulator's S3-layout output the way the fleet team does (pandas,
space-separated, no header) and prints a JSON summary for a C++ test.

usage: s3_records_summary.py OUTPUT_DIR EXPECTED_IDS_FILE [UNSENT_IDS_FILE]

EXPECTED_IDS_FILE lists record ids that must be in the output. Between the smallest and
the largest id delivered, every id must be there too ("gaps" lists those that are not),
except the ids in UNSENT_IDS_FILE (records still waiting in the queue at the end).

Records are snapshots "record_id timestamp device_id lat lon" and raw frames
"record_id timestamp interface can_id data"; the third column tells them apart
(snapshots carry the device id, raw frames an interface name).
"""

import json
import os
import sys

import pandas as pd

COLUMNS = ["record_id", "timestamp", "c2", "c3", "c4"]


def read_objects(output_dir):
    frames = []
    for root, _dirs, files in os.walk(output_dir):
        for name in sorted(files):
            if name.startswith("."):  # an object still being written
                continue
            frames.append(pd.read_csv(os.path.join(root, name), sep=" ", header=None,
                                      names=COLUMNS, dtype=str, keep_default_na=False))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)


def read_ids(path):
    with open(path, encoding="ascii") as f:
        return {int(line) for line in f if line.strip()}


def main(argv):
    output_dir = argv[1]
    expected = read_ids(argv[2])
    unsent = read_ids(argv[3]) if len(argv) > 3 else set()
    records = read_objects(output_dir)
    ids = pd.to_numeric(records["record_id"], errors="raise").astype("int64")
    records = records.assign(record_id=ids)
    # At-least-once delivery may repeat a record; a repeat must be identical.
    distinct = records.drop_duplicates()
    conflicting = int(distinct["record_id"].duplicated().sum())
    delivered = set(distinct["record_id"].tolist())
    snapshots = distinct[~distinct["c2"].str.startswith("vcan")]
    lat = pd.to_numeric(snapshots["c3"], errors="coerce")
    lon = pd.to_numeric(snapshots["c4"], errors="coerce")
    with_position = snapshots[lat.notna() & lon.notna()]
    gaps = sorted(set(range(min(delivered), max(delivered) + 1)) - delivered - unsent) \
        if delivered else []
    summary = {
        "first_id": min(delivered) if delivered else None,
        "last_id": max(delivered) if delivered else None,
        "gaps": gaps[:20],
        "gaps_count": len(gaps),
        "rows": int(len(records)),
        "distinct_records": int(len(distinct)),
        "conflicting_ids": conflicting,
        "missing": sorted(expected - delivered)[:20],
        "missing_count": len(expected - delivered),
        "snapshots": int(len(snapshots)),
        "snapshots_with_position": int(len(with_position)),
        "zero_positions": int(((lat == 0) & (lon == 0)).sum()),
        "lat_min": float(lat.min()) if with_position.size else None,
        "lat_max": float(lat.max()) if with_position.size else None,
        "lon_min": float(lon.min()) if with_position.size else None,
        "lon_max": float(lon.max()) if with_position.size else None,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
