"""Small pieces shared by the hardened channels: settings, name and blueprint, secrets, API base
URLs, replay memory and message splitting.

Nothing here talks to the network. The channels use these helpers to decide, before any
processing, whether a request is allowed in, and where their outbound API calls may go.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import time
from collections import OrderedDict
from typing import Any, Callable, ClassVar, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import privacy.logs
from settings import settings

logger = logging.getLogger(__name__)

# A refused request gets this status and a short body that says nothing about the reason.
FORBIDDEN = 403


def setting(credentials: Optional[dict], key: str, fallback: str = "") -> str:
    """A channel setting as a stripped string: the credentials.yml value when it is there,
    else `fallback` (its environment variable, from settings.py), else '' ("not configured").

    Secrets are never in credentials.yml: the connectors read them from the environment
    themselves, so an unset variable simply means the channel is off (Rasa's `${VAR}`
    placeholders would make `rasa run` refuse to start instead).
    """
    value: Any = (credentials or {}).get(key)
    return fallback if value is None else str(value).strip()


#: how a channel setting is read: (credentials.yml key, the settings.py field whose value is the
#: default, "" for none), and optionally how the stripped text becomes the constructor's argument
Option = Tuple[str, str] | Tuple[str, str, Callable[[str], Any]]


class ConfiguredInput(InputChannel):
    """Base of the hardened input channels (listed first, before Rasa's class): Rasa asks the class
    its `name()` and builds it with `from_credentials`; both come from `channel` and `options`
    ({constructor argument: Option}), each value read with `setting`."""

    channel: ClassVar[str]
    options: ClassVar[Mapping[str, Option]]

    @classmethod
    def name(cls) -> str:
        return cls.channel

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        env = settings()
        arguments: Dict[str, Any] = {}
        for argument, (key, default, *convert) in cls.options.items():
            text = setting(credentials, key, str(getattr(env, default)) if default else "")
            arguments[argument] = convert[0](text) if convert else text
        return cls(**arguments)


def channel_blueprint(name: str, import_name: str) -> Blueprint:
    """A channel's Sanic blueprint. Rasa asks each channel for one as the server starts, so this is
    where the process's log records start to be redacted (privacy/logs.py): no message text, slot
    value or sender id in any log line."""
    privacy.logs.install()
    return Blueprint(name, import_name)


def webhook_blueprint(name: str, import_name: str) -> Blueprint:
    """A messaging channel's blueprint (channel_blueprint), with the health route every Rasa
    channel has: `GET /webhooks/<channel>/` answers {"status": "ok"}."""
    blueprint = channel_blueprint(name, import_name)

    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    blueprint.add_route(health, "/", methods=["GET"])
    return blueprint


def json_object(request: Request) -> Optional[Dict[str, Any]]:
    """A webhook's body as a JSON object, or None when it is not one (the caller answers 400)."""
    try:
        body = json.loads(request.body)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def secrets_match(received: Optional[str], expected: str) -> bool:
    """Constant-time comparison; an empty expected secret never matches anything."""
    if not expected or received is None:
        return False
    return hmac.compare_digest(received.encode("utf-8"), expected.encode("utf-8"))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def api_base_url(configured: str, default: str) -> str:
    """The API base URL to use: `configured`, or `default` when empty.

    The bot token travels with every call, so only https is accepted, except plain http
    to a loopback address (a local fake API in tests, a local Bot API server). Raises
    ValueError otherwise.
    """
    url = configured or default
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme not in {"http", "https"}:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(f"plain http is only allowed to a loopback address, got {url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError(f"the API base URL must not carry credentials, a query or a fragment: {url!r}")
    return url


class SeenKeys:
    """Remembers keys (update ids, event ids) for `ttl` seconds, at most `max_size` of them.

    `add` returns False when the key was already seen: the caller drops the duplicate.
    In memory, per Rasa process: enough for webhook retries, which come within minutes.
    """

    def __init__(self, ttl: float = 3600.0, max_size: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_size = max_size
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def _expire(self, now: float) -> None:
        while self._seen:
            key, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self.ttl and len(self._seen) <= self.max_size:
                break
            self._seen.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        self._expire(self._clock())
        return key in self._seen

    def add(self, key: str) -> bool:
        now = self._clock()
        self._expire(now)
        if key in self._seen:
            return False
        self._seen[key] = now
        self._expire(now)
        return True


def split_text(text: str, limit: int) -> List[str]:
    """`text` in pieces of at most `limit` characters, cut at line ends when possible.

    Rendered replies keep their markup on one line (a tag or a Slack `*bold*` never spans
    a newline), so cutting between lines keeps every piece well-formed. A single line
    longer than `limit` is cut hard, never inside an `&...;` entity.
    """
    if len(text) <= limit:
        return [text]
    pieces: List[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = limit
            amp = line.rfind("&", 0, cut)
            if amp != -1 and ";" not in line[amp:cut]:
                cut = amp or limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            candidate = line
        current = candidate
    if current:
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]
