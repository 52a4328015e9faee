"""Counters served by GET /_emulator/stats. Thread-safe."""

import threading
from collections import Counter


class EmulatorStats:
    def __init__(self):
        self._lock = threading.Lock()
        self._counts = Counter()
        self._operations = Counter()
        self._errors = Counter()
        self._streams = {}
        self._sns_operations = Counter()
        self._sns_errors = Counter()
        self._sns_topics = Counter()

    def count(self, name, amount=1):
        with self._lock:
            self._counts[name] += amount

    def operation(self, name):
        with self._lock:
            self._operations[name] += 1

    def stream_records(self, stream, records, data_bytes):
        """Records (and their bytes) a stream accepted: a Firehose record each."""
        with self._lock:
            counts = self._streams.setdefault(stream, Counter())
            counts["records_accepted"] += records
            counts["bytes_accepted"] += data_bytes

    def sns_operation(self, action):
        with self._lock:
            self._sns_operations[action] += 1

    def sns_error(self, code):
        with self._lock:
            self._sns_errors[code] += 1

    def topic_published(self, arn):
        with self._lock:
            self._sns_topics[arn] += 1

    def error(self, code):
        with self._lock:
            self._errors[code] += 1

    def snapshot(self):
        with self._lock:
            names = ("requests", "records_accepted", "records_failed", "bytes_accepted",
                     "resets", "delayed", "tls_handshake_failures", "iot_requests",
                     "iot_credentials_issued", "control_requests", "sns_requests",
                     "sns_messages_published", "sns_duplicates", "sns_resets")
            result = {name: self._counts[name] for name in names}
            result["operations"] = dict(self._operations)
            result["errors"] = dict(self._errors)
            result["streams"] = {name: {"records_accepted": c["records_accepted"],
                                        "bytes_accepted": c["bytes_accepted"]}
                                 for name, c in self._streams.items()}
            result["sns_operations"] = dict(self._sns_operations)
            result["sns_errors"] = dict(self._sns_errors)
            result["sns_topics"] = {arn: {"messages_published": n}
                                    for arn, n in self._sns_topics.items()}
            return result
