"""An AWS JSON 1.1 error response, raised inside request handling and turned into
HTTP by the server.

The wire shape is what AWS JSON services (Firehose, Kinesis, DynamoDB) send and what
botocore's JSON parser reads: status 400 for client errors and 5xx for faults, header
``x-amzn-ErrorType: <Code>`` and body ``{"__type": "<Code>", "message": "..."}``.
"""

import json


class AwsError(Exception):
    def __init__(self, status, code, message):
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def body(self):
        return json.dumps({"__type": self.code, "message": self.message}).encode()


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
