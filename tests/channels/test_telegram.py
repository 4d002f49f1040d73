"""Telegram end to end: real `rasa run` with credentials.yml, real action server, fake Bot API.

Updates are posted to /webhooks/telegram/webhook as Telegram would (JSON, secret header);
the fake Bot API on loopback records what the bot sends back.
"""

from __future__ import annotations

import html
import json
import random
import re
import time
from typing import Any, Dict, List

import pytest
import yaml

from knowledge.repository import KnowledgeRepository
from tests.channels.conftest import (
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    TELEGRAM_WEBHOOK_URL,
    ChannelBot,
)
from tests.channels.fakes import Call, FakeTelegramApi
from tests.servers import ROOT

pytestmark = pytest.mark.e2e


def new_chat() -> int:
    return random.randint(10**9, 2 * 10**9)


def new_update_id() -> int:
    return random.randint(10**8, 9 * 10**8)


def person(chat_id: int) -> Dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "en"}


def text_update(chat_id: int, text: str, update_id: int = 0) -> Dict[str, Any]:
    return {
        "update_id": update_id or new_update_id(),
        "message": {
            "message_id": random.randint(1, 10**6),
            "from": person(chat_id),
            "chat": {"id": chat_id, "first_name": "Test", "type": "private"},
            "date": int(time.time()),
            "text": text,
        },
    }


def button_update(chat_id: int, data: str, query_id: str) -> Dict[str, Any]:
    return {
        "update_id": new_update_id(),
        "callback_query": {
            "id": query_id,
            "from": person(chat_id),
            "chat_instance": "-123456789",
            "data": data,
            "message": {
                "message_id": random.randint(1, 10**6),
                "from": {"id": 123456789, "is_bot": True, "first_name": "TPC test", "username": "tpc_test_bot"},
                "chat": {"id": chat_id, "first_name": "Test", "type": "private"},
                "date": int(time.time()),
                "text": "Any numbness?",
            },
        },
    }


def keyboard(call: Call) -> List[List[Dict[str, str]]]:
    return call.json_param("reply_markup")["inline_keyboard"]


def with_keyboard(api: FakeTelegramApi, chat_id: int) -> Any:
    return lambda c: c.method == "sendMessage" and c.params.get("chat_id") == str(chat_id) and "reply_markup" in c.params


def domain_text(name: str) -> str:
    for path in sorted((ROOT / "domain").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text()) or {}).get("responses", {})
        if name in responses:
            return responses[name][0]["text"]
    raise KeyError(name)


def test_webhook_is_registered_with_the_secret_token(channel_bot: ChannelBot, fake_telegram: FakeTelegramApi) -> None:
    [call] = fake_telegram.wait_for(lambda c: c.method == "setWebhook")
    assert call.credential == TELEGRAM_TOKEN
    assert call.params["url"] == TELEGRAM_WEBHOOK_URL
    assert call.params["secret_token"] == TELEGRAM_SECRET
    assert json.loads(call.params["allowed_updates"]) == ["message", "callback_query"]
    assert fake_telegram.matching(lambda c: c.method == "getMe")  # bot name checked once, at start-up


def test_a_pain_report_gets_the_checklist_with_its_buttons(
    channel_bot: ChannelBot, fake_telegram: FakeTelegramApi, repo: KnowledgeRepository
) -> None:
    chat = new_chat()
    response = channel_bot.post_telegram(text_update(chat, "my lower back hurts"))
    assert response.status_code == 200

    [checklist] = fake_telegram.wait_for(with_keyboard(fake_telegram, chat))
    sent = fake_telegram.sent_to(chat)
    assert all(call.params["parse_mode"] == "HTML" for call in sent)
    assert all(call.credential == TELEGRAM_TOKEN for call in sent)
    wording = repo.checklist().wording
    assert checklist.text.startswith(f"<b>{wording['title']}</b>")
    assert all(
        f"\u2022 {html.escape(item.text, quote=False)}" in checklist.text for item in repo.checklist().for_areas(("lower_back",))
    )
    buttons = {button["text"]: button["callback_data"] for row in keyboard(checklist) for button in row}
    assert buttons == {wording["none_button"]: "/deny", wording["yes_button"]: "/affirm", wording["why_button"]: "/ask_why"}

    tracker = channel_bot.tracker(f"telegram:{chat}")
    assert tracker["latest_input_channel"] == "telegram"
    assert tracker["latest_message"]["text"] == "my lower back hurts"


def test_tapping_none_of_these_answers_the_callback_and_sends_the_steps(
    channel_bot: ChannelBot, fake_telegram: FakeTelegramApi, repo: KnowledgeRepository
) -> None:
    chat = new_chat()
    channel_bot.post_telegram(text_update(chat, "my lower back hurts"))
    fake_telegram.wait_for(with_keyboard(fake_telegram, chat))

    query_id = f"cbq-{new_update_id()}"
    response = channel_bot.post_telegram(button_update(chat, "/deny", query_id))
    assert response.status_code == 200

    [answer] = fake_telegram.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query_id
    )
    assert answer.credential == TELEGRAM_TOKEN
    first_step = html.escape(repo.exercises_for_area("lower_back")[0].steps[0], quote=False)
    [steps] = fake_telegram.wait_for(lambda c: c.params.get("chat_id") == str(chat) and first_step in c.text)
    assert steps.text.startswith("<b>") and re.search(r"\n<b>[^<>]+:</b> ", steps.text)  # title, bold labelled facts
    assert "&amp;lt;" not in steps.text and "&amp;amp;" not in steps.text  # escaped once, never twice
    # the placement picture came first, as a photo whose caption is the exercise's position sentence
    [photo] = fake_telegram.matching(lambda c: c.method == "sendPhoto" and str(c.params.get("chat_id")) == str(chat))
    assert photo.params["photo"].startswith(b"\x89PNG")
    assert photo.params["caption"] == repo.exercises_for_area("lower_back")[0].steps[0]
    latest = channel_bot.tracker(f"telegram:{chat}")["latest_message"]
    assert latest["text"] == "/deny" and latest["intent"]["name"] == "deny"


def test_domain_responses_are_html_escaped_plain_text(channel_bot: ChannelBot, fake_telegram: FakeTelegramApi) -> None:
    chat = new_chat()
    response = channel_bot.post_telegram(text_update(chat, "/start"))  # Telegram's first message: a greeting
    assert response.status_code == 200
    greeting = domain_text("utter_greet")
    [reply] = fake_telegram.wait_for(lambda c: c.params.get("chat_id") == str(chat) and "reply_markup" in c.params)
    assert reply.text == html.escape(greeting, quote=False)
    assert reply.params["parse_mode"] == "HTML"
    assert channel_bot.tracker(f"telegram:{chat}")["latest_message"]["intent"]["name"] == "greet"


FORGED_SECRETS = [None, "", "wrong-secret", TELEGRAM_SECRET + "x", TELEGRAM_SECRET.upper(), TELEGRAM_SECRET[:-1]]


@pytest.mark.parametrize("secret", FORGED_SECRETS)
def test_forged_or_missing_secret_gets_403_and_no_outbound_call(
    channel_bot: ChannelBot, fake_telegram: FakeTelegramApi, secret: Any
) -> None:
    chat = new_chat()
    fake_telegram.wait_for(lambda c: c.method == "setWebhook")  # start-up calls are done
    calls_before = len(fake_telegram.calls)
    assert channel_bot.post_telegram(text_update(chat, "my lower back hurts"), secret=secret).status_code == 403
    assert channel_bot.post_telegram(button_update(chat, "/deny", "cbq-forged"), secret=secret).status_code == 403
    assert channel_bot.post_telegram(b"not even json", secret=secret).status_code == 403
    assert len(fake_telegram.calls) == calls_before
    assert channel_bot.user_texts(f"telegram:{chat}") == []  # never reached NLU or the tracker


def test_a_redelivered_update_is_handled_once(channel_bot: ChannelBot, fake_telegram: FakeTelegramApi) -> None:
    chat = new_chat()
    update = text_update(chat, "thanks")
    assert channel_bot.post_telegram(update).text == "success"
    sent = len(fake_telegram.wait_for(lambda c: c.params.get("chat_id") == str(chat)))
    assert channel_bot.post_telegram(update).text == "duplicate"
    assert len(fake_telegram.sent_to(chat)) == sent
    assert channel_bot.user_texts(f"telegram:{chat}") == ["thanks"]


def test_unconfigured_telegram_refuses_everything_and_the_bot_still_runs(unconfigured_bot: ChannelBot) -> None:
    chat = new_chat()
    for secret in (None, "", "anything", TELEGRAM_SECRET):
        assert unconfigured_bot.post_telegram(text_update(chat, "hi"), secret=secret).status_code == 403
    assert unconfigured_bot.user_texts(f"telegram:{chat}") == []
