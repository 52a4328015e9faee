"""The alerts outbox: an alert raised while SNS cannot be reached waits in
<state_dir>/alerts/outbox (shown by `canhose status --json`) and is sent once the emulator
comes up on the configured port, saying when it was raised; an alert in the outbox
survives a SIGKILL of canhosed and is sent once by the next canhosed."""

import unittest

import alerts_fixture
from alerts_fixture import AlertsTestBed, free_port, wait_until, write_log

RAISED_AT = "2025-12-06T05:48:20.420Z"  # data time of the fourth brake of four.log


class OutboxTest(unittest.TestCase):
    def setUp(self):
        self.bed = AlertsTestBed()
        self.addCleanup(self.bed.cleanup)
        self.port = free_port()  # the emulator starts there later
        self.endpoint = f"https://127.0.0.1:{self.port}"
        self.log = write_log(self.bed.dir, "four.log", [10, 40, 70, 100])

    def start_offline_daemon_and_raise_the_alert(self, name="canhosed"):
        daemon = self.bed.start_daemon(
            alerts_fixture.config(self.bed.state_dir, self.endpoint, replay_log=self.log), name)
        wait_until(lambda: daemon.metrics().get("canhose_alerts_outbox_entries") == 1,
                   lambda: "the alert in the outbox:\n" + daemon.log())
        self.assertEqual(
            daemon.metrics()['canhose_alerts_raised_total{rule="harsh_braking"}'], 1)
        return daemon

    def assertSentOnceLate(self, emulator, daemon):
        wait_until(lambda: emulator.sns_messages(), lambda: daemon.log())
        wait_until(lambda: daemon.metrics().get("canhose_alerts_outbox_entries") == 0,
                   "the outbox to be empty")
        [message] = emulator.sns_messages()
        self.assertIn("harsh_braking", message["subject"])
        # Marked with its original (data) time. The outage here lasts seconds, under the
        # minute after which the message adds a "delayed by" line (tests/unit/alerting).
        self.assertIn(f"Raised at:   {RAISED_AT}", message["message"])

    def test_an_alert_raised_offline_waits_in_the_outbox_and_is_sent_once_sns_is_up(self):
        daemon = self.start_offline_daemon_and_raise_the_alert()
        wait_until(lambda: self.bed.status(daemon)[1]["alerts"].get("last_error"),
                   "an SNS error in canhose status")
        code, status = self.bed.status(daemon)
        self.assertEqual(code, 1, status)  # degraded: alerts wait
        self.assertEqual(status["alerts"]["outbox_entries"], 1)
        self.assertEqual(status["alerts"]["published"], 0)
        self.assertIn("cannot be reached", status["alerts"]["last_error"])

        emulator = self.bed.start_emulator(self.port)
        self.assertSentOnceLate(emulator, daemon)
        code, status = self.bed.status(daemon)
        self.assertEqual(status["alerts"]["published"], 1)
        self.assertEqual(status["alerts"]["outbox_entries"], 0)
        self.assertEqual(daemon.stop(), 0)
        self.assertEqual(len(emulator.sns_messages()), 1)

    def test_an_alert_in_the_outbox_survives_sigkill_and_is_sent_once_after_restart(self):
        first = self.start_offline_daemon_and_raise_the_alert("first")
        first.kill()

        emulator = self.bed.start_emulator(self.port)
        second = self.bed.start_daemon(
            alerts_fixture.config(self.bed.state_dir, self.endpoint), "second")
        # The publisher starts after the ingest listener start_daemon waits for.
        wait_until(lambda: "(1 waiting)" in second.log(),
                   lambda: "the kept alert announced:\n" + second.log())
        self.assertSentOnceLate(emulator, second)
        # The restarted canhosed has no replay: it raised nothing itself.
        self.assertEqual(
            second.metrics()['canhose_alerts_raised_total{rule="harsh_braking"}'], 0)
        self.assertEqual(second.stop(), 0)
        self.assertEqual(len(emulator.sns_messages()), 1)


if __name__ == "__main__":
    unittest.main()
