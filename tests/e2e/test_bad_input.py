"""Bad input on the REST endpoint: a clear 4xx or a sensible reply, never a 500 or a dead
process, and no lost data."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import requests

from tests.e2e.replies import text_of
from tests.servers import Bot

pytestmark = pytest.mark.e2e

Conversation = Tuple[str, List[Dict[str, Any]]]  # a sender and its events before the bad requests


def post_raw(bot: Bot, data: bytes, content_type: str = "application/json") -> requests.Response:
    return requests.post(f"{bot.url}/webhooks/rest/webhook", data=data, headers={"Content-Type": content_type}, timeout=60)


def post(bot: Bot, body: object) -> requests.Response:
    return post_raw(bot, json.dumps(body).encode())


@pytest.fixture()
def conversation(bot: Bot) -> Iterator[Conversation]:
    """A conversation in progress, to check nothing is lost by the bad requests."""
    sender = bot.new_sender()
    bot.say(sender, "my neck is stiff")
    before = bot.tracker(sender)["events"]
    yield sender, before
    after = bot.tracker(sender)["events"]
    assert after[: len(before)] == before
    assert requests.get(f"{bot.url}/", timeout=10).status_code == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"\xff\xfe\x00garbage", 400),
        (b"[1, 2, 3]", 400),
        (json.dumps({"sender": "x", "message": 123}).encode(), 400),
        (json.dumps({"sender": 5, "message": "hi"}).encode(), 400),
        (json.dumps({"message": "hi"}).encode(), 400),
        (json.dumps({"sender": "s" * 10_000, "message": "hi"}).encode(), 400),
        (json.dumps({"sender": "a b<script>", "message": "hi"}).encode(), 400),
        (json.dumps({"sender": "x", "message": "hi", "metadata": "nope"}).encode(), 400),
        (json.dumps({"sender": "x", "message": "a" * 100_000}).encode(), 413),
        (json.dumps({"sender": "x", "message": "😀" * 10_000}).encode(), 413),
    ],
    ids=[
        "malformed",
        "invalid-utf8",
        "not-an-object",
        "message-int",
        "sender-int",
        "no-sender",
        "huge-sender",
        "bad-sender-chars",
        "metadata-string",
        "100KB",
        "10k-emoji",
    ],
)
def test_rejected_with_a_clear_4xx(bot: Bot, conversation: Conversation, body: bytes, status: int) -> None:
    response = post_raw(bot, body)
    assert response.status_code == status, response.text
    assert "error" in response.json()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "    ",
        "my neck\x00 hurts",
        "<script>alert(1)</script>",
        "'; DROP TABLE events; --",
        "Mein Rücken tut weh",
        "我的背很痛",
        "مرحبا",
        "a" * 2000,
        "/",
        "/nonexistent_intent",
        '/inform{"body_area": 5}',
        "{}",
        "\u202e\u200b",
    ],
    ids=[
        "empty",
        "whitespace",
        "nul",
        "script",
        "sql",
        "german",
        "chinese",
        "arabic",
        "at-limit",
        "slash",
        "unknown-intent",
        "bad-entity",
        "braces",
        "invisible",
    ],
)
def test_answered_sensibly(bot: Bot, conversation: Conversation, text: str) -> None:
    sender = bot.new_sender()
    response = post(bot, {"sender": sender, "message": text})
    assert response.status_code == 200, response.text
    messages = response.json()
    assert messages and text_of(messages).strip()
    assert "Traceback" not in response.text


def test_input_channel_cannot_be_spoofed(bot: Bot) -> None:
    sender = bot.new_sender()
    post(bot, {"sender": sender, "message": "hi", "input_channel": "telegram"})
    assert bot.tracker(sender)["latest_input_channel"] == "rest"
