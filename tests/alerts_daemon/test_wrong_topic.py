"""alerts.topic_arn naming a topic the emulator does not know: SNS refuses for good, the
alert stays in the outbox, and `canhose status` exits 1 (DEGRADED) naming the error in
words, in its text and in its JSON."""

import unittest

import alerts_fixture
from alerts_fixture import AlertsTestBed, run_cli, wait_until, write_log

WRONG_TOPIC = "arn:aws:sns:us-east-1:123456789012:no-such-topic.fifo"


class WrongTopicTest(unittest.TestCase):
    def setUp(self):
        self.bed = AlertsTestBed()
        self.addCleanup(self.bed.cleanup)

    def test_a_wrong_topic_degrades_status_in_words_and_keeps_the_alert(self):
        emulator = self.bed.start_emulator()
        log = write_log(self.bed.dir, "four.log", [10, 40, 70, 100])
        daemon = self.bed.start_daemon(alerts_fixture.config(
            self.bed.state_dir, emulator.endpoint, replay_log=log, topic_arn=WRONG_TOPIC))
        wait_until(lambda: daemon.metrics().get(
            'canhose_alerts_publish_errors_total{kind="not-found"}', 0) >= 2,
            lambda: "SNS to refuse the alert twice:\n" + daemon.log())

        code, status = self.bed.status(daemon)
        self.assertEqual(code, 1, status)
        self.assertFalse(status["healthy"])
        self.assertEqual(status["alerts"]["outbox_entries"], 1)
        self.assertEqual(status["alerts"]["published"], 0)
        self.assertIn(f"There is no topic {WRONG_TOPIC}", status["alerts"]["last_error"])
        self.assertIn("check alerts.topic_arn", status["alerts"]["last_error"])
        self.assertTrue(any("alerts are not reaching SNS (1 kept in the outbox)" in p
                            for p in status["problems"]), status["problems"])

        metrics = daemon.metrics_url.removeprefix("http://").removesuffix("/metrics")
        text = run_cli("status", "--config", daemon.config_path, "--metrics", metrics)
        self.assertEqual(text.returncode, 1, text)
        self.assertIn("Health: DEGRADED", text.stdout)
        self.assertIn(f"There is no topic {WRONG_TOPIC}", text.stdout)
        self.assertIn("1 waiting in the outbox", text.stdout)

        self.assertEqual(daemon.metrics()["canhose_alerts_outbox_entries"], 1)
        self.assertEqual(emulator.sns_messages(), [])
        self.assertEqual(daemon.stop(), 0)

        # The alert is still in the outbox for the next canhosed, with the right topic.
        fixed = self.bed.start_daemon(
            alerts_fixture.config(self.bed.state_dir, emulator.endpoint), "fixed")
        wait_until(lambda: emulator.sns_messages(), lambda: fixed.log())
        [message] = emulator.sns_messages()
        self.assertEqual(message["topic_arn"], alerts_fixture.TOPIC_ARN)
        self.assertIn("harsh_braking", message["subject"])


if __name__ == "__main__":
    unittest.main()
