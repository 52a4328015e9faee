"""Threaded HTTP/1.1 servers, plain or TLS, on an IPv4 or IPv6 address.

The TLS handshake runs in the connection's own thread (not in the accept loop), so a
client that stalls or fails its handshake blocks nobody; failed handshakes are counted
(stats "tls_handshake_failures") and logged in one line."""

import socket
import ssl
import sys
from http.server import ThreadingHTTPServer


def parse_listen(text):
    """'127.0.0.1:0', '[::1]:8443' -> (host, port, family)."""
    if text.startswith("["):
        host, _, port = text[1:].partition("]:")
        return host, int(port), socket.AF_INET6
    host, _, port = text.rpartition(":")
    if not host:
        raise ValueError(f"listen address wants HOST:PORT, got {text!r}")
    return host, int(port), socket.AF_INET6 if ":" in host else socket.AF_INET


def make_server_context(cert_file, key_file, client_ca_file=None):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file)
    if client_ca_file:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(client_ca_file)
    return context


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, listen, handler_class, app, tls_context=None, name="firehose"):
        host, port, family = parse_listen(listen)
        self.address_family = family
        self.app = app
        self.tls_context = tls_context
        self.name = name
        super().__init__((host, port), handler_class)

    def get_request(self):
        sock, address = super().get_request()
        if self.tls_context is not None:
            sock = self.tls_context.wrap_socket(sock, server_side=True,
                                                do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, OSError):  # includes ssl.SSLError, resets and timeouts
            print(f"{self.name}: connection from {client_address[0]} ended: {error}",
                  file=sys.stderr, flush=True)
            return
        super().handle_error(request, client_address)


def finish_tls_handshake(handler):
    """Call from a handler's setup(): completes the TLS handshake with a time limit."""
    connection = handler.request
    if isinstance(connection, ssl.SSLSocket):
        connection.settimeout(handler.timeout)
        try:
            connection.do_handshake()
        except OSError:
            handler.server.app.stats.count("tls_handshake_failures")
            raise
