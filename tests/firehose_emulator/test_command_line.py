"""The command-line contract the C++ tests rely on (README.md): readiness lines on stdout,
clean exit on SIGTERM, clear failures at start."""

import os
import signal
import subprocess
import tempfile
import unittest

from emulator_fixture import EMULATOR, PYTHON, EmulatorProcess, test_pki


class CommandLineTest(unittest.TestCase):
    def run_emulator(self, *args):
        with tempfile.TemporaryDirectory() as out:
            return subprocess.run([PYTHON, EMULATOR, "--output-dir", out, *args],
                                  capture_output=True, text=True, timeout=60)

    def test_stdout_holds_only_the_readiness_lines_and_sigterm_exits_zero(self):
        pki = test_pki()
        with tempfile.TemporaryDirectory() as out:
            process = subprocess.Popen(
                [PYTHON, EMULATOR, "--listen", "127.0.0.1:0", "--credentials", "A:B",
                 "--output-dir", out, "--iot-listen", "[::1]:0", "--iot-cert",
                 f"{pki}/server.pem", "--iot-key", f"{pki}/server.key", "--iot-client-ca",
                 f"{pki}/client-ca.pem"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            first = process.stdout.readline()
            second = process.stdout.readline()
            self.assertRegex(first, r"^IOT_LISTENING \d+\n$")
            self.assertRegex(second, r"^LISTENING \d+\n$")
            process.send_signal(signal.SIGTERM)
            rest, err = process.communicate(timeout=30)
            self.assertEqual(process.returncode, 0, err)
            self.assertEqual(rest, "")
            self.assertIn("stopped", err)

    def test_bad_credentials_option_fails_with_a_message(self):
        result = self.run_emulator("--listen", "127.0.0.1:0", "--credentials", "no-colon")
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot start: --credentials wants AKID:SECRET[:TOKEN]", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_bad_sns_topic_option_fails_with_a_message(self):
        for bad, says in (("no spaces allowed", "--sns-topic wants a topic name"),
                          ("alerts:other-flag", "unknown flag 'other-flag'"),
                          ("alerts:content-based-deduplication", "for FIFO topics")):
            with self.subTest(topic=bad):
                result = self.run_emulator("--listen", "127.0.0.1:0", "--credentials", "A:B",
                                           "--sns-topic", bad)
                self.assertEqual(result.returncode, 1)
                self.assertIn("cannot start: ", result.stderr)
                self.assertIn(says, result.stderr)
                self.assertEqual(result.stdout, "")

    def test_port_in_use_fails_with_a_message(self):
        emulator = EmulatorProcess()
        self.addCleanup(emulator.cleanup)
        result = self.run_emulator("--listen", f"127.0.0.1:{emulator.port}",
                                   "--credentials", "A:B")
        self.assertEqual(result.returncode, 1)
        self.assertIn("Address already in use", result.stderr)

    def test_missing_required_options_is_a_usage_error(self):
        result = self.run_emulator("--listen", "127.0.0.1:0")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--credentials", result.stderr)
        result = self.run_emulator("--listen", "127.0.0.1:0", "--credentials", "A:B",
                                   "--tls-cert", os.devnull)
        self.assertEqual(result.returncode, 2)

    def test_unreadable_certificate_fails_with_a_message(self):
        result = self.run_emulator("--listen", "127.0.0.1:0", "--credentials", "A:B",
                                   "--tls-cert", os.devnull, "--tls-key", os.devnull)
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot start", result.stderr)


if __name__ == "__main__":
    unittest.main()
