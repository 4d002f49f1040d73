"""Messages the bot starts itself reach Telegram and Slack: a due reminder, sent by the action
server's scheduler through Rasa's trigger_intent API, arrives at the fake Bot API and Web API.
The reminder is made due by moving its time in the user-data store (no waiting)."""

from __future__ import annotations

import json
import sqlite3
from typing import Callable

import pytest

from tests.channels.conftest import ChannelBot, unique_id
from tests.channels.fakes import Call, FakeSlackApi, FakeTelegramApi
from tests.channels.test_slack import event_body
from tests.channels.test_telegram import new_chat, text_update

pytestmark = pytest.mark.e2e


def make_due(bot: ChannelBot) -> None:
    with sqlite3.connect(bot.workdir / "userdata.db") as db:
        db.execute("UPDATE reminders SET due_at = datetime('now', '-1 second') WHERE active = 1")


def test_a_due_reminder_is_pushed_to_telegram(channel_bot: ChannelBot, fake_telegram: FakeTelegramApi) -> None:
    chat = new_chat()

    def with_button(payload: str) -> Callable[[Call], bool]:
        return (
            lambda c: c.method == "sendMessage"
            and c.params.get("chat_id") == str(chat)
            and payload in c.params.get("reply_markup", "")
        )

    assert channel_bot.post_telegram(text_update(chat, "remind me in 2 hours")).status_code == 200
    fake_telegram.wait_for(with_button("/list_reminders"))  # the confirmation's "My reminders"
    make_due(channel_bot)
    [reminder] = fake_telegram.wait_for(with_button("/cancel_reminder"))  # the reminder's "Stop reminders"
    assert json.loads(reminder.params["reply_markup"])["inline_keyboard"]


def test_a_due_reminder_is_pushed_to_slack(channel_bot: ChannelBot, fake_slack: FakeSlackApi) -> None:
    def with_button(payload: str) -> Callable[[Call], bool]:
        return lambda c: c.method == "chat.postMessage" and payload in json.dumps(c.params.get("blocks"))

    user, dm = unique_id("U"), unique_id("D")
    assert channel_bot.post_slack(event_body(user, dm, "remind me in 2 hours")).status_code == 200
    [confirmation] = fake_slack.wait_for(with_button("/list_reminders"))  # "My reminders", in the DM
    assert confirmation.params["channel"] == dm
    make_due(channel_bot)
    [reminder] = fake_slack.wait_for(with_button("/cancel_reminder"))  # the reminder's "Stop reminders"
    assert reminder.params["channel"] == user  # a direct message to the person (Slack opens the DM)
