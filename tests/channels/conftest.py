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
import os
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import requests

from tests.channels.fakes import BOT_USERNAME, FakeSlackApi, FakeTelegramApi
from tests.e2e.conftest import BIN, ROOT, free_port, model_path, wait_until_up
from tests.servers import CHANNEL_ENV_DEFAULTS

API_TOKEN = "channels-test-token"
TELEGRAM_TOKEN = "123456789:AAtest-bot-token_for-fake-api"
TELEGRAM_SECRET = "tpc-webhook-secret_0123456789"
TELEGRAM_WEBHOOK_URL = "https://coach.example.test/webhooks/telegram/webhook"
SLACK_TOKEN = "xoxb-0000-test-token"
SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_BOT_CHANNEL = "C0BOTCHANNEL"
CHANNEL_VARIABLES = tuple(CHANNEL_ENV_DEFAULTS)
PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy"}


def clean_env(knowledge_db_url: str, **channel: str) -> Dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key.lower() not in PROXY_VARIABLES}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": knowledge_db_url,
            "SANIC_HOST": "127.0.0.1",
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "NO_PROXY": "127.0.0.1,localhost",
        }
    )
    env.update({name: "" for name in CHANNEL_VARIABLES})  # never inherit real tokens
    env.update(channel)
    return env


@dataclass
class ChannelBot:
    url: str

    def tracker(self, sender: str) -> Dict[str, Any]:
        response = requests.get(f"{self.url}/conversations/{sender}/tracker", params={"token": API_TOKEN}, timeout=30)
        response.raise_for_status()
        return response.json()

    def user_texts(self, sender: str) -> List[str]:
        return [e.get("text") for e in self.tracker(sender).get("events", []) if e.get("event") == "user"]

    def user_texts_once_saved(self, sender: str, last: str, timeout: float = 60) -> List[str]:
        """The user texts once the tracker ends with `last` (bot replies go out before the save)."""
        deadline = time.monotonic() + timeout
        while True:
            texts = self.user_texts(sender)
            if texts and texts[-1] == last or time.monotonic() > deadline:
                return texts
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


class Process:
    """One server process started in the background; `ready()` waits for its health URL."""

    def __init__(self, argv: List[str], env: Dict[str, str], log: Path, health_url: str) -> None:
        self.log, self.health_url = log, health_url
        self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)

    def ready(self) -> None:
        wait_until_up(self.health_url, self.popen, self.log)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)


def rasa(workdir: Path, name: str, action_url: str, env: Dict[str, str]) -> Tuple[Process, ChannelBot]:
    port = free_port()
    endpoints = workdir / f"endpoints-{name}.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "{action_url}"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{workdir / f"tracker-{name}.db"}"\n'
    )
    argv = [str(BIN / "rasa"), "run", "--model", str(model_path()), "--endpoints", str(endpoints)]
    argv += ["--credentials", str(ROOT / "credentials.yml"), "--interface", "127.0.0.1", "--port", str(port)]
    argv += ["--enable-api", "--auth-token", API_TOKEN]
    url = f"http://127.0.0.1:{port}"
    return Process(argv, env, workdir / f"rasa-{name}.log", f"{url}/status?token={API_TOKEN}"), ChannelBot(url)


@pytest.fixture(scope="session")
def bots(
    tmp_path_factory: pytest.TempPathFactory, knowledge_db_url: str, fake_telegram: FakeTelegramApi, fake_slack: FakeSlackApi
) -> Iterator[Dict[str, ChannelBot]]:
    """The action server and two Rasa servers, started together (about a minute)."""
    workdir = tmp_path_factory.mktemp("channels")
    action_port = free_port()
    action_url = f"http://127.0.0.1:{action_port}/webhook"
    configured_env = clean_env(
        knowledge_db_url,
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
    processes: List[Process] = []
    try:
        processes.append(
            Process(
                [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
                clean_env(knowledge_db_url),
                workdir / "actions.log",
                f"http://127.0.0.1:{action_port}/health",
            )
        )
        configured, configured_bot = rasa(workdir, "configured", action_url, configured_env)
        processes.append(configured)
        unconfigured, unconfigured_bot = rasa(workdir, "unconfigured", action_url, clean_env(knowledge_db_url))
        processes.append(unconfigured)
        for process in processes:
            process.ready()
        yield {"configured": configured_bot, "unconfigured": unconfigured_bot}
    finally:
        for process in processes:
            process.stop()


@pytest.fixture(scope="session")
def channel_bot(bots: Dict[str, ChannelBot]) -> ChannelBot:
    """Telegram and Slack configured like production, their APIs faked on loopback."""
    return bots["configured"]


@pytest.fixture(scope="session")
def unconfigured_bot(bots: Dict[str, ChannelBot]) -> ChannelBot:
    """Every channel variable empty, as with `make run` out of the box."""
    return bots["unconfigured"]
