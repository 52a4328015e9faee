"""Starts the emulator as a real process for the Python tests and gives them botocore
clients, raw signed requests and the control endpoint. Imports fail loudly when a Debian
package is missing: the tests must fail, not skip."""

import atexit
import json
import os
import shutil
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR = os.path.join(HERE, "firehose_emulator.py")
PYTHON = "/usr/bin/python3"
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
STREAM = "edge-gw"

_pki_dir = None

# The tests talk only to the emulator on 127.0.0.1: no proxy, no profile, no config or
# credentials file of the machine, no instance metadata.
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY",
              "all_proxy", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID",
              "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ.update({"NO_PROXY": "127.0.0.1,localhost,::1", "no_proxy": "127.0.0.1,localhost,::1",
                   "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                   "AWS_EC2_METADATA_DISABLED": "true"})


def test_pki():
    """One PKI per test process, made by make_test_pki.sh."""
    global _pki_dir
    if _pki_dir is None:
        _pki_dir = tempfile.mkdtemp(prefix="emulator-pki-")
        atexit.register(shutil.rmtree, _pki_dir, True)
        subprocess.run(["bash", os.path.join(HERE, "make_test_pki.sh"), _pki_dir], check=True)
    return _pki_dir


class EmulatorProcess:
    def __init__(self, extra_args=(), tls=False, iot=False, streams=(STREAM,),
                 credentials=(f"{AKID}:{SECRET}",), listen="127.0.0.1:0", sns_topics=()):
        self.dir = tempfile.mkdtemp(prefix="emulator-test-")
        self.output_dir = os.path.join(self.dir, "s3")
        self.tls = tls
        args = [PYTHON, EMULATOR, "--listen", listen, "--region", REGION,
                "--output-dir", self.output_dir, "--verbose"]
        for c in credentials:
            args += ["--credentials", c]
        for s in streams:
            args += ["--stream", s]
        for t in sns_topics:
            args += ["--sns-topic", t]
        pki = test_pki() if (tls or iot) else None
        if tls:
            args += ["--tls-cert", f"{pki}/server.pem", "--tls-key", f"{pki}/server.key"]
        if iot:
            args += ["--iot-listen", "127.0.0.1:0", "--iot-cert", f"{pki}/server.pem",
                     "--iot-key", f"{pki}/server.key", "--iot-client-ca", f"{pki}/client-ca.pem"]
        args += list(extra_args)
        self.stderr_path = os.path.join(self.dir, "stderr.txt")
        self._stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._stderr)
        self.iot_port = None
        deadline = time.monotonic() + 20
        while True:
            line = self.process.stdout.readline().decode()
            if not line:
                raise RuntimeError("emulator exited before LISTENING: " + self.stderr())
            if line.startswith("IOT_LISTENING "):
                self.iot_port = int(line.split()[1])
            if line.startswith("LISTENING "):
                self.port = int(line.split()[1])
                break
            if time.monotonic() > deadline:
                raise RuntimeError("emulator did not print LISTENING")
        self.endpoint = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def stop(self):
        """SIGTERM and wait; returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self._stderr.close()
        return self.process.returncode

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- clients -----------------------------------------------------------------
    def client(self, key=AKID, secret=SECRET, token=None, region=REGION, validate=True,
               retries=0):
        session = botocore.session.get_session()
        session.set_credentials(key, secret, token)
        return session.create_client(
            "firehose", region_name=region, endpoint_url=self.endpoint,
            verify=f"{test_pki()}/ca.pem" if self.tls else False,
            config=Config(retries={"total_max_attempts": retries + 1, "mode": "standard"},
                          parameter_validation=validate, connect_timeout=10,
                          read_timeout=30))

    def sns_client(self, key=AKID, secret=SECRET, token=None, region=REGION, retries=0):
        """A botocore SNS client (Query protocol) for the emulator."""
        session = botocore.session.get_session()
        session.set_credentials(key, secret, token)
        return session.create_client(
            "sns", region_name=region, endpoint_url=self.endpoint,
            verify=f"{test_pki()}/ca.pem" if self.tls else False,
            config=Config(retries={"total_max_attempts": retries + 1, "mode": "standard"},
                          connect_timeout=10, read_timeout=30))

    def signed_form_request(self, params, key=AKID, secret=SECRET, token=None, region=REGION,
                            service="sns", headers=None, sign=True, timestamp_offset=0):
        """Sends one form-encoded Query POST (SNS) signed with botocore's SigV4Auth;
        returns (status, headers, body). params: dict or bytes."""
        data = params if isinstance(params, bytes) else \
            urllib.parse.urlencode(params).encode()
        all_headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        all_headers.update(headers or {})
        request = AWSRequest(method="POST", url=self.endpoint + "/", data=data,
                             headers=all_headers)
        if sign:
            signer = SigV4Auth(Credentials(key, secret, token), service, region)
            if timestamp_offset:
                _sign_at(signer, request, time.time() + timestamp_offset)
            else:
                signer.add_auth(request)
        return self._send(request.method, "/", request.headers.items(), data)

    def signed_request(self, operation, body, key=AKID, secret=SECRET, token=None,
                       region=REGION, service="firehose", headers=None, sign=True,
                       timestamp_offset=0):
        """Sends one POST signed with botocore's SigV4Auth; returns (status, headers, body).
        body: dict (JSON-encoded) or bytes."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        all_headers = {"Content-Type": "application/x-amz-json-1.1",
                       "X-Amz-Target": f"Firehose_20150804.{operation}"}
        all_headers.update(headers or {})
        request = AWSRequest(method="POST", url=self.endpoint + "/", data=data,
                             headers=all_headers)
        if sign:
            signer = SigV4Auth(Credentials(key, secret, token), service, region)
            if timestamp_offset:
                _sign_at(signer, request, time.time() + timestamp_offset)
            else:
                signer.add_auth(request)
        return self._send(request.method, "/", request.headers.items(), data)

    def _send(self, method, path, headers, data):
        request = urllib.request.Request(self.endpoint + path, data=data, method=method)
        for name, value in headers:
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30, context=self._ssl()) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def _ssl(self):
        if not self.tls:
            return None
        return ssl.create_default_context(cafile=f"{test_pki()}/ca.pem")

    # --- control endpoint ----------------------------------------------------------
    def control(self, method, path, value=None):
        data = json.dumps(value).encode() if value is not None else None
        status, _, body = self._send(method, "/_emulator/" + path,
                                     [("Content-Type", "application/json")], data)
        return status, json.loads(body)

    def stats(self):
        return self.control("GET", "stats")[1]

    def set_faults(self, **settings):
        status, answer = self.control("POST", "faults", settings)
        assert status == 200, answer
        return answer

    def flush(self):
        return self.control("POST", "flush", {})[1]["objects"]

    def sns_messages(self):
        return self.control("GET", "sns/messages")[1]["messages"]


def query_error(body):
    """(Type, Code, Message) of a Query-protocol ErrorResponse body, read with the
    standard library's XML parser (independent of the emulator's writer)."""
    import xml.etree.ElementTree as ElementTree
    namespace = "{http://sns.amazonaws.com/doc/2010-03-31/}"
    error = ElementTree.fromstring(body).find(namespace + "Error")
    return tuple(error.findtext(namespace + name) for name in ("Type", "Code", "Message"))


def error_code(body):
    """The error code of an AWS JSON error body, as botocore reads it: '__type' after the
    last '#' ('com.amazon.coral.service#UnrecognizedClientException' -> the name)."""
    return json.loads(body).get("__type", "").rsplit("#", 1)[-1]


def _sign_at(signer, request, when):
    """SigV4Auth.add_auth with a chosen signing time (botocore reads the clock itself)."""
    import datetime
    from unittest import mock

    class FrozenDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return datetime.datetime.utcfromtimestamp(when)

    with mock.patch("botocore.auth.datetime.datetime", FrozenDatetime):
        signer.add_auth(request)


class EmulatorTestCase(unittest.TestCase):
    """One emulator per test class; subclasses set EMULATOR_OPTIONS."""
    EMULATOR_OPTIONS = {}

    @classmethod
    def setUpClass(cls):
        cls.emulator = EmulatorProcess(**cls.EMULATOR_OPTIONS)

    @classmethod
    def tearDownClass(cls):
        cls.emulator.cleanup()

    def setUp(self):
        # Every test starts without faults.
        self.emulator.set_faults(throttle_fraction=0, error500_fraction=0,
                                 record_failure_fraction=0, reset_fraction=0, delay_ms=0,
                                 date_skew_seconds=0, throttle_next=0, error500_next=0,
                                 record_failure_next=0, reset_next=0, iot_throttle_next=0,
                                 iot_error500_next=0, sns_reset_fraction=0,
                                 sns_throttle_fraction=0, sns_error500_fraction=0,
                                 sns_reset_next=0, sns_throttle_next=0, sns_error500_next=0)
        # ... and with nothing left buffered by an earlier test.
        self.emulator.flush()

    def new_client(self, **kwargs):
        """A botocore client closed at the end of the test."""
        client = self.emulator.client(**kwargs)
        self.addCleanup(client.close)
        return client

    def assertAwsError(self, response, status, code, message_part=""):
        got_status, headers, body = response
        decoded = json.loads(body)
        self.assertEqual((got_status, error_code(body)), (status, code), decoded)
        self.assertEqual(headers.get("x-amzn-ErrorType").split(":")[0], code)
        self.assertIn(message_part, decoded.get("message", ""))
