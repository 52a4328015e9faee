"""Reads a canhose record file with pandas the way the fleet team does and prints a JSON
summary (row count, dtypes, NaN counts, parsed timestamps, first row) for the C++ test
to check. Usage: read_records.py FORMAT PATH COLUMN...   (FORMAT: space|csv|csv-header|jsonl)
Run with Debian's /usr/bin/python3 (python3-pandas)."""
import json
import sys

import pandas as pd

fmt, path, names = sys.argv[1], sys.argv[2], sys.argv[3:]
if fmt == "space":
    df = pd.read_csv(path, sep=" ", names=names)
elif fmt == "csv":
    df = pd.read_csv(path, names=names)
elif fmt == "csv-header":
    df = pd.read_csv(path, header=0)
elif fmt == "jsonl":
    df = pd.read_json(path, lines=True, dtype=False, convert_dates=False)
else:
    sys.exit("unknown format " + fmt)

ts = pd.to_datetime(df["timestamp"], utc=True, format="%Y-%m-%dT%H:%M:%S.%fZ")
first = df.iloc[0]
print(json.dumps({
    "rows": len(df),
    "columns": list(df.columns),
    "dtypes": {c: str(t) for c, t in df.dtypes.items()},
    "nan": {c: int(n) for c, n in df.isna().sum().items()},
    "bad_timestamps": int(ts.isna().sum()),
    "first_timestamp": ts.iloc[0].isoformat(),
    "first": {c: (None if pd.isna(v) else (v.item() if hasattr(v, "item") else v))
              for c, v in first.items()},
}))
