"""Shared code of the alerts integration tests: candump logs of a drive with harsh
brakings (the Toyota DBC's ENG2F05.VM speed signal), canhose.yaml with the harsh_braking
rule delivering to the Firehose/SNS emulator, and helpers to run `canhose`. The processes
come from tests/ingest_daemon/daemon_fixture.py and tests/firehose_emulator."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ingest_daemon"))

import daemon_fixture  # noqa: E402  (also puts the emulator's folder on sys.path)
from daemon_fixture import HANG_GUARD_SECONDS, Canhosed, free_port, wait_until  # noqa: E402,F401
from emulator_fixture import AKID, REGION, SECRET, EmulatorProcess, test_pki  # noqa: E402,F401

DBC = os.path.abspath(os.path.join(HERE, "..", "data", "can", "toyota_2017_ref_pt.dbc"))
DEVICE_ID = "alerts-van"
VEHICLE_STREAM = "vehicle-telemetry"
ALERTS_STREAM = "fleet-alerts"
TOPIC_NAME = "fleet-alerts.fifo"
TOPIC_ARN = f"arn:aws:sns:{REGION}:123456789012:{TOPIC_NAME}"
START = 1765000000.0  # data time of a log's first frame
HZ = 50


def speed_frame(t, kmh):
    """One candump -l line: ENG2F05 (0x1D3), VM big-endian in bytes 2..3, scale 1/256."""
    raw = max(0, min(0xFFFF, round(kmh * 256)))
    return f"({t:.6f}) can0 1D3#0000{raw >> 8:02X}{raw & 0xFF:02X}00000000\n"


def drive(brake_starts, length):
    """Speeds at 50 Hz from 0 to `length` seconds: cruising at 60 km/h, and a harsh brake
    (60 -> 30 km/h within one second, then 30 km/h for 2 s, back to 60 over 5 s) at each
    offset of brake_starts. Returns [(offset, km/h)]."""
    samples = []
    for i in range(int(length * HZ) + 1):
        t = i / HZ
        kmh = 60.0
        for b in brake_starts:
            if b <= t < b + 1:
                kmh = 60.0 - 30.0 * (t - b)
            elif b + 1 <= t < b + 3:
                kmh = 30.0
            elif b + 3 <= t < b + 8:
                kmh = 30.0 + 6.0 * (t - b - 3)
        samples.append((t, kmh))
    return samples


def write_log(dir, name, brake_starts, length=None):
    """A candump -l log of drive(brake_starts) from START; returns its path."""
    if length is None:
        length = (max(brake_starts) if brake_starts else 0) + 15
    path = os.path.join(dir, name)
    with open(path, "w") as f:
        for t, kmh in drive(brake_starts, length):
            f.write(speed_frame(START + t, kmh))
    return path


RULES = """  rules:
    - name: harsh_braking
      when: delta(VM, 1s) < -12
      more_than: 3
      within: 5min
      cooldown: 10min
"""


def config(state_dir, endpoint, *, replay_log=None, topic_arn=TOPIC_ARN, rules=RULES):
    """canhose.yaml: the harsh_braking rule, SNS and Firehose through `endpoint` (the
    emulator, https with the test PKI's CA), the replay of `replay_log` at full speed on its
    own timestamps (none when None), metrics and ingest (daemon_fixture.Canhosed reads
    both ports from the log) on ephemeral ports, fast retries."""
    replay = (f"  replay:\n    enabled: true\n    file: {replay_log}\n    speed: max\n"
              f"    original_timestamps: true\n") if replay_log else ""
    return f"""device:
  id: {DEVICE_ID}
service:
  state_dir: {state_dir}
  shutdown_grace: 10s
queue:
  fsync: interval
  fsync_interval: 20ms
delivery:
  stream: {VEHICLE_STREAM}
  region: {REGION}
  endpoint: {endpoint}
  ca_file: {test_pki()}/ca.pem
  pack: true
  flush_interval: 200ms
  proxy: none
  retry:
    base: 10ms
    max: 300ms
credentials:
  source: static
  access_key_id: {AKID}
  secret_access_key: {SECRET}
record:
  period: 1h
metrics:
  listen: 127.0.0.1:0
ingest:
  listen: 127.0.0.1:0
  streams:
    - name: {VEHICLE_STREAM}
sources:
  can:
    dbc_file: {DBC}
{replay}alerts:
  topic_arn: {topic_arn}
  endpoint: {endpoint}
  stream: {ALERTS_STREAM}
{rules}"""


def write_config(dir, name, text):
    path = os.path.join(dir, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run_cli(*args, timeout=HANG_GUARD_SECONDS):
    """Runs $CANHOSE_CLI with args; returns the CompletedProcess (text)."""
    return subprocess.run([os.environ["CANHOSE_CLI"], *args], capture_output=True, text=True,
                          timeout=timeout)


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class AlertsTestBed:
    """A temporary directory, maybe the emulator (TLS; Firehose streams vehicle-telemetry
    and fleet-alerts, SNS topic fleet-alerts.fifo) and canhosed processes. Call cleanup()."""

    def __init__(self):
        self.canhosed_path = os.environ["CANHOSE_DAEMON"]
        self.dir = tempfile.mkdtemp(prefix="canhose-alerts-daemon-")
        self.state_dir = os.path.join(self.dir, "state")
        self.emulator = None
        self.daemons = []

    def start_emulator(self, port=0, topics=(TOPIC_NAME,)):
        self.emulator = EmulatorProcess(
            streams=(VEHICLE_STREAM, ALERTS_STREAM), tls=True, sns_topics=topics,
            listen=f"127.0.0.1:{port}",
            extra_args=("--buffer-size-bytes", str(1 << 30),
                        "--buffer-interval-seconds", "3600"))
        return self.emulator

    def start_daemon(self, config_text, name="canhosed"):
        daemon = Canhosed(self.canhosed_path, self.dir, config_text, name)
        self.daemons.append(daemon)
        return daemon

    def alerts_stream_lines(self):
        """The JSON lines of the alerts stream's S3 objects after a flush."""
        self.emulator.flush()
        _, objects = self.emulator.control("GET", "objects")
        prefix = os.path.join(self.emulator.output_dir, ALERTS_STREAM) + os.sep
        lines = []
        for path in objects["objects"]:
            if path.startswith(prefix):
                with open(path, "rb") as f:
                    lines += json_lines(f.read().decode())
        return lines

    def status(self, daemon):
        """`canhose status --json` against daemon's configuration: (exit code, JSON)."""
        metrics = daemon.metrics_url.removeprefix("http://").removesuffix("/metrics")
        done = run_cli("status", "--config", daemon.config_path, "--metrics", metrics, "--json")
        try:
            return done.returncode, json.loads(done.stdout)
        except ValueError:
            raise AssertionError(f"canhose status printed no JSON: {done!r}")

    def cleanup(self):
        for daemon in self.daemons:
            if daemon.process.poll() is None:
                daemon.kill()
        if self.emulator is not None:
            self.emulator.cleanup()
        shutil.rmtree(self.dir, ignore_errors=True)
