"""Checks a decoded AWS JSON 1.1 request body against botocore's Firehose service model.

Two kinds of failure, as the service reports them:
  * a value of the wrong JSON type, or a blob that is not base64, is a
    SerializationException (the service cannot even deserialize the request);
  * a constraint of the model (required member, length, range, pattern, enum) that does
    not hold is a ValidationException listing every violation:
    "2 validation errors detected: Value '...' at 'records.3.member.data' failed to
    satisfy constraint: Member must have length less than or equal to 1024000; ...".
    Paths use lowerCamelCase member names and 1-based list indexes, as the service does.

Members the model does not know are ignored, as the service ignores them. Blobs are
returned decoded, so callers get the record bytes.
"""

import base64
import binascii
import re

from . import aws_error


def _lower_camel(name):
    return name[:1].lower() + name[1:]


def _show(value):
    if value is None:
        return "null"
    if isinstance(value, bytes):
        # How the service's Java runtime prints a blob.
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    if isinstance(value, (list, dict)):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    return str(value)


class ModelValidator:
    def __init__(self, service_model):
        self._model = service_model

    def validate_input(self, operation_name, body):
        """Returns the input with blobs decoded to bytes; raises AwsError."""
        shape = self._model.operation_model(operation_name).input_shape
        errors = []
        if body is None:
            body = {}
        value = self._check(shape, body, "", errors)
        if errors:
            raise aws_error.validation(errors)
        return value

    def _check(self, shape, value, path, errors):
        kind = shape.type_name
        if kind == "structure":
            if not isinstance(value, dict):
                raise aws_error.serialization(
                    f"Start of structure or map expected at '{path or 'input'}'")
            result = {}
            for name in shape.required_members:
                if value.get(name) is None:
                    errors.append(f"Value null at '{self._join(path, name)}' failed to satisfy "
                                  "constraint: Member must not be null")
            for name, member in shape.members.items():
                if name in value and value[name] is not None:
                    result[name] = self._check(member, value[name], self._join(path, name),
                                               errors)
            return result
        if kind == "list":
            if not isinstance(value, list):
                raise aws_error.serialization(f"Start of list expected at '{path}'")
            self._check_length(shape, len(value), value, path, errors)
            return [self._check(shape.member, item, f"{path}.{i}.member", errors)
                    for i, item in enumerate(value, start=1)]
        if kind == "map":
            if not isinstance(value, dict):
                raise aws_error.serialization(f"Start of map expected at '{path}'")
            self._check_length(shape, len(value), value, path, errors)
            return {k: self._check(shape.value, v, f"{path}.{k}", errors)
                    for k, v in value.items()}
        if kind == "string":
            if not isinstance(value, str):
                raise aws_error.serialization(f"STRING_VALUE can not be converted to a String "
                                              f"at '{path}'")
            self._check_length(shape, len(value), value, path, errors)
            pattern = shape.metadata.get("pattern")
            if pattern is not None and re.fullmatch(pattern, value) is None:
                errors.append(f"Value '{_show(value)}' at '{path}' failed to satisfy constraint: "
                              f"Member must satisfy regular expression pattern: {pattern}")
            if shape.enum and value not in shape.enum:
                errors.append(f"Value '{_show(value)}' at '{path}' failed to satisfy constraint: "
                              f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
            return value
        if kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise aws_error.serialization(f"NUMBER_VALUE can not be converted to an Integer "
                                              f"at '{path}'")
            low = shape.metadata.get("min")
            high = shape.metadata.get("max")
            if low is not None and value < low:
                errors.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member "
                              f"must have value greater than or equal to {low}")
            if high is not None and value > high:
                errors.append(f"Value '{value}' at '{path}' failed to satisfy constraint: Member "
                              f"must have value less than or equal to {high}")
            return value
        if kind == "boolean":
            if not isinstance(value, bool):
                raise aws_error.serialization(f"Boolean expected at '{path}'")
            return value
        if kind in ("double", "float"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise aws_error.serialization(f"Number expected at '{path}'")
            return value
        if kind == "timestamp":
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise aws_error.serialization(f"Timestamp expected at '{path}'")
            return value
        if kind == "blob":
            if not isinstance(value, str):
                raise aws_error.serialization(f"Base64 string expected at '{path}'")
            try:
                data = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise aws_error.serialization(
                    f"Value at '{path}' is not valid base64-encoded data")
            self._check_length(shape, len(data), data, path, errors)
            return data
        raise aws_error.serialization(f"Unsupported shape type {kind} at '{path}'")

    @staticmethod
    def _join(path, name):
        return _lower_camel(name) if not path else f"{path}.{_lower_camel(name)}"

    @staticmethod
    def _check_length(shape, length, value, path, errors):
        low = shape.metadata.get("min")
        high = shape.metadata.get("max")
        if low is not None and length < low:
            errors.append(f"Value '{_show(value)}' at '{path}' failed to satisfy constraint: "
                          f"Member must have length greater than or equal to {low}")
        if high is not None and length > high:
            errors.append(f"Value '{_show(value)}' at '{path}' failed to satisfy constraint: "
                          f"Member must have length less than or equal to {high}")
