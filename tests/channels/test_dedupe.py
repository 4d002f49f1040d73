"""Telegram and Slack dedupe across replicas (channels/dedupe.py), against the local Redis.

Two `Dedupe` objects (or two channel objects) with the same DEDUPE_REDIS_URL stand for two
Rasa replicas: a retry that reaches the other replica must not be handled again. Without the
URL the memory of one process is used, as with `make run`. No Rasa server is started here; the
compose stack repeats the check with two real replicas (tests/deploy/stack).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from types import SimpleNamespace
from typing import Any, Dict, List, cast

import pytest
import redis
from sanic.request import Request

from channels.dedupe import KEY_PREFIX, Dedupe, telegram_namespace
from channels.slack import SecureSlackInput
from channels.telegram import SecureTelegramInput
from settings import settings
from tests.conftest import require_service
from tests.servers import free_port

pytestmark = pytest.mark.services

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture()
def redis_url() -> Any:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        require_service(f"Redis at {REDIS_URL} unavailable: {error}")
    yield REDIS_URL
    for key in client.scan_iter(f"{KEY_PREFIX}test-*"):
        client.delete(key)
    client.close()


def namespace() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


async def test_a_key_claimed_by_one_replica_is_refused_to_the_other(redis_url: str) -> None:
    ns = namespace()
    first, second = Dedupe(ns, url=redis_url), Dedupe(ns, url=redis_url)
    try:
        assert first.shared and second.shared
        assert not await second.seen("update-1")
        assert await first.claim("update-1")
        assert not await second.claim("update-1")
        assert not await first.claim("update-1")
        assert await second.seen("update-1")
        assert await second.claim("update-2")  # another key is free
    finally:
        await first.close()
        await second.close()


async def test_simultaneous_claims_of_one_key_have_exactly_one_winner(redis_url: str) -> None:
    ns = namespace()
    replicas = [Dedupe(ns, url=redis_url) for _ in range(2)]
    try:
        for round_ in range(10):
            results = await asyncio.gather(*(replicas[i % 2].claim(f"event-{round_}") for i in range(10)))
            assert sorted(results) == [False] * 9 + [True]
    finally:
        for replica in replicas:
            await replica.close()


async def test_a_claim_expires_after_its_ttl(redis_url: str) -> None:
    dedupe = Dedupe(namespace(), url=redis_url, ttl=1)
    try:
        assert await dedupe.claim("k")
        ttl = redis.Redis.from_url(redis_url).ttl(dedupe.key("k"))
        assert 0 < ttl <= 1
        deadline = time.monotonic() + 15
        while await dedupe.seen("k"):  # Redis expires the key; poll, do not sleep a fixed time
            assert time.monotonic() < deadline, "the key never expired"
            await asyncio.sleep(0.1)
        assert await dedupe.claim("k")  # Redis rules, whatever this process remembers
    finally:
        await dedupe.close()


async def test_without_a_url_each_process_remembers_for_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEDUPE_REDIS_URL", raising=False)
    one, other = Dedupe.from_env("t"), Dedupe.from_env("t")
    assert not one.shared
    assert await one.claim("x") and not await one.claim("x")
    assert await one.seen("x") and not await other.seen("x")
    assert await other.claim("x")  # separate processes, separate memories (the embedded default)


def test_the_password_comes_from_the_url_or_else_redis_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEDUPE_REDIS_URL", "redis://redis:6379/1")
    monkeypatch.setenv("REDIS_PASSWORD", "from-the-lock-store")
    pool = Dedupe.from_env("t")._redis().connection_pool
    assert pool.connection_kwargs["password"] == "from-the-lock-store"
    assert pool.connection_kwargs["db"] == 1
    monkeypatch.setenv("DEDUPE_REDIS_URL", "redis://:in-the-url@redis:6379/1")
    settings.cache_clear()  # the environment changed within the test
    assert Dedupe.from_env("t")._redis().connection_pool.connection_kwargs["password"] == "in-the-url"


async def test_redis_down_falls_back_to_this_process(caplog: pytest.LogCaptureFixture) -> None:
    dedupe = Dedupe(namespace(), url=f"redis://127.0.0.1:{free_port()}/0")
    try:
        with caplog.at_level(logging.WARNING, logger="channels.dedupe"):
            assert await dedupe.claim("k")  # answered, not dropped
            assert not await dedupe.claim("k")  # and still not twice in this process
        assert "unavailable" in caplog.text
    finally:
        await dedupe.close()


def test_telegram_keys_are_per_bot() -> None:
    assert telegram_namespace("123456789:AAsecret") == "telegram:123456789"
    assert telegram_namespace("") == "telegram"


# -- the channels themselves: two connector objects = two replicas -------------------------


class Collected:
    def __init__(self) -> None:
        self.messages: List[Any] = []

    async def __call__(self, message: Any) -> None:
        self.messages.append(message)


async def test_telegram_update_delivered_to_two_replicas_is_handled_once(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEDUPE_REDIS_URL", redis_url)
    token = f"{uuid.uuid4().int % 10**9}:AAtest-bot-token_for-dedupe"
    replicas = [
        SecureTelegramInput(token, "tpc_test_bot", "", secret_token="dedupe-secret", api_url="http://127.0.0.1:9")
        for _ in range(2)
    ]
    collected = Collected()
    update: Dict[str, Any] = {
        "update_id": uuid.uuid4().int % 10**9,
        "message": {"message_id": 1, "chat": {"id": 4242, "type": "private"}, "date": int(time.time()), "text": "hello"},
    }
    try:
        outcomes = await asyncio.gather(*(replica.handle_update(update, collected) for replica in replicas))
        assert sorted(outcomes) == ["duplicate", "success"]
        assert [m.text for m in collected.messages] == ["hello"]
        assert await replicas[0].handle_update(update, collected) == "duplicate"  # a later retry too
    finally:
        for replica in replicas:
            await replica.seen_updates.close()
            if replica.output is not None:
                await replica.output.close_session()


def slack_request(body: bytes, headers: Dict[str, str]) -> Request:
    """What handle_event reads of a Sanic request, and only that (a stand-in: hence the cast)."""
    return cast(Request, SimpleNamespace(body=body, headers=headers))


async def test_slack_retry_on_the_other_replica_gets_no_second_reply(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEDUPE_REDIS_URL", redis_url)
    replicas = [
        SecureSlackInput("xoxb-0000-test-token", slack_signing_secret="dedupe-secret", api_url="http://127.0.0.1:9/api/")
        for _ in range(2)
    ]
    collected = Collected()
    user, dm, ts = f"U{uuid.uuid4().hex[:8].upper()}", f"D{uuid.uuid4().hex[:8].upper()}", f"{time.time():.6f}"
    body = {
        "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event": {"type": "message", "user": user, "text": "hello", "ts": ts, "channel": dm, "channel_type": "im"},
        "authorizations": [{"user_id": "UBOTUSER01", "is_bot": True}],
    }
    raw = json.dumps(body).encode()
    try:
        first = await replicas[0].handle_event(slack_request(raw, {}), collected)
        retry_headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
        retry = await replicas[1].handle_event(slack_request(raw, retry_headers), collected)
        assert first.body == b"" and retry.body == b"duplicate"
        assert retry.headers.get("X-Slack-No-Retry") == "1"
        # the same message as another event (Slack's message + app_mention pair), on the other replica
        twin = dict(body, event_id=f"Ev{uuid.uuid4().hex[:10].upper()}")
        assert (await replicas[1].handle_event(slack_request(json.dumps(twin).encode(), {}), collected)).body == b"duplicate"
        deadline = time.monotonic() + 10
        while not collected.messages:  # the first delivery is handled in the background
            assert time.monotonic() < deadline, "the first delivery was never handed to Rasa"
            await asyncio.sleep(0.05)
        await asyncio.gather(*replicas[0]._tasks)
        assert [m.text for m in collected.messages] == ["hello"]
    finally:
        for replica in replicas:
            await replica.seen_events.close()
