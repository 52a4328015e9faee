"""The access keys the emulator accepts: long-lived keys from the command line and
temporary keys it issued through the IoT credentials endpoint (with a session token and
an expiry). Thread-safe."""

import secrets
import string
import threading
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class AccessKey:
    access_key_id: str
    secret_access_key: str
    session_token: Optional[str] = None  # required on requests when set
    expires_at: Optional[float] = None   # Unix seconds; None = never


class CredentialStore:
    def __init__(self):
        self._lock = threading.Lock()
        self._keys = {}

    def add(self, key):
        with self._lock:
            self._keys[key.access_key_id] = key

    def find(self, access_key_id):
        with self._lock:
            return self._keys.get(access_key_id)

    def issue_temporary(self, now, lifetime_seconds):
        """Creates a temporary key like STS does: ASIA... id, 40-char secret, opaque token."""
        alphabet = string.ascii_uppercase + string.digits
        key = AccessKey(
            access_key_id="ASIA" + "".join(secrets.choice(alphabet) for _ in range(16)),
            secret_access_key="".join(
                secrets.choice(string.ascii_letters + string.digits + "+/") for _ in range(40)),
            session_token="IQoJb3JpZ2luX2VtdWxhdG9y" + secrets.token_urlsafe(180),
            expires_at=now + lifetime_seconds)
        self.add(key)
        return key


def parse_credentials_option(text):
    """AKID:SECRET[:TOKEN] from the command line."""
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise ValueError(f"--credentials wants AKID:SECRET[:TOKEN], got {text!r}")
    token = parts[2] if len(parts) == 3 and parts[2] else None
    return AccessKey(parts[0], parts[1], token)
