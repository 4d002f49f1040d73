"""Pseudonymous user keys, and the one identifier that must be recoverable.

A person is stored under HMAC-SHA256(secret, "channel:sender id"): a database dump shows no
Telegram chat id or Slack user id. Reminders must reach the conversation again, so its id is
kept sealed (Fernet, keyed from the same secret), never in clear.

The secret is `USERDATA_KEY`; without it (the embedded default) a random one is created once in
var/userdata.key (mode 0600). Losing the secret makes the stored keys unreachable, by design.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet

from settings import settings
from userdata.db import ROOT

KEY_FILE = ROOT / "var" / "userdata.key"


@lru_cache(maxsize=4)
def _secret_from(value: str | None, path: str) -> bytes:
    if value:
        return value.encode()
    key_file = Path(path)
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return key_file.read_text().strip().encode()


def secret() -> bytes:
    return _secret_from(settings().userdata_key, str(KEY_FILE))


def user_key(channel: str, sender_id: str) -> str:
    """The pseudonymous key of one person on one channel."""
    return hmac.new(secret(), f"{channel}:{sender_id}".encode(), hashlib.sha256).hexdigest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"conversation:" + secret()).digest()))


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()
