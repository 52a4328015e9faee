"""`canhose alerts test --replay LOG --json` over generated drives (no daemon, nothing
sent): harsh brakings counted in the window, one alert per burst, the summary on stderr,
and a rule with a syntax error refused with its file, line and column."""

import os
import re
import shutil
import tempfile
import unittest

import alerts_fixture
from alerts_fixture import json_lines, run_cli, write_config, write_log


class AlertsTestCommandTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="canhose-alerts-cli-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.config = write_config(self.dir, "canhose.yaml", alerts_fixture.config(
            os.path.join(self.dir, "state"), "https://127.0.0.1:9"))

    def alerts_test(self, log):
        done = run_cli("alerts", "test", "--config", self.config, "--replay", log, "--json")
        self.assertEqual(done.returncode, 0, done.stderr)
        records = json_lines(done.stdout)
        return ([r for r in records if r["type"] == "event"],
                [r for r in records if r["type"] == "alert"], done.stderr)

    def test_four_harsh_brakings_within_five_minutes_raise_one_alert(self):
        log = write_log(self.dir, "four.log", [10, 40, 70, 100])
        events, alerts, stderr = self.alerts_test(log)
        self.assertEqual([e["events_in_window"] for e in events], [1, 2, 3, 4])
        self.assertTrue(all(e["rule"] == "harsh_braking" for e in events), events)
        [alert] = alerts
        self.assertEqual((alert["rule"], alert["count"], alert["within_s"], alert["vehicle"]),
                         ("harsh_braking", 4, 300, alerts_fixture.DEVICE_ID))
        self.assertEqual(alert["time"], events[-1]["time"])
        self.assertEqual(alert["first_event"], events[0]["time"])
        # Data time: the fourth brake starts 100 s after the log's first frame
        # (2025-12-06T05:46:40Z) and loses 12 km/h within its first half second.
        self.assertRegex(alert["time"], r"^2025-12-06T05:48:20\.[0-4]\d\dZ$")
        self.assertRegex(stderr, r"harsh_braking\s+4 events\s+1 alerts\s+0 within the cooldown")

    def test_three_harsh_brakings_raise_no_alert(self):
        log = write_log(self.dir, "three.log", [10, 40, 70])
        events, alerts, stderr = self.alerts_test(log)
        self.assertEqual(len(events), 3)
        self.assertEqual(alerts, [])
        self.assertRegex(stderr, r"harsh_braking\s+3 events\s+0 alerts")

    def test_two_bursts_fifteen_minutes_apart_raise_two_alerts(self):
        log = write_log(self.dir, "bursts.log", [10, 40, 70, 100, 910, 940, 970, 1000])
        events, alerts, stderr = self.alerts_test(log)
        self.assertEqual(len(events), 8)
        self.assertEqual([a["count"] for a in alerts], [4, 4])
        self.assertEqual([a["time"] for a in alerts], [events[3]["time"], events[7]["time"]])
        self.assertRegex(stderr, r"harsh_braking\s+8 events\s+2 alerts\s+0 within the cooldown")

    def test_a_rule_with_a_syntax_error_is_refused_with_file_line_and_column(self):
        rules = alerts_fixture.RULES.replace("delta(VM, 1s) < -12", "delta(VM, 1s) < and 3")
        config = write_config(self.dir, "bad.yaml", alerts_fixture.config(
            os.path.join(self.dir, "state"), "https://127.0.0.1:9", rules=rules))
        log = write_log(self.dir, "four.log", [10, 40, 70, 100])
        done = run_cli("alerts", "test", "--config", config, "--replay", log, "--json")
        self.assertEqual(done.returncode, 2, done)
        self.assertEqual(json_lines(done.stdout), [])
        with open(config) as f:
            line = [i for i, text in enumerate(f, 1) if "< and 3" in text][0]
        self.assertRegex(done.stderr, re.escape(config) + rf":{line}:\d+: alerts\.rules\[0\]\.when")


if __name__ == "__main__":
    unittest.main()
