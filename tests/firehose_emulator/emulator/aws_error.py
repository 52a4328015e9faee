"""An AWS JSON 1.1 error response, raised inside request handling and turned into
HTTP by the server.

The wire shape is what coral-based AWS JSON services (Firehose, Kinesis, DynamoDB) send
and what botocore's JSON parser reads: status 400 for client errors and 5xx for faults,
header ``x-amzn-ErrorType: <Code>:http://internal.amazon.com/coral/<namespace>/`` and body
``{"__type": "<type>", "message": "..."}``. Errors raised by the service framework itself
(authentication, serialization, unknown operation, internal failure, validation) carry a
namespaced type such as ``com.amazon.coral.service#UnrecognizedClientException``; errors of
the Firehose model carry the bare name (``ResourceNotFoundException``). A client must
therefore take the part after the last '#' of ``__type`` (and before the first ':' of the
header), as botocore does.
"""

import json

FRAMEWORK_NAMESPACES = {
    "MissingAuthenticationTokenException": "com.amazon.coral.service",
    "IncompleteSignatureException": "com.amazon.coral.service",
    "InvalidSignatureException": "com.amazon.coral.service",
    "UnrecognizedClientException": "com.amazon.coral.service",
    "ExpiredTokenException": "com.amazon.coral.service",
    "SerializationException": "com.amazon.coral.service",
    "UnknownOperationException": "com.amazon.coral.service",
    "InternalFailure": "com.amazon.coral.service",
    "ValidationException": "com.amazon.coral.validate",
}
SERVICE_NAMESPACE = "com.amazonaws.firehose.v20150804"


class AwsError(Exception):
    def __init__(self, status, code, message):
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    @property
    def type_name(self):
        namespace = FRAMEWORK_NAMESPACES.get(self.code)
        return f"{namespace}#{self.code}" if namespace else self.code

    @property
    def error_type_header(self):
        namespace = FRAMEWORK_NAMESPACES.get(self.code, SERVICE_NAMESPACE)
        return f"{self.code}:http://internal.amazon.com/coral/{namespace}/"

    def body(self):
        value = {"__type": self.type_name}
        if self.message is not None:  # UnknownOperationException comes without one
            value["message"] = self.message
        return json.dumps(value).encode()


# Constructors for the errors the emulator returns, named as the service names them.
def validation(errors):
    count = len(errors)
    noun = "error" if count == 1 else "errors"
    return AwsError(400, "ValidationException",
                    f"{count} validation {noun} detected: " + "; ".join(errors))


def serialization(message):
    return AwsError(400, "SerializationException", message)


def invalid_argument(message):
    return AwsError(400, "InvalidArgumentException", message)


def resource_not_found(message):
    return AwsError(400, "ResourceNotFoundException", message)


def resource_in_use(message):
    return AwsError(400, "ResourceInUseException", message)


def service_unavailable(message="Slow down."):
    return AwsError(503, "ServiceUnavailableException", message)


def internal_failure(message="We encountered an internal error. Please try again."):
    return AwsError(500, "InternalFailure", message)
