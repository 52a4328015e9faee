#!/usr/bin/python3
"""Amazon Kinesis Data Firehose (and SNS Publish) emulator for canhose's tests. See
README.md beside this file for the command-line contract, the behaviour and the control
endpoint.

Run with Debian's interpreter: /usr/bin/python3 firehose_emulator.py --listen ...
"""

import argparse
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.loaders  # noqa: E402  (Debian's python3-botocore)
import botocore.model  # noqa: E402

from emulator.credential_store import CredentialStore, parse_credentials_option  # noqa: E402
from emulator.emulator_stats import EmulatorStats  # noqa: E402
from emulator.fault_plan import FaultPlan, RECORD_ERROR_CODES  # noqa: E402
from emulator.firehose_http_handler import FirehoseHttpHandler  # noqa: E402
from emulator.firehose_service import FirehoseService  # noqa: E402
from emulator.http_servers import EmulatorHTTPServer, make_server_context  # noqa: E402
from emulator.iot_credentials_handler import IotCredentialsHandler  # noqa: E402
from emulator.model_validator import ModelValidator  # noqa: E402
from emulator.s3_destination_writer import S3DestinationWriter  # noqa: E402
from emulator.sigv4_verifier import SigV4Verifier  # noqa: E402
from emulator.sns_service import SnsService, parse_topic_option  # noqa: E402

DEFAULT_MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                             "firehose", "service-2.json")
# SNS answers signing times up to 15 minutes off (Firehose: 5).
SNS_MAX_SKEW_SECONDS = 900


def parse_arguments(argv):
    p = argparse.ArgumentParser(description="Amazon Kinesis Data Firehose emulator")
    p.add_argument("--listen", required=True, help="HOST:PORT or [V6]:PORT; port 0 = any")
    p.add_argument("--tls-cert", help="server certificate (PEM); with --tls-key: HTTPS")
    p.add_argument("--tls-key", help="server private key (PEM)")
    p.add_argument("--iot-listen", help="HOST:PORT of the IoT credentials endpoint (mTLS)")
    p.add_argument("--iot-cert", help="IoT endpoint server certificate (PEM)")
    p.add_argument("--iot-key", help="IoT endpoint server key (PEM)")
    p.add_argument("--iot-client-ca", help="CA that signs accepted client certificates")
    p.add_argument("--iot-role-alias", action="append", default=[],
                   help="accepted role alias (repeatable); none given = any alias")
    p.add_argument("--iot-credential-lifetime", type=float, default=3600,
                   help="seconds the issued credentials live (default 3600)")
    p.add_argument("--credentials", action="append", default=[], metavar="AKID:SECRET[:TOKEN]",
                   help="accepted key (repeatable)")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--output-dir", required=True, help="root of the emulated S3 buckets")
    p.add_argument("--stream", action="append", default=[], help="pre-created DirectPut stream")
    p.add_argument("--buffer-size-bytes", type=int, default=5 * 1024 * 1024,
                   help="default S3 buffer size per stream (default 5 MiB, as Firehose)")
    p.add_argument("--buffer-interval-seconds", type=float, default=300,
                   help="default S3 buffer interval per stream (default 300, as Firehose)")
    p.add_argument("--sns-topic", action="append", default=[],
                   metavar="NAME[:content-based-deduplication]",
                   help="SNS topic arn:aws:sns:<region>:123456789012:NAME (FIFO if NAME ends "
                        "in .fifo; repeatable)")
    p.add_argument("--sns-throttle-fraction", type=float, default=0.0)
    p.add_argument("--sns-error500-fraction", type=float, default=0.0)
    p.add_argument("--sns-reset-fraction", type=float, default=0.0)
    p.add_argument("--service-model", default=DEFAULT_MODEL,
                   help="Firehose service-2.json (default: tests/data/firehose copy)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--throttle-fraction", type=float, default=0.0)
    p.add_argument("--error500-fraction", type=float, default=0.0)
    p.add_argument("--record-failure-fraction", type=float, default=0.0)
    p.add_argument("--record-failure-code", choices=RECORD_ERROR_CODES,
                   default=RECORD_ERROR_CODES[0])
    p.add_argument("--delay-ms", type=int, default=0)
    p.add_argument("--reset-fraction", type=float, default=0.0)
    p.add_argument("--date-skew-seconds", type=float, default=0)
    p.add_argument("--idle-timeout-seconds", type=float, default=60,
                   help="close a connection idle this long (default 60)")
    p.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = p.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if args.iot_listen and not (args.iot_cert and args.iot_key and args.iot_client_ca):
        p.error("--iot-listen needs --iot-cert, --iot-key and --iot-client-ca")
    if not args.credentials:
        p.error("at least one --credentials AKID:SECRET[:TOKEN] is required")
    return args


class EmulatorApp:
    """Everything the request handlers share. Lives as long as the process."""

    def __init__(self, args):
        with open(args.service_model) as f:
            self.service_model = botocore.model.ServiceModel(json.load(f), "firehose")
        self.faults = FaultPlan(
            seed=args.seed, throttle_fraction=args.throttle_fraction,
            error500_fraction=args.error500_fraction,
            record_failure_fraction=args.record_failure_fraction,
            record_failure_code=args.record_failure_code, delay_ms=args.delay_ms,
            reset_fraction=args.reset_fraction, date_skew_seconds=args.date_skew_seconds,
            sns_reset_fraction=args.sns_reset_fraction,
            sns_throttle_fraction=args.sns_throttle_fraction,
            sns_error500_fraction=args.sns_error500_fraction)
        self.stats = EmulatorStats()
        self.credentials = CredentialStore()
        for text in args.credentials:
            self.credentials.add(parse_credentials_option(text))
        self.verifier = SigV4Verifier(self.credentials, args.region)
        self.validator = ModelValidator(self.service_model)
        os.makedirs(args.output_dir, exist_ok=True)
        self.writer = S3DestinationWriter(args.output_dir, self.clock)
        self.service = FirehoseService(args.region, self.writer, self.faults, self.stats,
                                       self.clock, args.buffer_size_bytes,
                                       args.buffer_interval_seconds)
        for name in args.stream:
            self.service.add_stream(name)
        self.sns_verifier = SigV4Verifier(self.credentials, args.region, "sns",
                                          SNS_MAX_SKEW_SECONDS)
        self.sns = SnsService(args.region, args.output_dir, self.stats, self.clock)
        for text in args.sns_topic:
            self.sns.add_topic(*parse_topic_option(text))
        self.sns_operation_names = _sns_operation_names()
        self.iot_role_aliases = set(args.iot_role_alias)
        self.iot_credential_lifetime = args.iot_credential_lifetime
        self.idle_timeout_seconds = args.idle_timeout_seconds
        self.verbose = args.verbose

    def clock(self):
        """The server clock: real time moved by the injected date skew."""
        return time.time() + self.faults.date_skew_seconds()


def _sns_operation_names():
    """SNS's operations, from botocore's own model (for InvalidAction's message)."""
    loader = botocore.loaders.create_loader()
    return set(loader.load_service_model("sns", "service-2")["operations"])


def main(argv):
    args = parse_arguments(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    servers = []
    try:
        app = EmulatorApp(args)
        tls = make_server_context(args.tls_cert, args.tls_key) if args.tls_cert else None
        firehose = EmulatorHTTPServer(args.listen, FirehoseHttpHandler, app, tls, "firehose")
        servers.append(firehose)
        iot = None
        if args.iot_listen:
            iot_tls = make_server_context(args.iot_cert, args.iot_key, args.iot_client_ca)
            iot = EmulatorHTTPServer(args.iot_listen, IotCredentialsHandler, app, iot_tls,
                                     "iot")
            servers.append(iot)
    except (OSError, ValueError) as error:
        # Cannot listen, unreadable certificate or model, bad --credentials or --stream.
        print(f"firehose emulator: cannot start: {error}", file=sys.stderr, flush=True)
        for server in servers:
            server.server_close()
        return 1
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.1},
                                daemon=True) for s in servers]
    for thread in threads:
        thread.start()

    def flush_when_due():
        while not stop.wait(0.1):
            app.service.flush_due()

    flusher = threading.Thread(target=flush_when_due, daemon=True)
    flusher.start()

    # Readiness: IOT_LISTENING (if any) first, LISTENING last, so a reader that waits for
    # LISTENING knows both ports are open.
    if iot is not None:
        print(f"IOT_LISTENING {iot.server_address[1]}", flush=True)
    print(f"LISTENING {firehose.server_address[1]}", flush=True)

    while not stop.wait(0.5):
        pass
    for server in servers:
        server.shutdown()
        server.server_close()
    flusher.join()
    written = app.service.flush_all()
    print(f"firehose emulator: stopped, {len(written)} object(s) flushed at exit, "
          f"stats {json.dumps(app.stats.snapshot())}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
