"""canhosed replaying a drive with four harsh brakings, the emulator up: the alert reaches
the SNS FIFO topic exactly once, and the events and the alert reach the alerts stream
(fleet-alerts) as JSON lines in the emulator's S3 output."""

import unittest

import alerts_fixture
from alerts_fixture import AlertsTestBed, DEVICE_ID, TOPIC_ARN, wait_until, write_log


class AlertToSnsTest(unittest.TestCase):
    def setUp(self):
        self.bed = AlertsTestBed()
        self.addCleanup(self.bed.cleanup)

    def test_four_harsh_brakings_send_one_sns_message_and_five_stream_lines(self):
        emulator = self.bed.start_emulator()
        log = write_log(self.bed.dir, "four.log", [10, 40, 70, 100])
        daemon = self.bed.start_daemon(
            alerts_fixture.config(self.bed.state_dir, emulator.endpoint, replay_log=log))
        wait_until(lambda: "replay: finished" in daemon.log(), lambda: daemon.log())
        wait_until(lambda: emulator.sns_messages(), lambda: daemon.log())
        lines = []

        def stream_complete():
            lines[:] = self.bed.alerts_stream_lines()
            return len(lines) >= 5

        wait_until(stream_complete, lambda: f"5 lines in fleet-alerts, got {lines}")
        # Everything is out of the outbox: nothing more is sent.
        wait_until(lambda: daemon.metrics().get("canhose_alerts_outbox_entries") == 0,
                   "the outbox to be empty")
        [message] = emulator.sns_messages()
        self.assertEqual(message["topic_arn"], TOPIC_ARN)
        self.assertIn("harsh_braking", message["subject"])
        self.assertIn(DEVICE_ID, message["subject"])
        self.assertIn("harsh_braking", message["message"])
        self.assertEqual(message["message_group_id"], DEVICE_ID)
        self.assertTrue(message["message_deduplication_id"])

        events = [r for r in lines if r["type"] == "event"]
        alerts = [r for r in lines if r["type"] == "alert"]
        self.assertEqual(len(lines), 5, lines)
        self.assertEqual([e["events_in_window"] for e in events], [1, 2, 3, 4])
        [alert] = alerts
        self.assertEqual((alert["rule"], alert["vehicle"], alert["count"]),
                         ("harsh_braking", DEVICE_ID, 4))
        self.assertEqual(alert["time"], events[-1]["time"])
        self.assertIn(alert["time"], message["message"])
        metrics = daemon.metrics()
        self.assertEqual(metrics['canhose_alerts_raised_total{rule="harsh_braking"}'], 1)
        self.assertEqual(metrics['canhose_alerts_events_total{rule="harsh_braking"}'], 4)
        self.assertEqual(metrics["canhose_alerts_published_total"], 1)
        self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    unittest.main()
