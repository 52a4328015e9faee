"""Counters served by GET /_emulator/stats. Thread-safe."""

import threading
from collections import Counter


class EmulatorStats:
    def __init__(self):
        self._lock = threading.Lock()
        self._counts = Counter()
        self._operations = Counter()
        self._errors = Counter()

    def count(self, name, amount=1):
        with self._lock:
            self._counts[name] += amount

    def operation(self, name):
        with self._lock:
            self._operations[name] += 1

    def error(self, code):
        with self._lock:
            self._errors[code] += 1

    def snapshot(self):
        with self._lock:
            names = ("requests", "records_accepted", "records_failed", "bytes_accepted",
                     "resets", "delayed", "tls_handshake_failures", "iot_requests",
                     "iot_credentials_issued", "control_requests")
            result = {name: self._counts[name] for name in names}
            result["operations"] = dict(self._operations)
            result["errors"] = dict(self._errors)
            return result
