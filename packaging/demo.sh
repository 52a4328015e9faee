#!/usr/bin/env bash
# A self-contained demo on one machine, no AWS account needed:
#   - a local Firehose emulator (HTTPS with a throw-away CA, real SigV4 checks),
#   - canhosed replaying a real CAN log (tests/data/can) as if it were the bus,
#     building records, queueing them on disk and delivering them over HTTPS,
#   - the records read back from the emulator's S3-layout output with pandas.
# Usage: packaging/demo.sh [SECONDS]   (after: cmake --workflow --preset release)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
canhosed=build/release/daemon/canhosed
[[ -x $canhosed ]] || { echo "build first: cmake --workflow --preset release"; exit 1; }

work=$(mktemp -d /tmp/canhose-demo.XXXXXX)
echo "demo files in $work"
emulator_pid=
cleanup() { [[ -n $emulator_pid ]] && kill "$emulator_pid" 2>/dev/null || true; }
trap cleanup EXIT

tests/firehose_emulator/make_test_pki.sh "$work/pki" >/dev/null
/usr/bin/python3 tests/firehose_emulator/firehose_emulator.py \
  --listen 127.0.0.1:0 --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server.key" \
  --credentials AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY --region us-east-1 \
  --stream fleet-telemetry --output-dir "$work/s3" > "$work/emulator.out" 2> "$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do
  port=$(sed -n 's/^LISTENING \([0-9]*\)$/\1/p' "$work/emulator.out")
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n ${port:-} ]] || { echo "the emulator did not start:"; cat "$work/emulator.log"; exit 1; }
echo "Firehose emulator on https://127.0.0.1:$port"

cat > "$work/canhose.yaml" <<YAML
device:
  id: demo-van
  vin: 1M8GDM9AXKP042788
service:
  state_dir: $work/state
delivery:
  stream: fleet-telemetry
  region: us-east-1
  endpoint: https://127.0.0.1:$port
  ca_file: $work/pki/ca.pem
credentials:
  source: static
  access_key_id: AKIDEXAMPLE
  secret_access_key: wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
sources:
  replay:
    enabled: true
    file: $PWD/tests/data/can/savvycan-candump.log
    speed: "20"
    loop: true
record:
  fields: [record_id, timestamp, vin, device_id]
  period: 500ms
  raw_frames:
    enabled: true
    ids: ["0x102", "0x116"]
metrics:
  listen: 127.0.0.1:0
YAML
chmod 600 "$work/canhose.yaml"
$canhosed --check-config "$work/canhose.yaml"
echo "running canhosed for ${seconds}s (log: $work/canhosed.log)"
set +e
timeout -s TERM "$seconds" $canhosed --config "$work/canhose.yaml" 2> "$work/canhosed.log"
rc=$?
set -e
[[ $rc == 0 || $rc == 124 ]] || { echo "canhosed failed ($rc):"; tail -20 "$work/canhosed.log"; exit 1; }
kill -TERM "$emulator_pid"; wait "$emulator_pid" || true; emulator_pid=
echo
echo "canhosed said:"; grep -E "notice|warning|error" "$work/canhosed.log" | tail -8
echo
echo "S3 objects written by the emulator:"; find "$work/s3" -type f | sed "s|$work/||" | head
/usr/bin/python3 - "$work/s3" <<'PY'
import glob, io, os, sys
import pandas as pd
files = sorted(f for f in glob.glob(sys.argv[1] + "/**/*", recursive=True) if os.path.isfile(f))
lines = [l for f in files for l in open(f) if l.strip()]
raw = [l for l in lines if len(l.split()) == 5]
snap = [l for l in lines if len(l.split()) == 4]
print(f"{len(lines)} records delivered: {len(snap)} snapshots, {len(raw)} raw CAN frames")
df = pd.read_csv(io.StringIO("".join(raw)), sep=" ", names=["record_id", "timestamp", "iface", "id", "data"])
print(df.head(5).to_string(index=False))
ids = [int(l.split()[0]) for l in lines]
print("record ids unique:", len(ids) == len(set(ids)))
PY
