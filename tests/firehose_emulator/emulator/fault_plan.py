"""The faults the emulator injects, set by start options and changed at run time through
POST /_emulator/faults. Thread-safe.

Fractions draw from one random.Random(seed). Each Firehose request draws, in this fixed
order: reset, throttle, error500 (three draws, whatever the fractions), then one draw per
record of a PutRecordBatch/PutRecord that got through. So a given seed and a given
sequence of requests always give the same faults (concurrent requests draw in the order
they arrive). Counters ("throttle_next": 2 ...) fail the next N requests or records for
sure, before any fraction is consulted, for tests that want no chance at all.
"iot_throttle_next"/"iot_error500_next" fail the next N IoT credentials requests.
SNS Publish has its own settings ("sns_reset_*", "sns_throttle_*", "sns_error500_*"), so
a test can fault alerts and deliveries apart; each SNS request draws three numbers (reset,
throttle, error500) from the same random sequence.
"""

import random
import threading

RECORD_ERROR_CODES = ("ServiceUnavailableException", "InternalFailure")

_FRACTIONS = ("throttle_fraction", "error500_fraction", "record_failure_fraction",
              "reset_fraction", "sns_reset_fraction", "sns_throttle_fraction",
              "sns_error500_fraction")
_COUNTERS = ("throttle_next", "error500_next", "record_failure_next", "reset_next",
             "iot_throttle_next", "iot_error500_next", "sns_reset_next", "sns_throttle_next",
             "sns_error500_next")


class FaultPlan:
    def __init__(self, seed=0, throttle_fraction=0.0, error500_fraction=0.0,
                 record_failure_fraction=0.0, record_failure_code=RECORD_ERROR_CODES[0],
                 delay_ms=0, reset_fraction=0.0, date_skew_seconds=0, sns_reset_fraction=0.0,
                 sns_throttle_fraction=0.0, sns_error500_fraction=0.0):
        self._lock = threading.Lock()
        self._settings = {}
        self._random = random.Random(seed)
        self.update({
            "seed": seed, "throttle_fraction": throttle_fraction,
            "error500_fraction": error500_fraction,
            "record_failure_fraction": record_failure_fraction,
            "record_failure_code": record_failure_code, "delay_ms": delay_ms,
            "reset_fraction": reset_fraction, "date_skew_seconds": date_skew_seconds,
            "sns_reset_fraction": sns_reset_fraction,
            "sns_throttle_fraction": sns_throttle_fraction,
            "sns_error500_fraction": sns_error500_fraction,
            **{name: 0 for name in _COUNTERS}})

    def update(self, changes):
        """Applies a partial JSON object of settings; raises ValueError on a bad one.
        A "seed" restarts the random sequence."""
        checked = {}
        for name, value in changes.items():
            if name in _FRACTIONS:
                if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                        not 0.0 <= value <= 1.0:
                    raise ValueError(f"{name} must be a number from 0 to 1")
                checked[name] = float(value)
            elif name in _COUNTERS or name == "delay_ms":
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"{name} must be a non-negative integer")
                checked[name] = value
            elif name in ("date_skew_seconds", "seed"):
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise ValueError(f"{name} must be a number")
                checked[name] = value
            elif name == "record_failure_code":
                if value not in RECORD_ERROR_CODES:
                    raise ValueError(f"record_failure_code must be one of {RECORD_ERROR_CODES}")
                checked[name] = value
            else:
                raise ValueError(f"unknown fault setting {name!r}")
        with self._lock:
            self._settings.update(checked)
            if "seed" in checked:
                self._random = random.Random(checked["seed"])

    def settings(self):
        with self._lock:
            return dict(self._settings)

    def date_skew_seconds(self):
        with self._lock:
            return self._settings["date_skew_seconds"]

    def delay_seconds(self):
        with self._lock:
            return self._settings["delay_ms"] / 1000.0

    def draw_request_faults(self):
        """-> (reset, throttle, error500) for one Firehose request; at most one is true
        (a reset wins over a throttle over a 500; a counter that did not fire is kept)."""
        return self._draw_request_faults("")

    def draw_sns_request_faults(self):
        """The same for one SNS request, from the "sns_" settings."""
        return self._draw_request_faults("sns_")

    def _draw_request_faults(self, prefix):
        with self._lock:
            draws = [self._random.random() for _ in range(3)]
            for index, kind in enumerate(("reset", "throttle", "error500")):
                fired = False
                if self._settings[prefix + kind + "_next"] > 0:
                    self._settings[prefix + kind + "_next"] -= 1
                    fired = True
                elif draws[index] < self._settings[prefix + kind + "_fraction"]:
                    fired = True
                if fired:
                    return tuple(i == index for i in range(3))
            return False, False, False

    def take_iot_fault(self):
        """-> "throttle", "error500" or None for one IoT credentials request (counters only)."""
        with self._lock:
            for kind in ("throttle", "error500"):
                if self._settings[f"iot_{kind}_next"] > 0:
                    self._settings[f"iot_{kind}_next"] -= 1
                    return kind
            return None

    def draw_record_failures(self, count):
        """-> list of error codes (None = accepted), one per record."""
        with self._lock:
            fraction = self._settings["record_failure_fraction"]
            code = self._settings["record_failure_code"]
            outcome = []
            for _ in range(count):
                draw = self._random.random() if fraction > 0 else 1.0
                if self._settings["record_failure_next"] > 0:
                    self._settings["record_failure_next"] -= 1
                    outcome.append(code)
                else:
                    outcome.append(code if draw < fraction else None)
            return outcome
