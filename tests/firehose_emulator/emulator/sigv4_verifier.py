"""Verifies AWS Signature Version 4 on incoming requests with botocore's own signer.

The canonical request, string to sign and signature come from botocore.auth.SigV4Auth
(the code every AWS SDK for Python request is signed with), so the check is independent
of canhose's C++ signer. The only override: the headers that enter the canonical request
are exactly those the client listed in SignedHeaders, as the service does (botocore, when
signing, picks them itself and leaves out User-Agent).

Checks in the order the coral-based JSON services apply them (as recorded from DynamoDB
and Kinesis responses), each with the service's error; all HTTP 400:
  no Authorization, or not "AWS4-..."    MissingAuthenticationTokenException
  Credential/SignedHeaders/Signature or
  X-Amz-Date (or Date) missing           IncompleteSignatureException (all listed at once)
  date not ISO-8601 basic (or HTTP date) IncompleteSignatureException
  date more than 5 min off the server    InvalidSignatureException "Signature expired: ..."
                                         / "Signature not yet current: ..."
  host not signed                        InvalidSignatureException
  algorithm not AWS4-HMAC-SHA256         IncompleteSignatureException
  Credential not 5 elements              IncompleteSignatureException
  scope region/service/terminator/date   InvalidSignatureException (all listed at once)
  unknown access key id                  UnrecognizedClientException
  a signed header absent from the request,
  or the signature differs               InvalidSignatureException (with the canonical
                                         request and string to sign the server computed)
  session token missing, unexpected or
  wrong                                  UnrecognizedClientException
  temporary key past its expiration      ExpiredTokenException
"""

import calendar
import email.utils
import hmac
import time

from botocore.auth import SigV4Auth, SIGV4_TIMESTAMP
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

from .aws_error import AwsError

MAX_SKEW_SECONDS = 300


def _incomplete(message):
    return AwsError(400, "IncompleteSignatureException", message)


def _invalid_signature(message):
    return AwsError(400, "InvalidSignatureException", message)


def _unrecognized():
    return AwsError(400, "UnrecognizedClientException",
                    "The security token included in the request is invalid.")


class _SignedHeadersOnly(SigV4Auth):
    """botocore's SigV4 canonicalisation over exactly the client's SignedHeaders."""

    def __init__(self, credentials, service_name, region_name, signed_header_names):
        super().__init__(credentials, service_name, region_name)
        self._names = signed_header_names

    def headers_to_sign(self, request):
        header_map = HTTPHeaders()
        for name in self._names:
            for value in request.headers.get_all(name) or ():
                header_map[name] = value
        return header_map


def _parse_authorization(value):
    """-> (algorithm, {field: value}) of 'ALGO Credential=..., SignedHeaders=..., ...'."""
    algorithm, _, rest = value.strip().partition(" ")
    fields = {}
    for part in rest.split(","):
        name, sep, field_value = part.strip().partition("=")
        if sep:
            fields[name.strip()] = field_value.strip()
    return algorithm, fields


def _parse_date(value):
    """X-Amz-Date (ISO-8601 basic) or an HTTP Date -> (Unix seconds, ISO basic text)."""
    try:
        seconds = calendar.timegm(time.strptime(value, SIGV4_TIMESTAMP))
        return seconds, value
    except ValueError:
        pass
    try:
        seconds = int(email.utils.parsedate_to_datetime(value).timestamp())
    except (TypeError, ValueError):
        raise _incomplete(f"Date must be in ISO-8601 'basic format'. Got '{value}'. See "
                          "http://en.wikipedia.org/wiki/ISO_8601")
    return seconds, _format_timestamp(seconds)


def _format_timestamp(seconds):
    return time.strftime(SIGV4_TIMESTAMP, time.gmtime(seconds))


class SigV4Verifier:
    def __init__(self, credential_store, region, service="firehose",
                 max_skew_seconds=MAX_SKEW_SECONDS):
        """max_skew_seconds: how far the signing time may be from the server clock; 5
        minutes for the JSON services, 15 for the Query ones (SNS answers "Signature
        expired: ... (... - 15 min.)")."""
        self._store = credential_store
        self._region = region
        self._service = service
        self._max_skew = int(max_skew_seconds)

    def verify(self, method, url, headers, body, now):
        """headers: list of (name, value) as received; now: the server clock (Unix s).
        Returns the AccessKey that signed the request, or raises AwsError."""
        lower = {}
        for name, value in headers:
            lower.setdefault(name.lower(), []).append(value)
        authorization = (lower.get("authorization") or [""])[0]
        if not authorization.strip().startswith("AWS4-"):
            raise AwsError(400, "MissingAuthenticationTokenException",
                           "Request is missing Authentication Token")
        algorithm, fields = _parse_authorization(authorization)
        date_header = (lower.get("x-amz-date") or lower.get("date") or [None])[0]
        missing = "".join(f"Authorization header requires '{field}' parameter. "
                          for field in ("Credential", "Signature", "SignedHeaders")
                          if not fields.get(field))
        if date_header is None:
            missing += ("Authorization header requires existence of either a 'X-Amz-Date' or "
                        "a 'Date' header. ")
        if missing:
            raise _incomplete(missing + "Authorization=" + authorization)

        signed_at, amz_date = _parse_date(date_header)
        now_s = int(now)
        window = self._max_skew
        if signed_at < now_s - window:
            raise _invalid_signature(
                f"Signature expired: {amz_date} is now earlier than "
                f"{_format_timestamp(now_s - window)} "
                f"({_format_timestamp(now_s)} - {window // 60} min.)")
        if signed_at > now_s + window:
            raise _invalid_signature(
                f"Signature not yet current: {amz_date} is still later than "
                f"{_format_timestamp(now_s + window)} "
                f"({_format_timestamp(now_s)} + {window // 60} min.)")

        names = [n.strip().lower() for n in fields["SignedHeaders"].split(";") if n.strip()]
        if "host" not in names:
            raise _invalid_signature("'Host' must be a 'SignedHeader' in the AWS Authorization.")
        if algorithm != "AWS4-HMAC-SHA256":
            raise _incomplete(f"Unsupported AWS 'algorithm': '{algorithm}' (only "
                              "AWS4-HMAC-SHA256 for now). ")
        scope = fields["Credential"].rstrip("/").split("/")
        if len(scope) != 5:
            raise _incomplete("Credential must have exactly 5 slash-delimited elements, e.g. "
                              f"keyid/date/region/service/term, got '{fields['Credential']}'")
        access_key_id, scope_date, scope_region, scope_service, terminator = scope
        problems = ""
        if scope_region != self._region:
            problems += f"Credential should be scoped to a valid region, not '{scope_region}'. "
        if scope_service != self._service:
            problems += f"Credential should be scoped to correct service: '{self._service}'. "
        if terminator != "aws4_request":
            problems += ("Credential should be scoped with a valid terminator: 'aws4_request', "
                         f"not '{terminator}'. ")
        if scope_date != amz_date[:8]:
            problems += ("Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                         f"version of date from HTTP: '{scope_date}' != '{amz_date[:8]}', from "
                         f"'{amz_date}'.")
        if problems:
            raise _invalid_signature(problems.strip())

        key = self._store.find(access_key_id)
        if key is None:
            raise _unrecognized()
        signature = fields["Signature"]

        request = AWSRequest(method=method, url=url, data=body)
        request.headers = HTTPHeaders()
        for name, value in headers:
            request.headers[name.lower()] = value
        request.context["timestamp"] = amz_date
        signer = _SignedHeadersOnly(
            Credentials(key.access_key_id, key.secret_access_key, key.session_token),
            self._service, self._region, names)
        canonical_request = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical_request)
        expected = signer.signature(string_to_sign, request)
        if any(name not in lower for name in names) or \
                not hmac.compare_digest(expected, signature):
            raise _invalid_signature(
                "The request signature we calculated does not match the signature you "
                "provided. Check your AWS Secret Access Key and signing method. Consult the "
                "service documentation for details.\n\nThe Canonical String for this request "
                f"should have been\n'{canonical_request}'\n\nThe String-to-Sign should have "
                f"been\n'{string_to_sign}'\n")
        token = (lower.get("x-amz-security-token") or [None])[0]
        if key.session_token != token:
            raise _unrecognized()
        if key.expires_at is not None and now >= key.expires_at:
            raise AwsError(400, "ExpiredTokenException",
                           "The security token included in the request is expired")
        return key
