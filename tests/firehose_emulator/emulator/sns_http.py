"""The SNS front of the emulator: Query-protocol requests (POST /, Content-Type
application/x-www-form-urlencoded, Action=...&Version=2010-03-31&...) on the Firehose port.

Order of work, as the Query services do it:
  parse the form body (strict UTF-8 percent-encoding)  MalformedQueryString 400
  faults: reset (TCP RST, no response), then the delay
  SigV4 (sigv4_verifier.py, service "sns", a 15-minute window as SNS allows), its errors
  in their Query names: MissingAuthenticationToken 403, IncompleteSignature 400,
  SignatureDoesNotMatch 403 (also "Signature expired"), InvalidClientTokenId 403,
  ExpiredToken 403
  Action / Version                                     MissingAction / InvalidAction 400
  Publish's parameters and the topic (sns_service.py)  InvalidParameter 400, NotFound 404
  injected throttle                                    Throttling 400 "Rate exceeded"
  injected 500                                         InternalError 500
  the publish                                          200 PublishResponse
"""

import time
import urllib.parse
from xml.sax.saxutils import escape

from . import query_error
from .aws_error import AwsError
from .query_error import QueryError, SNS_XML_NAMESPACE

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
API_VERSION = "2010-03-31"


def is_sns_request(handler):
    content_type = handler.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type == FORM_CONTENT_TYPE


def _publish_response(message_id, sequence_number, request_id):
    sequence = (f"    <SequenceNumber>{sequence_number}</SequenceNumber>\n"
                if sequence_number is not None else "")
    return (f'<PublishResponse xmlns="{SNS_XML_NAMESPACE}">\n'
            f"  <PublishResult>\n"
            f"    <MessageId>{escape(message_id)}</MessageId>\n"
            f"{sequence}"
            f"  </PublishResult>\n"
            f"  <ResponseMetadata>\n"
            f"    <RequestId>{request_id}</RequestId>\n"
            f"  </ResponseMetadata>\n"
            f"</PublishResponse>\n").encode()


def _send(handler, status, body, request_id):
    handler.send_response(status)
    handler.send_header("x-amzn-RequestId", request_id)
    handler.send_header("Content-Type", "text/xml")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def handle(handler, body):
    """Answers one SNS request on `handler` (a FirehoseHttpHandler)."""
    app = handler.server.app
    app.stats.count("sns_requests")
    request_id = query_error.new_request_id()
    try:
        try:
            pairs = urllib.parse.parse_qsl(body.decode("ascii"), keep_blank_values=True,
                                           strict_parsing=bool(body), encoding="utf-8",
                                           errors="strict")
        except (UnicodeDecodeError, ValueError) as error:
            raise QueryError(400, "MalformedQueryString", f"Malformed form body: {error}")
        params = dict(pairs)
        reset, throttle, error500 = app.faults.draw_sns_request_faults()
        if reset:
            app.stats.count("sns_resets")
            handler._reset_connection(count=False)
            return
        delay = app.faults.delay_seconds()
        if delay > 0:
            app.stats.count("delayed")
            time.sleep(delay)
        scheme = "https" if handler.server.tls_context is not None else "http"
        url = f"{scheme}://{handler.headers.get('Host', 'localhost')}{handler.path}"
        try:
            key = app.sns_verifier.verify("POST", url, list(handler.headers.items()), body,
                                          app.clock())
        except AwsError as error:
            raise query_error.from_auth_error(error)
        action = params.get("Action")
        if not action:
            raise QueryError(400, "MissingAction", "Request is missing Action parameter")
        app.stats.sns_operation(action)
        if action != "Publish" or params.get("Version") != API_VERSION:
            known = action in app.sns_operation_names
            raise QueryError(400, "InvalidAction",
                             f"The emulator does not implement {action}" if known and
                             params.get("Version") == API_VERSION else
                             f"Could not find operation {action} for version "
                             f"{params.get('Version')}")
        message_id, sequence = app.sns.publish(params, key.access_key_id,
                                               faults=(throttle, error500))
        _send(handler, 200, _publish_response(message_id, sequence, request_id), request_id)
    except QueryError as error:
        app.stats.sns_error(error.code)
        _send(handler, error.status, error.body(request_id), request_id)
