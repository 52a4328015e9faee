"""Starts canhose_ingest_endpoint (the real IngestServer over a real queue) for a test and
reads back, after SIGTERM, every record the queue holds."""

import base64
import os
import shutil
import signal
import subprocess
import tempfile


class IngestEndpoint:
    def __init__(self, *args, streams=("telemetry",)):
        self.dir = tempfile.mkdtemp(prefix="canhose-ingest-")
        self.dump_path = os.path.join(self.dir, "dump.txt")
        command = [os.environ["CANHOSE_INGEST_ENDPOINT"], "--queue-dir",
                   os.path.join(self.dir, "queue"), "--dump", self.dump_path, *args]
        for stream in streams:
            command += ["--stream", stream]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("LISTENING "):
            self.process.kill()
            raise RuntimeError(f"endpoint did not start: {line!r}")
        self.port = int(line.split()[1])
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        """SIGTERM, then every record the queue holds, in order, as bytes."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        if self.process.returncode != 0:
            raise RuntimeError(f"endpoint exited {self.process.returncode}")
        records = []
        with open(self.dump_path) as f:
            for line in f:
                _, _, data = line.rstrip("\n").partition(" ")
                records.append(base64.b64decode(data))
        return records

    def cleanup(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)
