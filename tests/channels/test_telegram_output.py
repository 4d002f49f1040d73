"""Telegram output (channels/telegram.py): structured replies as HTML, domain text escaped,
buttons as an inline keyboard, long messages split, the chart uploaded as a photo, an export as a
document. Checked on
the wire against the local fake Bot API."""

from __future__ import annotations

import json
from typing import Iterator

import pytest
from rasa.core.channels.channel import UserMessage

from channels.telegram import SecureTelegramInput, SecureTelegramOutput, telegram_html
from replies.model import Reply
from tests.channels.fakes import FakeTelegramApi
from tests.channels.replies_for_tests import CHART_REPLY, EXPORT_REPLY, REPLY, SCRIPT, YES_NO
from tests.checks import present

TOKEN = "123456789:AAunit-test-token"


@pytest.fixture()
def telegram_api() -> Iterator[FakeTelegramApi]:
    api = FakeTelegramApi().start()
    yield api
    api.stop()


def test_a_structured_reply_is_html_with_every_field_escaped_once() -> None:
    rendered = telegram_html(REPLY)
    assert rendered.startswith("<b>Lower back &lt;release&gt; &amp; reset</b>\n")
    assert '1. Place the ball 2.5" off the spine\n2. Roll &lt; 30 s' in rendered
    assert "<b>Hold:</b> 15-30 s &gt; per spot" in rendered
    assert "\u2022 Softer ball if it's &gt; 7/10" in rendered
    assert rendered.endswith("<i>Stop if pain &gt; 7/10 &amp; tingling.</i>")
    assert "&amp;amp;" not in rendered and "&amp;lt;" not in rendered  # never twice


async def test_domain_text_is_escaped_and_structured_replies_rendered_here(telegram_api: FakeTelegramApi) -> None:
    out = SecureTelegramOutput(TOKEN, telegram_api.url)
    try:
        await out.send_text_message("42", SCRIPT)
        await out.send_text_message("42", "<b>looks like markup</b>")  # no sniffing: plain text is escaped
        await out.send_response("42", {"text": "fallback", "custom": REPLY.to_json()})
    finally:
        await out.close_session()
    plain, lookalike, structured = telegram_api.sent_to(42)
    assert plain.params["parse_mode"] == structured.params["parse_mode"] == "HTML"
    assert plain.text == "&lt;script&gt;alert('x')&lt;/script&gt; &amp; more"
    assert lookalike.text == "&lt;b&gt;looks like markup&lt;/b&gt;"
    assert structured.text == telegram_html(REPLY)
    assert [b["callback_data"] for b in structured.json_param("reply_markup")["inline_keyboard"][0]] == [
        "/next_exercise",
        "/ask_dosage",
    ]
    assert plain.credential == TOKEN


async def test_telegram_buttons_become_an_inline_keyboard(telegram_api: FakeTelegramApi) -> None:
    out = SecureTelegramOutput(TOKEN, telegram_api.url)
    long_payload = '/ask_routine{"goal": "desk_work", "minutes": "10", "body_area": ["lower_back", "hip"]}'
    try:
        await out.send_text_with_buttons("42", "Any numbness <or> tingling?", YES_NO[:2])
        await out.send_text_with_buttons("42", "Pick one", [{"title": "A much longer button title", "payload": long_payload}])
    finally:
        await out.close_session()
    question, routine = telegram_api.sent_to(42)
    assert question.text == "Any numbness &lt;or&gt; tingling?"
    assert question.json_param("reply_markup") == {
        "inline_keyboard": [
            [{"text": "None of these", "callback_data": "/deny"}, {"text": "Yes, one applies", "callback_data": "/affirm"}]
        ]
    }
    [[button]] = routine.json_param("reply_markup")["inline_keyboard"]
    assert len(button["callback_data"].encode()) <= 64  # Telegram's limit
    assert out.payload_for(button["callback_data"]) == long_payload


async def test_telegram_splits_messages_over_4096_characters_between_lines(telegram_api: FakeTelegramApi) -> None:
    out = SecureTelegramOutput(TOKEN, telegram_api.url)
    long_reply = Reply(
        kind="routine", title="Long", steps=tuple(f"step {i} " + "x" * 90 for i in range(100)), buttons=REPLY.buttons
    )
    try:
        await out.send_reply("42", long_reply)
    finally:
        await out.close_session()
    sent = telegram_api.sent_to(42)
    assert len(sent) == 3 and all(len(call.text) <= 4096 for call in sent)
    assert "\n".join(call.text for call in sent) == telegram_html(long_reply)
    assert ["reply_markup" in call.params for call in sent] == [False, False, True]  # buttons under the last piece


def test_unconfigured_telegram_is_disabled_not_crashing() -> None:
    empty = {"access_token": "", "verify": "", "webhook_url": "", "secret_token": "", "api_url": ""}
    channel = SecureTelegramInput.from_credentials(empty)
    assert isinstance(channel, SecureTelegramInput) and not channel.enabled
    for override, reason in [
        ({"access_token": TOKEN}, "TELEGRAM_SECRET_TOKEN is empty"),
        ({"secret_token": "bad secret!"}, "TELEGRAM_SECRET_TOKEN must be"),
        ({"secret_token": "ok-secret"}, "TELEGRAM_ACCESS_TOKEN is empty"),
        ({"secret_token": "ok-secret", "access_token": "not-a-token"}, "not a bot token"),
        ({"secret_token": "ok-secret", "access_token": TOKEN, "api_url": "http://api.example.com"}, "TELEGRAM_API_URL"),
    ]:
        channel = SecureTelegramInput.from_credentials({**empty, **override})
        assert isinstance(channel, SecureTelegramInput)
        assert not channel.enabled and channel.disabled_reason and reason in channel.disabled_reason


async def test_a_chart_is_a_photo_with_its_caption_and_an_export_a_document(telegram_api: FakeTelegramApi) -> None:
    out = SecureTelegramOutput(TOKEN, telegram_api.url)
    try:
        await out.send_reply("42", CHART_REPLY)
        await out.send_reply("42", EXPORT_REPLY)
    finally:
        await out.close_session()
    [photo] = telegram_api.matching(lambda c: c.method == "sendPhoto")
    assert photo.params["photo"].startswith(b"\x89PNG") and photo.params["caption"] == present(CHART_REPLY.chart).alt
    [document] = telegram_api.matching(lambda c: c.method == "sendDocument")
    assert json.loads(document.params["document"]) == {"sessions": []}


async def test_a_long_payload_button_made_by_another_replica_resolves_from_the_tracker_store(
    telegram_api: FakeTelegramApi,
) -> None:
    """Two Rasa replicas share the tracker store, not their memory: the key of a payload over 64
    bytes is a digest, found among the buttons the bot sent in that conversation."""
    from types import SimpleNamespace

    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from channels.telegram import tracker_button_payloads

    long_payload = '/ask_routine{"goal": "desk_work", "minutes": "10", "body_area": ["lower_back", "hip"]}'
    replica_a, replica_b = (
        SecureTelegramInput(TOKEN, None, None, secret_token="s3cret", api_url=telegram_api.url) for _ in range(2)
    )
    sent = {"custom": {"kind": "routine", "buttons": [{"title": "Desk reset", "payload": long_payload}]}}
    store = InMemoryTrackerStore(Domain.empty())
    await store.save(DialogueStateTracker.from_events("telegram:42", [BotUttered("Pick one", data=sent)]))
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store)))
    received: list = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message.text)

    try:
        key = replica_a.get_output_channel().callback_data(long_payload)
        assert replica_b.get_output_channel().payload_for(key) is None  # not in this replica's memory
        tap = {"update_id": 7, "callback_query": {"id": "c1", "data": key, "message": {"chat": {"id": 42}}}}
        assert await replica_b.handle_update(tap, on_new_message, tracker_button_payloads(app)) == "success"
        unknown = {"update_id": 8, "callback_query": {"id": "c2", "data": "~" + "0" * 32, "message": {"chat": {"id": 42}}}}
        assert await replica_b.handle_update(unknown, on_new_message, tracker_button_payloads(app)) == "ignored"
    finally:
        for replica in (replica_a, replica_b):
            await replica.get_output_channel().close_session()
    assert received == [long_payload]
