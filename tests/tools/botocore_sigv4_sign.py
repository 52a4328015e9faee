#!/usr/bin/env python3
"""Signs requests with botocore's SigV4 signer: an independent implementation that the
C++ signer's tests compare against (tests/unit/aws/sigv4_botocore_test.cpp).

Input (argv[1]): a JSON list of requests:
  {"method", "url", "headers": [[name, value], ...], "body_b64", "region", "service",
   "access_key", "secret_key", "token" (may be ""), "timestamp" ("YYYYMMDDTHHMMSSZ")}
Output (stdout): a JSON list with, per request, {"canonical_request", "string_to_sign",
"authorization"}.

botocore's add_auth() reads the wall clock, so this runs its stages with the given
timestamp instead, in the same order add_auth does.
"""
import base64
import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(spec):
    request = AWSRequest(
        method=spec["method"],
        url=spec["url"],
        headers=dict(spec["headers"]),
        data=base64.b64decode(spec["body_b64"]),
    )
    credentials = Credentials(spec["access_key"], spec["secret_key"], spec["token"] or None)
    auth = SigV4Auth(credentials, spec["service"], spec["region"])
    request.context["timestamp"] = spec["timestamp"]
    auth._modify_request_before_signing(request)
    canonical_request = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical_request)
    signature = auth.signature(string_to_sign, request)
    auth._inject_signature_to_request(request, signature)
    return {
        "canonical_request": canonical_request,
        "string_to_sign": string_to_sign,
        "authorization": request.headers["Authorization"],
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        specs = json.load(f)
    json.dump([sign(s) for s in specs], sys.stdout)


if __name__ == "__main__":
    main()
