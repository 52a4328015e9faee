"""Runs the real canhosed (path in $CANHOSE_DAEMON) with its ingest endpoint on, delivering
to the Firehose emulator (tests/firehose_emulator), for tests that drive it with boto3 and
the AWS CLI. Only 127.0.0.1; every process a test starts is stopped by its cleanup."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "firehose_emulator"))

import emulator_fixture  # noqa: E402  (also clears proxies and AWS settings of the machine)
from emulator_fixture import AKID, SECRET, REGION, EmulatorProcess  # noqa: E402,F401

VEHICLE_STREAM = "vehicle-telemetry"  # delivery.stream, packed
DASHCAM_STREAM = "dashcam"            # a local stream ...
DASHCAM_UPSTREAM = "dashcam-events"   # ... delivered to its own Firehose stream, unpacked

# Not a limit on how fast things must happen: only how long a wait may last before the
# test reports a hang instead of hanging.
HANG_GUARD_SECONDS = 60


def free_port():
    """A port nothing listens on now (for an emulator that starts later)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def daemon_config(state_dir, delivery_endpoint, *, flush_interval="200ms",
                  dashcam_flush_interval="200ms", fsync="interval", fsync_interval="20ms", queue=None,
                  extra=""):
    """canhose.yaml: the vehicle stream (delivery.stream, pack on) and the dashcam stream
    (own upstream, pack off), no vehicle sources, snapshot records once an hour (so none in
    a test), metrics and ingest on ephemeral ports."""
    queue_lines = "".join(f"  {k}: {v}\n" for k, v in (queue or {}).items())
    return f"""device:
  id: itest-van
service:
  state_dir: {state_dir}
  shutdown_grace: 10s
queue:
  fsync: {fsync}
  fsync_interval: {fsync_interval}
{queue_lines}delivery:
  stream: {VEHICLE_STREAM}
  region: {REGION}
  endpoint: {delivery_endpoint}
  pack: true
  flush_interval: {flush_interval}
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
    - name: {DASHCAM_STREAM}
      upstream: {DASHCAM_UPSTREAM}
      pack: false
      flush_interval: {dashcam_flush_interval}
{extra}"""


class Canhosed:
    """One canhosed process on `config` (written to dir/<name>.yaml, mode 0600). Ready once
    it said READY=1 on its NOTIFY_SOCKET; its ports are read from its log."""

    def __init__(self, canhosed, dir, config, name):
        self.dir = dir
        self.config_path = os.path.join(dir, name + ".yaml")
        fd = os.open(self.config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(config)
        self.stderr_path = os.path.join(dir, name + ".stderr")
        notify_path = os.path.join(dir, name + ".notify")
        self._notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._notify.bind(notify_path)
        env = {k: v for k, v in os.environ.items()
               if k not in ("JOURNAL_STREAM", "INVOCATION_ID", "LISTEN_FDS", "LISTEN_PID")}
        env["NOTIFY_SOCKET"] = notify_path
        with open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen([canhosed, "--config", self.config_path],
                                            stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=err, env=env)
        try:
            self._wait_ready()
        except BaseException:
            self.kill()
            raise
        log = self.log()
        self.ingest_url = "http://127.0.0.1:" + re.search(
            r"Firehose API for local producers at http://127\.0\.0\.1:(\d+)", log).group(1)
        self.metrics_url = "http://127.0.0.1:" + re.search(
            r"metrics at http://127\.0\.0\.1:(\d+)/metrics", log).group(1) + "/metrics"

    def _wait_ready(self):
        deadline = time.monotonic() + 30
        self._notify.settimeout(0.2)
        while time.monotonic() < deadline:
            try:
                message = self._notify.recv(4096).decode(errors="replace")
            except socket.timeout:
                if self.process.poll() is not None:
                    raise RuntimeError(f"canhosed exited {self.process.returncode} before "
                                       f"READY=1:\n{self.log()}")
                continue
            if "READY=1" in message.split("\n"):
                return
        raise RuntimeError("canhosed did not say READY=1 within 30 s:\n" + self.log())

    def log(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def metrics(self):
        """The Prometheus text, as {'name{labels}': value}."""
        with urllib.request.urlopen(self.metrics_url, timeout=10) as r:
            text = r.read().decode()
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                values[key] = float(value)
        return values

    def kill(self):
        """SIGKILL: no shutdown, no last flush."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._notify.close()

    def stop(self):
        """SIGTERM; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=HANG_GUARD_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._notify.close()
        return self.process.returncode


def wait_until(condition, what, timeout=HANG_GUARD_SECONDS, interval=0.1):
    """Polls condition() until it is true; fails with `what` (a str or a function giving
    one) after the hang guard."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting for: " + (what() if callable(what) else what))
        time.sleep(interval)


class DaemonTestBed:
    """A temporary directory, the emulator (streams vehicle-telemetry and dashcam-events;
    S3 objects only on flush) and canhosed processes in it. Call cleanup() (addCleanup)."""

    def __init__(self):
        self.canhosed_path = os.environ["CANHOSE_DAEMON"]
        self.dir = tempfile.mkdtemp(prefix="canhose-ingest-daemon-")
        self.state_dir = os.path.join(self.dir, "state")
        self.emulator = None
        self.daemons = []
        self._objects_read = {}

    def start_emulator(self, port=0):
        """On 127.0.0.1:port (0: any). Buffers of 1 GiB / 1 h: an object is written only on
        flush, so a stream's bytes come back in one piece per flush."""
        self.emulator = EmulatorProcess(
            streams=(VEHICLE_STREAM, DASHCAM_UPSTREAM), listen=f"127.0.0.1:{port}",
            extra_args=("--buffer-size-bytes", str(1 << 30),
                        "--buffer-interval-seconds", "3600"))
        return self.emulator

    def start_daemon(self, config, name="canhosed"):
        daemon = Canhosed(self.canhosed_path, self.dir, config, name)
        self.daemons.append(daemon)
        return daemon

    def stream_stats(self, stream):
        """The emulator's count of Firehose records and bytes `stream` accepted."""
        return self.emulator.stats()["streams"].get(
            stream, {"records_accepted": 0, "bytes_accepted": 0})

    def s3_bytes(self, stream):
        """Everything in the stream's S3 objects after a flush, in the order written."""
        self.emulator.flush()
        _, objects = self.emulator.control("GET", "objects")
        prefix = os.path.join(self.emulator.output_dir, stream) + os.sep
        chunks = []
        for path in objects["objects"]:
            if path.startswith(prefix):
                if path not in self._objects_read:  # an object never changes once written
                    with open(path, "rb") as f:
                        self._objects_read[path] = f.read()
                chunks.append(self._objects_read[path])
        return b"".join(chunks)

    def cleanup(self):
        for daemon in self.daemons:
            if daemon.process.poll() is None:
                daemon.kill()
        if self.emulator is not None:
            self.emulator.cleanup()
        shutil.rmtree(self.dir, ignore_errors=True)


def course_line(i, speed=40):
    """A reading as the course's producer writes it: space-separated values, one line."""
    values = [f"rec-{i:05d}", "2026-11-25T17:15:31Z", "1FTEW1EP5JKF12345", "52.5200",
              "13.4050", str(speed + i % 60), "0.8"]
    return " ".join(values) + "\n"
