"""Channel fixtures: the real `rasa run` (credentials.yml) and action server, with the
Telegram and Slack connectors pointed at fake APIs on loopback ports of this process.

`channel_bot` is configured like production (token, secret, bot name, webhook URL);
`unconfigured_bot` gets every channel variable empty, as `make run` does by default.
No test talks to the internet: the API base URLs are the fakes, proxies are cleared.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests

from tests import servers
from tests.channels.fakes import BOT_USERNAME, FakeSlackApi, FakeTelegramApi
from tests.servers import Server, action_server, base_env, free_port, rasa_server, sqlite_tracker, write_endpoints

TELEGRAM_TOKEN = "123456789:AAtest-bot-token_for-fake-api"
TELEGRAM_SECRET = "tpc-webhook-secret_0123456789"
TELEGRAM_WEBHOOK_URL = "https://coach.example.test/webhooks/telegram/webhook"
SLACK_TOKEN = "xoxb-0000-test-token"
SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_BOT_CHANNEL = "C0BOTCHANNEL"


def clean_env(**channel: str) -> Dict[str, str]:
    """No channel variable unless given here (unset = off): no real token, no proxy."""
    return base_env(**channel)


@dataclass
class ChannelBot:
    url: str
    workdir: Path  # its throw-away stores (userdata.db is shared with the action server)

    def tracker(self, sender: str) -> Dict[str, Any]:
        return servers.tracker(self.url, sender)

    def user_texts(self, sender: str) -> List[str]:
        return [e.get("text") for e in self.tracker(sender).get("events", []) if e.get("event") == "user"]

    def user_texts_once_saved(self, sender: str, last: str, timeout: float = 60) -> List[str]:
        """The user texts once the tracker ends with `last` (bot replies go out before the save);
        AssertionError when it does not within `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            texts = self.user_texts(sender)
            if texts and texts[-1] == last:
                return texts
            if time.monotonic() > deadline:
                raise AssertionError(f"the tracker of {sender} never ended with {last!r}: {texts}")
            time.sleep(0.2)

    # -- Telegram ---------------------------------------------------------------------
    def post_telegram(self, update: Any, secret: Optional[str] = TELEGRAM_SECRET) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        body = update if isinstance(update, bytes) else json.dumps(update).encode()
        return requests.post(f"{self.url}/webhooks/telegram/webhook", data=body, headers=headers, timeout=120)

    # -- Slack ------------------------------------------------------------------------
    def post_slack(
        self,
        body: bytes,
        secret: str = SLACK_SIGNING_SECRET,
        timestamp: Optional[int] = None,
        content_type: str = "application/json",
        headers: Optional[Dict[str, str]] = None,
    ) -> requests.Response:
        signed = slack_headers(body, secret, timestamp)
        signed["Content-Type"] = content_type
        signed.update(headers or {})
        return requests.post(f"{self.url}/webhooks/slack/webhook", data=body, headers=signed, timeout=60)


def slack_headers(body: bytes, secret: str, timestamp: Optional[int] = None) -> Dict[str, str]:
    """What Slack sends: v0 HMAC-SHA256 of "v0:<timestamp>:<body>" with the signing secret."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def unique_id(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10].upper()}"


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegramApi]:
    api = FakeTelegramApi().start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlackApi]:
    api = FakeSlackApi().start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def bots(
    tmp_path_factory: pytest.TempPathFactory, fake_telegram: FakeTelegramApi, fake_slack: FakeSlackApi
) -> Iterator[Dict[str, ChannelBot]]:
    """The action server and two Rasa servers, started together (about a minute)."""
    workdir = tmp_path_factory.mktemp("channels")
    configured_env = clean_env(
        TELEGRAM_ACCESS_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_BOT_NAME=BOT_USERNAME,
        TELEGRAM_WEBHOOK_URL=TELEGRAM_WEBHOOK_URL,
        TELEGRAM_SECRET_TOKEN=TELEGRAM_SECRET,
        TELEGRAM_API_URL=fake_telegram.url,
        SLACK_BOT_TOKEN=SLACK_TOKEN,
        SLACK_SIGNING_SECRET=SLACK_SIGNING_SECRET,
        SLACK_CHANNEL=SLACK_BOT_CHANNEL,
        SLACK_API_URL=f"{fake_slack.url}/api/",
    )
    action_port, configured_port = free_port(), free_port()
    started: List[Server] = []
    try:
        # the action server's reminder scheduler pushes through the configured Rasa server
        actions_env = clean_env(RASA_URL=f"http://127.0.0.1:{configured_port}")
        started.append(action_server(workdir, action_port, actions_env).launch())
        bots: Dict[str, ChannelBot] = {}
        for name, env, port in (
            ("configured", configured_env, configured_port),
            ("unconfigured", clean_env(), free_port()),
        ):
            endpoints = write_endpoints(workdir, action_port, sqlite_tracker(workdir, f"tracker-{name}"))
            rasa = rasa_server(workdir, port, endpoints, env).launch()
            started.append(rasa)
            bots[name] = ChannelBot(rasa.url, workdir)
        for server in started:
            server.wait_ready()
        yield bots
    finally:
        for server in started:
            server.stop()


@pytest.fixture(scope="session")
def channel_bot(bots: Dict[str, ChannelBot]) -> ChannelBot:
    """Telegram and Slack configured like production, their APIs faked on loopback."""
    return bots["configured"]


@pytest.fixture(scope="session")
def unconfigured_bot(bots: Dict[str, ChannelBot]) -> ChannelBot:
    """Every channel variable empty, as with `make run` out of the box."""
    return bots["unconfigured"]
