"""HTTP front of the emulated Firehose endpoint (AWS JSON 1.1 over POST /) and the
unsigned control endpoint under /_emulator/ on the same port. A POST whose Content-Type is
application/x-www-form-urlencoded is an SNS Query request: sns_http.py answers it.

Order of work for a Firehose request, as the coral-based JSON services do it:
  read the whole request (Content-Length or chunked)
  a method other than POST, or a body whose Content-Type is not
  application/x-amz-json-1.1 (1.0 and application/json are let through)
                                                  404 "<UnknownOperationException/>" (XML)
  body not JSON                                   SerializationException 400
  X-Amz-Target not "Firehose_20150804.<Op>"       UnknownOperationException 400, no message
  faults for PutRecord/PutRecordBatch: reset (close the socket with TCP RST, no
  response), then the delay (every operation), then throttle / 500 below
  SigV4 signature and credentials (sigv4_verifier.py)    400 errors
  shapes and constraints (model_validator.py)     SerializationException /
                                                  ValidationException 400
  injected throttle                               ServiceUnavailableException 503
  injected 500                                    InternalFailure 500
  the operation (firehose_service.py)             its own errors
"""

import email.utils
import json
import socket
import struct
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler

from . import aws_error, sns_http
from .aws_error import AwsError
from .http_servers import finish_tls_handshake

TARGET_PREFIX = "Firehose_20150804."
PUT_OPERATIONS = ("PutRecord", "PutRecordBatch")
ACCEPTED_CONTENT_TYPES = ("application/x-amz-json-1.1", "application/x-amz-json-1.0",
                          "application/json")
MAX_BODY_BYTES = 16 * 1024 * 1024  # read cap; the 4 MiB rule is the service's, checked later


class FirehoseHttpHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FirehoseEmulator/1"
    sys_version = ""

    def setup(self):
        self.timeout = self.server.app.idle_timeout_seconds
        finish_tls_handshake(self)
        super().setup()

    # The Date header comes from the server clock, which --date-skew-seconds moves.
    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(self.server.app.clock(), usegmt=True)

    def log_message(self, format, *args):
        if self.server.app.verbose:
            sys.stderr.write(f"{self.server.name}: {self.address_string()} {format % args}\n")

    # --- request plumbing ------------------------------------------------------
    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks, total = [], 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY_BYTES:
                    raise ValueError("request body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length", "0"))
        if length < 0 or length > MAX_BODY_BYTES:
            raise ValueError("request body too large")
        return self.rfile.read(length) if length else b""

    def _send(self, status, body, content_type="application/x-amz-json-1.1", extra=()):
        self.send_response(status)
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_error(self, error):
        self.server.app.stats.error(error.code)
        self._send(error.status, error.body(), extra=[("x-amzn-ErrorType", error.error_type_header)])

    def _send_json(self, status, value):
        self._send(status, json.dumps(value).encode(), content_type="application/json")

    def _reset_connection(self, count=True):
        """Closes the TCP connection with RST and no response, as a dropped link looks.
        count: add it to the Firehose "resets" (SNS counts its own)."""
        if count:
            self.server.app.stats.count("resets")
        self.close_connection = True
        raw = self.connection
        try:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            raw.close()
        except OSError:
            pass

    # --- methods -----------------------------------------------------------------
    def do_POST(self):
        try:
            body = self._read_body()
        except (ValueError, OSError) as error:
            self.close_connection = True
            self._send_error(aws_error.serialization(f"Cannot read request body: {error}"))
            return
        if self.path.startswith("/_emulator/"):
            self._control("POST", body)
        elif sns_http.is_sns_request(self):
            sns_http.handle(self, body)
        else:
            self._firehose(body)

    def do_GET(self):
        if self.path.startswith("/_emulator/"):
            self._control("GET", b"")
        else:
            self._other_method()

    def _other_method(self):
        self.close_connection = True  # a request body, if any, is left unread
        self._send_unknown_operation_404()

    do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _other_method

    # --- Firehose ----------------------------------------------------------------
    def _firehose(self, body):
        app = self.server.app
        app.stats.count("requests")
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if body and content_type not in ACCEPTED_CONTENT_TYPES:
            self._send_unknown_operation_404()
            return
        target = self.headers.get("X-Amz-Target", "").strip()
        operation = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else None
        try:
            try:
                decoded = json.loads(body) if body else None
            except (ValueError, UnicodeDecodeError):
                raise aws_error.serialization("Request body is not valid JSON.")
            if not operation or operation not in app.service_model.operation_names:
                raise AwsError(400, "UnknownOperationException", None)
            app.stats.operation(operation)
            reset, throttle, error500 = (False, False, False)
            if operation in PUT_OPERATIONS:
                reset, throttle, error500 = app.faults.draw_request_faults()
            if reset:
                self._reset_connection()
                return
            delay = app.faults.delay_seconds()
            if delay > 0:
                app.stats.count("delayed")
                time.sleep(delay)
            scheme = "https" if self.server.tls_context is not None else "http"
            url = f"{scheme}://{self.headers.get('Host', 'localhost')}{self.path}"
            app.verifier.verify("POST", url, list(self.headers.items()), body, app.clock())
            if decoded is None:
                raise aws_error.serialization("Request body is empty.")
            params = app.validator.validate_input(operation, decoded)
            if throttle:
                raise aws_error.service_unavailable()
            if error500:
                raise aws_error.internal_failure()
            result = app.service.call(operation, params, len(body))
            self._send(200, json.dumps(result).encode())
        except AwsError as error:
            self._send_error(error)

    def _send_unknown_operation_404(self):
        """What the service answers to another method or a body of another content type."""
        self.server.app.stats.error("UnknownOperationException")
        self._send(404, b"<UnknownOperationException/>\n", content_type="text/xml")

    # --- control endpoint (unsigned) -----------------------------------------------
    def _control(self, method, body):
        app = self.server.app
        app.stats.count("control_requests")
        route = (method, self.path.split("?")[0])
        try:
            if route == ("GET", "/_emulator/stats"):
                stats = app.stats.snapshot()
                stats["buffered_bytes"] = app.writer.buffered_bytes()
                stats["objects_written"] = len(app.writer.objects())
                self._send_json(200, stats)
            elif route == ("GET", "/_emulator/faults"):
                self._send_json(200, app.faults.settings())
            elif route == ("POST", "/_emulator/faults"):
                changes = json.loads(body or b"{}")
                if not isinstance(changes, dict):
                    raise ValueError("faults want a JSON object")
                app.faults.update(changes)
                self._send_json(200, app.faults.settings())
            elif route == ("POST", "/_emulator/flush"):
                written = app.service.flush_all()
                self._send_json(200, {"objects": written})
            elif route == ("GET", "/_emulator/objects"):
                self._send_json(200, {"objects": app.writer.objects()})
            elif route == ("GET", "/_emulator/sns/messages"):
                self._send_json(200, {"messages": app.sns.messages()})
            elif route == ("GET", "/_emulator/sns/topics"):
                self._send_json(200, {"topics": app.sns.topics()})
            else:
                self._send_json(404, {"error": f"no control route {method} {self.path}"})
        except ValueError as error:
            self._send_json(400, {"error": str(error)})
