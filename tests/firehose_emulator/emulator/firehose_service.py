"""The Firehose operations: delivery streams, PutRecord/PutRecordBatch and the control
plane calls canhose uses. Inputs arrive validated against the service model (blobs
decoded); outputs are the model's output shapes as JSON-ready dicts.

Streams are DirectPut with an S3 destination and become ACTIVE at once (the real
service spends a while in CREATING; the emulator does not model that)."""

import itertools
import re
import threading
from dataclasses import dataclass

from . import aws_error

ACCOUNT_ID = "123456789012"
DEFAULT_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/firehose-emulator"
MAX_REQUEST_BYTES = 4 * 1024 * 1024


@dataclass
class DeliveryStream:
    name: str
    arn: str
    bucket_arn: str
    role_arn: str
    prefix: str
    buffer_size_bytes: int
    buffer_interval_seconds: float
    created_at: float
    version_id: str = "1"

    @property
    def bucket_name(self):
        return self.bucket_arn.split(":::", 1)[1]


class FirehoseService:
    def __init__(self, region, writer, faults, stats, clock, buffer_size_bytes,
                 buffer_interval_seconds):
        self._region = region
        self._writer = writer
        self._faults = faults
        self._stats = stats
        self._clock = clock
        self._default_size = buffer_size_bytes
        self._default_interval = buffer_interval_seconds
        self._lock = threading.Lock()
        self._streams = {}
        self._record_ids = itertools.count(1)

    # --- streams -----------------------------------------------------------------
    def add_stream(self, name, bucket_arn=None, role_arn=DEFAULT_ROLE_ARN, prefix="",
                   buffer_size_bytes=None, buffer_interval_seconds=None):
        if re.fullmatch(r"[a-zA-Z0-9_.-]{1,64}", name) is None:
            raise ValueError(f"invalid delivery stream name {name!r}")
        stream = DeliveryStream(
            name=name,
            arn=f"arn:aws:firehose:{self._region}:{ACCOUNT_ID}:deliverystream/{name}",
            bucket_arn=bucket_arn or f"arn:aws:s3:::{name}",
            role_arn=role_arn, prefix=prefix,
            buffer_size_bytes=buffer_size_bytes or self._default_size,
            buffer_interval_seconds=buffer_interval_seconds or self._default_interval,
            created_at=self._clock())
        with self._lock:
            if name in self._streams:
                raise aws_error.resource_in_use(
                    f"Firehose {name} under accountId {ACCOUNT_ID} already exists.")
            self._streams[name] = stream
        return stream

    def streams(self):
        with self._lock:
            return list(self._streams.values())

    def _stream(self, name):
        with self._lock:
            stream = self._streams.get(name)
        if stream is None:
            raise aws_error.resource_not_found(
                f"Firehose {name} under account {ACCOUNT_ID} not found.")
        return stream

    def flush_all(self):
        return self._writer.flush_all(self.streams())

    def flush_due(self):
        return self._writer.flush_due(self.streams())

    # --- operations --------------------------------------------------------------
    def call(self, operation, params, body_size):
        handler = getattr(self, "_" + re.sub(r"(?<!^)([A-Z])", r"_\1", operation).lower(),
                          None)
        if handler is None:
            raise aws_error.AwsError(400, "UnknownOperationException",
                                     f"The emulator does not implement {operation}.")
        return handler(params, body_size)

    def _put_record_batch(self, params, body_size):
        stream = self._stream(params["DeliveryStreamName"])
        if body_size > MAX_REQUEST_BYTES:
            raise aws_error.invalid_argument("Records size exceeds 4 MB limit")
        records = [record["Data"] for record in params["Records"]]
        outcomes = self._faults.draw_record_failures(len(records))
        responses, accepted = [], []
        for data, code in zip(records, outcomes):
            if code is None:
                responses.append({"RecordId": self._next_record_id()})
                accepted.append(data)
            else:
                responses.append({"ErrorCode": code, "ErrorMessage": _record_error_message(code)})
        self._accept(stream, accepted, len(records) - len(accepted))
        return {"FailedPutCount": len(records) - len(accepted), "Encrypted": False,
                "RequestResponses": responses}

    def _put_record(self, params, body_size):
        stream = self._stream(params["DeliveryStreamName"])
        if body_size > MAX_REQUEST_BYTES:
            raise aws_error.invalid_argument("Record size exceeds 4 MB limit")
        code = self._faults.draw_record_failures(1)[0]
        if code is not None:
            # A single record that fails fails the call.
            self._stats.count("records_failed")
            if code == "InternalFailure":
                raise aws_error.internal_failure()
            raise aws_error.service_unavailable()
        self._accept(stream, [params["Record"]["Data"]], 0)
        return {"RecordId": self._next_record_id(), "Encrypted": False}

    def _accept(self, stream, accepted, failed):
        self._writer.append(stream, accepted)
        self._stats.count("records_accepted", len(accepted))
        self._stats.count("records_failed", failed)
        self._stats.count("bytes_accepted", sum(len(d) for d in accepted))
        self._stats.stream_records(stream.name, len(accepted), sum(len(d) for d in accepted))

    def _next_record_id(self):
        # Firehose record ids are long opaque strings; these are unique per emulator run.
        return f"{next(self._record_ids):056d}"

    def _create_delivery_stream(self, params, body_size):
        stream_type = params.get("DeliveryStreamType", "DirectPut")
        if stream_type != "DirectPut":
            raise aws_error.invalid_argument(
                f"The emulator supports only DirectPut streams, not {stream_type}.")
        destination = params.get("ExtendedS3DestinationConfiguration") or \
            params.get("S3DestinationConfiguration")
        others = [k for k in params if k.endswith("DestinationConfiguration")
                  and k not in ("ExtendedS3DestinationConfiguration",
                                "S3DestinationConfiguration")]
        if destination is None or others:
            raise aws_error.invalid_argument(
                "Exactly one destination configuration is required; the emulator supports "
                "ExtendedS3DestinationConfiguration and S3DestinationConfiguration.")
        hints = destination.get("BufferingHints", {})
        size_mb = hints.get("SizeInMBs")
        stream = self.add_stream(
            params["DeliveryStreamName"], bucket_arn=destination["BucketARN"],
            role_arn=destination["RoleARN"], prefix=destination.get("Prefix", ""),
            buffer_size_bytes=size_mb * 1024 * 1024 if size_mb else None,
            buffer_interval_seconds=hints.get("IntervalInSeconds"))
        return {"DeliveryStreamARN": stream.arn}

    def _delete_delivery_stream(self, params, body_size):
        stream = self._stream(params["DeliveryStreamName"])
        # Data already accepted is delivered, not dropped.
        self._writer.flush(stream)
        with self._lock:
            self._streams.pop(stream.name, None)
        return {}

    def _describe_delivery_stream(self, params, body_size):
        stream = self._stream(params["DeliveryStreamName"])
        hints = {"SizeInMBs": max(1, stream.buffer_size_bytes // (1024 * 1024)),
                 "IntervalInSeconds": int(stream.buffer_interval_seconds)}
        s3 = {"RoleARN": stream.role_arn, "BucketARN": stream.bucket_arn,
              "Prefix": stream.prefix, "BufferingHints": hints,
              "CompressionFormat": "UNCOMPRESSED",
              "EncryptionConfiguration": {"NoEncryptionConfig": "NoEncryption"}}
        return {"DeliveryStreamDescription": {
            "DeliveryStreamName": stream.name,
            "DeliveryStreamARN": stream.arn,
            "DeliveryStreamStatus": "ACTIVE",
            "DeliveryStreamEncryptionConfiguration": {"Status": "DISABLED"},
            "DeliveryStreamType": "DirectPut",
            "VersionId": stream.version_id,
            "CreateTimestamp": stream.created_at,
            "Destinations": [{
                "DestinationId": "destinationId-000000000001",
                "S3DestinationDescription": s3,
                "ExtendedS3DestinationDescription": dict(s3, S3BackupMode="Disabled"),
            }],
            "HasMoreDestinations": False,
        }}

    def _list_delivery_streams(self, params, body_size):
        limit = params.get("Limit", 10)
        stream_type = params.get("DeliveryStreamType")
        names = sorted(s.name for s in self.streams())
        if stream_type not in (None, "DirectPut"):
            names = []
        start = params.get("ExclusiveStartDeliveryStreamName")
        if start is not None:
            names = [n for n in names if n > start]
        return {"DeliveryStreamNames": names[:limit],
                "HasMoreDeliveryStreams": len(names) > limit}


def _record_error_message(code):
    if code == "ServiceUnavailableException":
        return "Slow down."
    return "Internal service failure."
