#!/usr/bin/env bash
# The canhose demo on one machine: no AWS account, no vehicle, no GPS receiver needed.
#
#   1. installs the build dependencies (apt, through sudo unless run as root; quiet when
#      everything is installed) and builds the release binaries;
#   2. starts a local Firehose emulator (HTTPS with a throw-away CA; it checks every
#      request's SigV4 signature with botocore and writes an S3-style folder tree),
#      a real gpsd through gpsfake replaying a real NMEA log (tests/data/nmea/bt451.log,
#      a drive with a Bluetooth GPS), and canhosed replaying a real CAN trace
#      (tests/data/can/savvycan-candump.log) as if it were the bus, decoding a signal with
#      the Toyota DBC; and a dashcam event logger on the box (the course's boto3 producer
#      code, and `canhose put`) sending its events through canhose's local ingest
#      endpoint to a second Firehose stream;
#   3. after SECONDS (default 60) shows `canhose status`, stops canhosed with SIGTERM (it
#      drains), and reads the delivered records of both streams back from the S3 files
#      with pandas.
#
# Usage: packaging/demo.sh [SECONDS]        Files are kept in /tmp/canhose-demo.XXXXXX.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ && $seconds -ge 5 ]] || { echo "usage: $0 [SECONDS >= 5]" >&2; exit 2; }

echo "=== 1/3 dependencies and build"
if [[ $(id -u) -eq 0 ]]; then
  packaging/install-build-deps.sh
else
  sudo packaging/install-build-deps.sh
fi
cmake --preset release >/dev/null
cmake --build --preset release --target canhosed canhose
canhosed=build/release/daemon/canhosed
canhose=build/release/daemon/canhose

echo "=== 2/3 emulator, gpsd and canhosed"
work=$(mktemp -d /tmp/canhose-demo.XXXXXX)
echo "demo files in $work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n ${gps_port:-} ]] && pkill -KILL -f "gpsd.*-S $gps_port" 2>/dev/null || true
}
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
gps_port=$(free_port)
metrics_port=$(free_port)
ingest_port=$(free_port)

# shellcheck source=packaging/emulator.sh
source packaging/emulator.sh
topic=arn:aws:sns:us-east-1:123456789012:fleet-alerts
start_emulator "$PWD" "$work" fleet-telemetry dashcam-events fleet-alerts topic:fleet-alerts || exit 1
pids+=("$emulator_pid")
port=$emulator_port
echo "Firehose and SNS emulator: https://127.0.0.1:$port (streams fleet-telemetry, dashcam-events, fleet-alerts; topic fleet-alerts)"

# gpsfake starts its own gpsd on the port (-P) and loops over the log; -c paces sentences.
(cd "$work" && exec /usr/bin/gpsfake -q -P "$gps_port" -c 0.1 "$OLDPWD/tests/data/nmea/bt451.log" \
  > "$work/gpsfake.log" 2>&1) &
pids+=($!)
echo "gpsd (gpsfake): 127.0.0.1:$gps_port replaying tests/data/nmea/bt451.log"

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
  # Short, so that the one-minute demo shows deliveries while it runs; the default (1m)
  # is billed less (docs/delivery.md, "Billing").
  flush_interval: 5s
credentials:
  source: static
  access_key_id: AKIDEXAMPLE
  secret_access_key: wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
sources:
  can:
    dbc_file: $PWD/tests/data/can/toyota_2017_ref_pt.dbc
  replay:
    enabled: true
    file: $PWD/tests/data/can/savvycan-candump.log
    speed: "1"
    loop: true
  gps:
    enabled: true
    host: 127.0.0.1
    port: $gps_port
record:
  fields: [record_id, timestamp, vin, lat, lon, gps_speed, DVS0PCS]
  period: 1s
  raw_frames:
    enabled: true
    ids: ["0x228"]
metrics:
  listen: 127.0.0.1:$metrics_port
# Other programs on the box send records through canhose (README, "Send your own records"):
# here a dashcam event logger, to its own Firehose stream, one Firehose record per event.
ingest:
  listen: 127.0.0.1:$ingest_port
  streams:
    - name: dashcam
      upstream: dashcam-events
      pack: false
      flush_interval: 5s
# Alerts raised on the vehicle (README, "Alerts on the vehicle"), on the real GPS drive:
# sent to an SNS topic, and as JSON lines to a third Firehose stream.
alerts:
  topic_arn: $topic
  endpoint: https://127.0.0.1:$port
  stream: fleet-alerts
  rules:
    - name: gps_fix_lost
      when: gps_mode < 2
      more_than: 1
      within: 1min
      message: "GPS fix lost {count} times within {within}"
    - name: fast
      when: gps_speed > 50
      for: 2s
      cooldown: 30s
      message: "{gps_speed} km/h for {for}"
YAML
chmod 600 "$work/canhose.yaml"
$canhose check-config "$work/canhose.yaml"
$canhosed --config "$work/canhose.yaml" 2> "$work/canhosed.log" &
canhosed_pid=$!
pids+=($canhosed_pid)
echo "canhosed running for ${seconds}s (log: $work/canhosed.log)"

# The dashcam's event logger: the course's boto3 producer code, with only the endpoint
# changed, and a shell script using canhose put. Each event is answered once it is on disk.
sleep 1
/usr/bin/python3 - "$ingest_port" "$seconds" > "$work/producer.log" 2>&1 <<'PY' &
import json, sys, time
import boto3
firehose = boto3.client("firehose", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}",
                        region_name="us-east-1", aws_access_key_id="local",
                        aws_secret_access_key="local")
kinds = ["harsh_braking", "lane_departure", "close_following", "door_open"]
end = time.time() + float(sys.argv[2]) - 3
n = 0
while time.time() < end:
    event = {"event_id": n, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
             "vin": "1M8GDM9AXKP042788", "kind": kinds[n % len(kinds)],
             "g": round(0.3 + (n % 7) * 0.05, 2)}
    firehose.put_record(DeliveryStreamName="dashcam",
                        Record={"Data": json.dumps(event) + "\n"})
    n += 1
    time.sleep(2)
print(f"dashcam producer: {n} events accepted")
PY
pids+=($!)
printf '{"event_id": "boot", "kind": "dashcam_started"}\n' |
  $canhose put --config "$work/canhose.yaml" --stream dashcam --verbose 2> "$work/put.log"
sleep "$((seconds - 1))"

echo
echo "=== canhose status"
$canhose status --config "$work/canhose.yaml" || true
kill -TERM "$canhosed_pid"
rc=0
wait "$canhosed_pid" || rc=$?
[[ $rc == 0 ]] || { echo "canhosed exited with $rc:"; tail -20 "$work/canhosed.log"; exit 1; }
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()

echo
echo "=== 3/3 what Firehose received"
echo "canhosed said:"; grep -E "notice|warning|error" "$work/canhosed.log" | tail -6
echo
echo "S3 objects written by the emulator:"
find "$work/s3" -type f | sed "s|$work/||" | head -5
echo "..."
/usr/bin/python3 - "$work/s3/fleet-telemetry" <<'PY'
import glob, io, os, sys
import pandas as pd
files = sorted(f for f in glob.glob(sys.argv[1] + "/**/*", recursive=True) if os.path.isfile(f))
lines = [l for f in files for l in open(f) if l.strip()]
snap = [l for l in lines if len(l.split()) == 7]
raw = [l for l in lines if len(l.split()) == 5]
print(f"{len(lines)} records delivered in {len(files)} objects: "
      f"{len(snap)} snapshots, {len(raw)} raw CAN frames (id 0x228)")
cols = ["record_id", "timestamp", "vin", "lat", "lon", "gps_speed", "DVS0PCS"]
df = pd.read_csv(io.StringIO("".join(snap)), sep=" ", names=cols)
print("\nsnapshot records (NaN = no value yet, e.g. before the first GPS fix):")
print(df.tail(5).to_string(index=False))
print(f"\nsnapshots with a GPS position: {df['lat'].notna().sum()} of {len(df)}")
raw_df = pd.read_csv(io.StringIO("".join(raw)), sep=" ",
                     names=["record_id", "timestamp", "iface", "id", "data"], dtype=str)
print("\nraw frame records:")
print(raw_df.tail(3).to_string(index=False))
ids = [int(l.split()[0]) for l in lines]
print("\nrecord ids unique:", len(ids) == len(set(ids)))
PY
echo
echo "=== alerts raised on the vehicle (rules -> outbox -> SNS topic fleet-alerts; events and alerts -> Firehose fleet-alerts)"
/usr/bin/python3 - "$work/s3" <<'PY'
import glob, json, os, sys
sns = os.path.join(sys.argv[1], "sns", "fleet-alerts.jsonl")
messages = [json.loads(l) for l in open(sns)] if os.path.exists(sns) else []
print(f"SNS messages published: {len(messages)}")
for m in messages[:2]:
    print(f"--- subject: {m['subject']}")
    print(m["message"].rstrip())
files = sorted(f for f in glob.glob(sys.argv[1] + "/fleet-alerts/**/*", recursive=True)
               if os.path.isfile(f))
records = [json.loads(l) for f in files for l in open(f) if l.strip()]
events = [r for r in records if r["type"] == "event"]
alerts = [r for r in records if r["type"] == "alert"]
print(f"\nfleet-alerts stream: {len(events)} events and {len(alerts)} alerts in {len(files)} objects")
for r in alerts[:2]:
    print(json.dumps(r))
PY
echo
echo "=== the dashcam's events (local producer -> canhose ingest -> Firehose dashcam-events)"
cat "$work/put.log" "$work/producer.log"
/usr/bin/python3 - "$work/s3/dashcam-events" <<'PY'
import glob, io, os, sys
import pandas as pd
files = sorted(f for f in glob.glob(sys.argv[1] + "/**/*", recursive=True) if os.path.isfile(f))
lines = [l for f in files for l in open(f) if l.strip()]
df = pd.read_json(io.StringIO("".join(lines)), lines=True)
print(f"{len(df)} events in {len(files)} objects")
print(df.tail(4).to_string(index=False))
PY
