"""Emulated Amazon SNS topics and Publish, with SNS's limits and errors. Thread-safe.

Topics come from the command line (--sns-topic NAME[:content-based-deduplication]); their
ARN is arn:aws:sns:<region>:123456789012:<NAME>, FIFO when NAME ends in ".fifo".
Published messages are kept in memory for GET /_emulator/sns/messages and appended, one
JSON object a line, to <output-dir>/sns/<topic name>.jsonl (flushed after each line).

Publish checks, each with SNS's error (all "Invalid parameter: ..." are InvalidParameter,
HTTP 400):
  TopicArn missing (TargetArn and PhoneNumber are not emulated)   InvalidParameter
  TopicArn not an SNS topic ARN, or of another region             InvalidParameter
  Message missing                                                 ValidationError
  Message empty / over 262,144 bytes                              InvalidParameter
  Subject empty, not printable ASCII, a line break, a leading
  space, 100 characters or more                                   InvalidParameter
  MessageStructure=json without a "default" string                InvalidParameter
  the topic does not exist                                        NotFound (404)
  FIFO topic: MessageGroupId missing; MessageDeduplicationId
  missing without content-based deduplication; an id not 1-128
  of a-z A-Z 0-9 and punctuation                                  InvalidParameter
  standard topic: MessageDeduplicationId or MessageGroupId given  InvalidParameter
A FIFO message whose deduplication id (given, or the SHA-256 of the message with
content-based deduplication) was accepted less than 5 minutes earlier (server clock) is
answered with the first message's MessageId and SequenceNumber and not recorded again.
"""

import hashlib
import json
import os
import re
import threading
import uuid

from . import query_error

ACCOUNT_ID = "123456789012"
MAX_MESSAGE_BYTES = 262144
DEDUPLICATION_WINDOW_SECONDS = 300
_ARN = re.compile(r"^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$")
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,251}(\.fifo)?$")
_FIFO_ID = re.compile(r"^[\x21-\x7e]{1,128}$")


def parse_topic_option(text):
    """NAME or NAME:content-based-deduplication -> (name, content_based_dedup)."""
    name, _, flag = text.partition(":")
    if not _TOPIC_NAME.match(name) or len(name) > 256:
        raise ValueError(f"--sns-topic wants a topic name (1-256 of A-Za-z0-9_-, FIFO ending "
                         f"in .fifo), got {text!r}")
    if flag not in ("", "content-based-deduplication"):
        raise ValueError(f"--sns-topic {name}: unknown flag {flag!r} "
                         "(only content-based-deduplication)")
    if flag and not name.endswith(".fifo"):
        raise ValueError(f"--sns-topic {name}: content-based deduplication is for FIFO topics")
    return name, bool(flag)


def _valid_subject(subject):
    """SNS: ASCII text that begins with a letter, number or punctuation mark, without line
    breaks or control characters, less than 100 characters long."""
    return (0 < len(subject) < 100 and all(" " <= c <= "~" for c in subject)
            and subject[0] != " ")


class SnsService:
    def __init__(self, region, output_dir, stats, clock):
        self._region = region
        self._dir = os.path.join(output_dir, "sns")
        self._stats = stats
        self._clock = clock
        self._lock = threading.Lock()
        self._topics = {}        # arn -> {"name", "fifo", "content_based_dedup"}
        self._messages = []      # every recorded message, in order
        self._dedup = {}         # (arn, dedup id) -> (accepted at, message id, sequence)
        self._sequence = 10000000000000000000

    def add_topic(self, name, content_based_dedup=False):
        arn = f"arn:aws:sns:{self._region}:{ACCOUNT_ID}:{name}"
        with self._lock:
            self._topics[arn] = {"name": name, "fifo": name.endswith(".fifo"),
                                 "content_based_dedup": content_based_dedup}
        return arn

    def topics(self):
        with self._lock:
            return sorted(self._topics)

    def messages(self):
        with self._lock:
            return [dict(m) for m in self._messages]

    def publish(self, params, access_key_id, faults=(False, False)):
        """params: the decoded form parameters; faults: (throttle, error500) drawn for this
        request, raised once the request is known valid (as Firehose's are). Returns
        (message_id, sequence_number or None) or raises QueryError."""
        arn = params.get("TopicArn")
        if arn is None:
            raise query_error.invalid_parameter(
                "TopicArn or TargetArn Reason: no value for required parameter")
        if "Message" not in params:
            raise query_error.QueryError(
                400, "ValidationError", "1 validation error detected: Value null at 'message' "
                "failed to satisfy constraint: Member must not be null")
        message = params["Message"]
        match = _ARN.match(arn)
        if not match or match.group(1) != self._region or match.group(2) != ACCOUNT_ID:
            raise query_error.invalid_parameter("TopicArn")
        if message == "":
            raise query_error.invalid_parameter("Empty message")
        if len(message.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
            raise query_error.invalid_parameter("Message too long")
        subject = params.get("Subject")
        if subject is not None and not _valid_subject(subject):
            raise query_error.invalid_parameter("Subject")
        if params.get("MessageStructure") == "json":
            try:
                structured = json.loads(message)
            except ValueError:
                structured = None
            if not isinstance(structured, dict) or not isinstance(structured.get("default"), str):
                raise query_error.invalid_parameter(
                    "Message Structure - No default entry in JSON message body")
        group_id = params.get("MessageGroupId")
        dedup_id = params.get("MessageDeduplicationId")
        with self._lock:
            topic = self._topics.get(arn)
            if topic is None:
                raise query_error.not_found()
            if topic["fifo"]:
                if group_id is None:
                    raise query_error.invalid_parameter(
                        "The MessageGroupId parameter is required for FIFO topics")
                for name, value in (("MessageGroupId", group_id),
                                    ("MessageDeduplicationId", dedup_id)):
                    if value is not None and not _FIFO_ID.match(value):
                        raise query_error.invalid_parameter(
                            f"{name} Reason: {name} can only include alphanumeric and "
                            "punctuation characters. 1 to 128 in length.")
                if dedup_id is None:
                    if not topic["content_based_dedup"]:
                        raise query_error.invalid_parameter(
                            "The topic should either have ContentBasedDeduplication enabled "
                            "or MessageDeduplicationId provided explicitly")
                    dedup_id = hashlib.sha256(message.encode("utf-8", "surrogatepass")).hexdigest()
            else:
                for name, value in (("MessageDeduplicationId", dedup_id),
                                    ("MessageGroupId", group_id)):
                    if value is not None:
                        raise query_error.invalid_parameter(
                            f"{name} Reason: The request includes {name} parameter that is "
                            "not valid for this topic type")
            throttle, error500 = faults
            if throttle:
                raise query_error.throttling()
            if error500:
                raise query_error.internal_error()
            now = self._clock()
            if topic["fifo"]:
                earlier = self._dedup.get((arn, dedup_id))
                if earlier is not None and now - earlier[0] < DEDUPLICATION_WINDOW_SECONDS:
                    self._stats.count("sns_duplicates")
                    return earlier[1], earlier[2]
            message_id = str(uuid.uuid4())
            sequence = None
            if topic["fifo"]:
                self._sequence += 1000
                sequence = str(self._sequence)
                self._dedup[(arn, dedup_id)] = (now, message_id, sequence)
            record = {"topic_arn": arn, "message_id": message_id, "message": message,
                      "subject": subject, "message_group_id": group_id,
                      "message_deduplication_id": dedup_id, "sequence_number": sequence,
                      "message_structure": params.get("MessageStructure"),
                      "timestamp": now, "access_key_id": access_key_id}
            self._messages.append(record)
            self._append_to_file(topic["name"], record)
            self._stats.count("sns_messages_published")
            self._stats.topic_published(arn)
            return message_id, sequence

    def _append_to_file(self, name, record):
        os.makedirs(self._dir, exist_ok=True)
        with open(os.path.join(self._dir, name + ".jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            f.flush()
