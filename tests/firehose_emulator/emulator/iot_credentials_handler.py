"""The AWS IoT Core credentials provider: GET /role-aliases/<alias>/credentials over
mutual TLS (the server context requires a client certificate from --iot-client-ca).

Success (200, application/json), as the service answers:
  {"credentials": {"accessKeyId": "ASIA...", "secretAccessKey": "...",
                   "sessionToken": "...", "expiration": "2026-11-25T19:09:09Z"}}
The keys are added to the Firehose side's credential store and are accepted there, with
their session token, until the expiration (--iot-credential-lifetime seconds from issue,
on the server clock); after it, Firehose answers ExpiredTokenException.

Errors carry {"message": ..., "traceId": ...} like the service:
  404 "Not Found"      a path other than /role-aliases/<alias>/credentials
  403 "Access Denied"  a role alias not in --iot-role-alias (when any is given), or an
                       x-amzn-iot-thingname that is not the client certificate's subject
                       CN (the emulator's stand-in for "thing attached to certificate")
  405                  a method other than GET
  429 "Rate exceeded", 500 "Internal Server Error"   injected by the control endpoint's
                       iot_throttle_next / iot_error500_next counters
"""

import json
import re
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler

from .http_servers import finish_tls_handshake

_PATH = re.compile(r"^/role-aliases/([\w=,@-]{1,128})/credentials$")


class IotCredentialsHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FirehoseEmulator-IoT/1"
    sys_version = ""

    def setup(self):
        self.timeout = self.server.app.idle_timeout_seconds
        finish_tls_handshake(self)
        super().setup()

    def log_message(self, format, *args):
        if self.server.app.verbose:
            sys.stderr.write(f"iot: {self.address_string()} {format % args}\n")

    def _reply(self, status, value):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(body)

    def _fail(self, status, message):
        self.server.app.stats.error(f"iot:{status}")
        self._reply(status, {"message": message, "traceId": str(uuid.uuid4())})

    def _client_common_name(self):
        certificate = self.connection.getpeercert() or {}
        for rdn in certificate.get("subject", ()):
            for name, value in rdn:
                if name == "commonName":
                    return value
        return None

    def do_GET(self):
        app = self.server.app
        app.stats.count("iot_requests")
        match = _PATH.match(self.path.split("?")[0])
        if match is None:
            self._fail(404, "Not Found")
            return
        fault = app.faults.take_iot_fault()
        if fault == "throttle":
            self._fail(429, "Rate exceeded")
            return
        if fault == "error500":
            self._fail(500, "Internal Server Error")
            return
        alias = match.group(1)
        if app.iot_role_aliases and alias not in app.iot_role_aliases:
            self._fail(403, "Access Denied")
            return
        thing = self.headers.get("x-amzn-iot-thingname")
        if thing is not None and thing != self._client_common_name():
            self._fail(403, "Access Denied")
            return
        key = app.credentials.issue_temporary(app.clock(), app.iot_credential_lifetime)
        app.stats.count("iot_credentials_issued")
        self._reply(200, {"credentials": {
            "accessKeyId": key.access_key_id,
            "secretAccessKey": key.secret_access_key,
            "sessionToken": key.session_token,
            "expiration": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(key.expires_at)),
        }})

    def _not_allowed(self):
        self.close_connection = True  # any request body is left unread
        self._fail(405, "Method Not Allowed")

    do_POST = do_PUT = do_DELETE = _not_allowed
