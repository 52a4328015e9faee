"""An AWS Query-protocol error response (SNS), raised inside request handling and turned
into HTTP by the handler.

The wire shape is what SNS sends and botocore's query parser reads:

    <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
      <Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message>
      </Error><RequestId>...</RequestId></ErrorResponse>

Type is "Sender" for client errors and "Receiver" for service faults. The status of each
code comes from SNS's service model (botocore data sns/2010-03-31) or, for the
authentication errors every Query service shares, from the AWS common errors list.
"""

import uuid
from xml.sax.saxutils import escape

SNS_XML_NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/"

# The authentication errors of the JSON services (sigv4_verifier.py raises those) as the
# Query services name them, with their status.
QUERY_AUTH_ERRORS = {
    "MissingAuthenticationTokenException": (403, "MissingAuthenticationToken"),
    "IncompleteSignatureException": (400, "IncompleteSignature"),
    "InvalidSignatureException": (403, "SignatureDoesNotMatch"),
    "UnrecognizedClientException": (403, "InvalidClientTokenId"),
    "ExpiredTokenException": (403, "ExpiredToken"),
}


class QueryError(Exception):
    def __init__(self, status, code, message):
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    @property
    def fault_type(self):
        return "Receiver" if self.status >= 500 else "Sender"

    def body(self, request_id):
        return (f'<ErrorResponse xmlns="{SNS_XML_NAMESPACE}">\n'
                f"  <Error>\n"
                f"    <Type>{self.fault_type}</Type>\n"
                f"    <Code>{escape(self.code)}</Code>\n"
                f"    <Message>{escape(self.message)}</Message>\n"
                f"  </Error>\n"
                f"  <RequestId>{request_id}</RequestId>\n"
                f"</ErrorResponse>\n").encode()


def from_auth_error(error):
    """The Query form of an AwsError raised by the SigV4 verifier."""
    status, code = QUERY_AUTH_ERRORS.get(error.code, (error.status, error.code))
    return QueryError(status, code, error.message)


# Constructors for the errors the emulator returns, named as SNS names them.
def invalid_parameter(what):
    return QueryError(400, "InvalidParameter", f"Invalid parameter: {what}")


def not_found(message="Topic does not exist"):
    return QueryError(404, "NotFound", message)


def throttling():
    return QueryError(400, "Throttling", "Rate exceeded")


def internal_error():
    return QueryError(500, "InternalError", "Internal Error")


def new_request_id():
    return str(uuid.uuid4())
