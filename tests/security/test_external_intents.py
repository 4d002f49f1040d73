"""A person cannot send the scheduler's intent.

`EXTERNAL_reminder` is the intent the reminder scheduler triggers through Rasa's token-protected
HTTP API (userdata/scheduler.py); it makes the bot send a due reminder. Rasa reads any message
`/<intent>` as that intent, so a person typing `/EXTERNAL_reminder` on any channel passed for
the scheduler. Every input channel now neutralises such a message (channels/guard.py
`neutralise_external`): it is read as words. Checked with Rasa's own parser, in each channel's
code, and end to end over REST and the widget.
"""

from __future__ import annotations

import asyncio
from typing import Any, List

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from channels.guard import clean_text, neutralise_external
from tests.browser.test_socket_channel import Widget
from tests.channels.conftest import ChannelBot
from tests.servers import ROOT, Bot

TYPED = [
    "/EXTERNAL_reminder",
    "  /EXTERNAL_reminder  ",
    "\u00a0/EXTERNAL_reminder",  # a no-break space: Python's strip, as Rasa's, removes it
    "/ EXTERNAL_reminder",
    "/EXTERNAL_reminder@1.0",
    '/EXTERNAL_reminder{"reminder": "1"}',
    "/EXTERNAL_reminder@0.9{}",
]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


def intent_read_by_rasa(text: str, domain: Domain) -> Any:
    """The intent Rasa's `/intent` parser (RegexMessageHandler) finds in a message, or None."""
    parsed = YAMLStoryReader.unpack_regex_message(Message(data={"text": text}), domain)
    return (parsed.get("intent") or {}).get("name")


def test_rasa_reads_a_typed_external_intent_as_that_intent(domain: Domain) -> None:
    """The attack: without the guard, each of these is the scheduler's intent."""
    assert "EXTERNAL_reminder" in domain.intents
    for typed in TYPED:
        assert intent_read_by_rasa(typed, domain) == "EXTERNAL_reminder", typed


@pytest.mark.parametrize("typed", TYPED)
def test_the_guard_leaves_no_external_intent(typed: str, domain: Domain) -> None:
    cleaned = clean_text(typed)
    assert intent_read_by_rasa(cleaned, domain) is None
    assert "EXTERNAL_reminder" in cleaned  # read as words, not dropped


@pytest.mark.parametrize("typed", ["/affirm", "/greet", "/ask_why", "hello", "what is /EXTERNAL_reminder", "//EXTERNAL_x"])
def test_other_messages_and_button_payloads_are_left_alone(typed: str) -> None:
    assert neutralise_external(typed) == typed


async def test_telegram_neutralises_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from channels.telegram import SecureTelegramInput

    monkeypatch.delenv("DEDUPE_REDIS_URL", raising=False)  # the per-process dedupe
    channel = SecureTelegramInput("123456:test-token", None, None, secret_token="secret", api_url="http://127.0.0.1:9")
    received: List[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    update = {"update_id": 7, "message": {"message_id": 1, "text": "/EXTERNAL_reminder", "chat": {"id": 42}}}
    assert await channel.handle_update(update, on_new_message) == "success"
    assert [(m.text, m.sender_id) for m in received] == [("EXTERNAL_reminder", "telegram:42")]


async def test_slack_neutralises_it() -> None:
    from channels.slack import SecureSlackInput

    channel = SecureSlackInput("xoxb-test", slack_signing_secret="secret")
    received: List[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    channel._dispatch(on_new_message, "/EXTERNAL_reminder", "U123", {})
    await asyncio.gather(*channel._tasks)
    assert [(m.text, m.sender_id) for m in received] == [("EXTERNAL_reminder", "slack:U123")]


def scheduler_turns(bot: Bot, conversation: str) -> List[Any]:
    """The user events read as an EXTERNAL_ intent, and the reminders sent, in a conversation."""
    events = bot.tracker(conversation)["events"]
    external = [e for e in events if e.get("event") == "user" and e["parse_data"]["intent"]["name"].startswith("EXTERNAL_")]
    sent = [e for e in events if e.get("event") == "action" and e.get("name") == "action_send_reminder"]
    return external + sent


@pytest.mark.e2e
def test_typed_over_rest_it_is_not_the_scheduler(bot: Bot) -> None:
    sender = bot.new_sender()
    bot.say(sender, "hello")
    for typed in TYPED[:3]:
        assert bot.say(sender, typed)  # answered, as words
    user = [e for e in bot.tracker(sender)["events"] if e.get("event") == "user"]
    assert len(user) == 4
    assert scheduler_turns(bot, sender) == []


@pytest.mark.e2e
def test_typed_in_the_widget_it_is_not_the_scheduler(bot: Bot, page_origin: str) -> None:
    widget = Widget(bot.url, page_origin)
    try:
        session = widget.session(None)
        widget.say("/EXTERNAL_reminder", session)
        widget.replies(until=lambda m: True)
        conversation = f"socketio:{session}"
        assert ChannelBot(bot.url, bot.workdir).user_texts_once_saved(conversation, "EXTERNAL_reminder") == ["EXTERNAL_reminder"]
        assert scheduler_turns(bot, conversation) == []
    finally:
        widget.close()
