"""Verifies AWS Signature Version 4 on incoming requests with botocore's own signer.

The canonical request, string to sign and signature come from botocore.auth.SigV4Auth
(the code every AWS SDK for Python request is signed with), so the check is independent
of canhose's C++ signer. The only override: the headers that enter the canonical request
are exactly those the client listed in SignedHeaders, as the service does (botocore, when
signing, picks them itself and leaves out User-Agent).

Checks in the service's order, each with the error the service returns (AWS JSON
services answer all of these with HTTP 400):
  no Authorization header        MissingAuthenticationTokenException
  malformed Authorization        IncompleteSignatureException
  Host or X-Amz-Date not signed  IncompleteSignatureException
  unknown access key id          UnrecognizedClientException
  session token missing/wrong    UnrecognizedClientException
  token expired                  ExpiredTokenException
  scope date/region/service      InvalidSignatureException
  X-Amz-Date more than 5 minutes
  from the server's clock        InvalidSignatureException ("Signature expired: ..." /
                                 "Signature not yet current: ...")
  signature mismatch             InvalidSignatureException
"""

import calendar
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
            for value in request.headers.get_all(name):
                header_map[name] = value
        return header_map


def _parse_authorization(value):
    if not value.startswith("AWS4-HMAC-SHA256 "):
        raise _incomplete("Authorization header requires the 'AWS4-HMAC-SHA256' algorithm. "
                          f"Authorization={value.split(' ')[0]}")
    fields = {}
    for part in value[len("AWS4-HMAC-SHA256 "):].split(","):
        name, sep, field_value = part.strip().partition("=")
        if sep:
            fields[name] = field_value
    for required in ("Credential", "SignedHeaders", "Signature"):
        if required not in fields:
            raise _incomplete(f"Authorization header requires '{required}' parameter. "
                              f"Authorization={value[:40]}...")
    scope = fields["Credential"].split("/")
    if len(scope) != 5:
        raise _incomplete("Credential should be of the form "
                          "AKID/YYYYMMDD/region/service/aws4_request.")
    if scope[4] != "aws4_request":
        raise _invalid_signature("Credential should be scoped with a valid terminator: "
                                 f"'aws4_request', not '{scope[4]}'.")
    names = fields["SignedHeaders"].split(";")
    return scope, names, fields["Signature"]


def _format_timestamp(seconds):
    return time.strftime(SIGV4_TIMESTAMP, time.gmtime(seconds))


class SigV4Verifier:
    def __init__(self, credential_store, region, service="firehose"):
        self._store = credential_store
        self._region = region
        self._service = service

    def verify(self, method, url, headers, body, now):
        """headers: list of (name, value) as received; now: the server clock (Unix s).
        Returns the AccessKey that signed the request, or raises AwsError."""
        lower = {}
        for name, value in headers:
            lower.setdefault(name.lower(), []).append(value)
        authorization = lower.get("authorization")
        if not authorization:
            raise AwsError(400, "MissingAuthenticationTokenException",
                           "Missing Authentication Token")
        scope, names, signature = _parse_authorization(authorization[0])
        access_key_id, scope_date, scope_region, scope_service, _ = scope

        if "host" not in names:
            raise _incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS "
                              "Authorization.")
        for name in names:
            if name not in lower:
                raise _incomplete(f"Signed header '{name}' is not present in the request.")
        amz_date = (lower.get("x-amz-date") or [None])[0]
        if amz_date is None:
            raise _incomplete("Authorization header requires existence of either a 'X-Amz-Date' "
                              "or a 'Date' header.")
        if "x-amz-date" not in names:
            raise _incomplete("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
        try:
            signed_at = calendar.timegm(time.strptime(amz_date, SIGV4_TIMESTAMP))
        except ValueError:
            raise _incomplete(f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'. See "
                              "http://en.wikipedia.org/wiki/ISO_8601")

        key = self._store.find(access_key_id)
        if key is None:
            raise _unrecognized()
        token = (lower.get("x-amz-security-token") or [None])[0]
        if key.session_token != token:
            raise _unrecognized()
        if key.expires_at is not None and now >= key.expires_at:
            raise AwsError(400, "ExpiredTokenException",
                           "The security token included in the request is expired")

        if scope_date != amz_date[:8]:
            raise _invalid_signature(
                f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                f"date from HTTP: '{scope_date}' != '{amz_date[:8]}', from ISO-8601 string: "
                f"'{amz_date}'.")
        if scope_region != self._region:
            raise _invalid_signature(
                f"Credential should be scoped to a valid region, not '{scope_region}'. ")
        if scope_service != self._service:
            raise _invalid_signature(
                f"Credential should be scoped to correct service: '{self._service}'. ")
        now_s = int(now)
        if signed_at < now_s - MAX_SKEW_SECONDS:
            raise _invalid_signature(
                f"Signature expired: {amz_date} is now earlier than "
                f"{_format_timestamp(now_s - MAX_SKEW_SECONDS)} "
                f"({_format_timestamp(now_s)} - 5 min.)")
        if signed_at > now_s + MAX_SKEW_SECONDS:
            raise _invalid_signature(
                f"Signature not yet current: {amz_date} is still later than "
                f"{_format_timestamp(now_s + MAX_SKEW_SECONDS)} "
                f"({_format_timestamp(now_s)} + 5 min.)")

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
        if not hmac.compare_digest(expected, signature):
            raise _invalid_signature(
                "The request signature we calculated does not match the signature you "
                "provided. Check your AWS Secret Access Key and signing method. Consult the "
                "service documentation for details.\n\nThe Canonical String for this request "
                f"should have been\n'{canonical_request}'\n\nThe String-to-Sign should have "
                f"been\n'{string_to_sign}'\n")
        return key
