"""Slack output (channels/slack.py): structured replies as Block Kit, plain text mrkdwn-escaped
exactly once, buttons as actions blocks, threads kept. Checked against the local fake Web API."""

from __future__ import annotations

import json
from typing import Iterator

import pytest

from channels.slack import SecureSlackBot, SecureSlackInput, button_blocks, reply_blocks, slack_escape
from tests.channels.fakes import FakeSlackApi
from tests.channels.replies_for_tests import CHART_REPLY, EXPORT_REPLY, REPLY, SCRIPT, YES_NO


@pytest.fixture()
def slack_api() -> Iterator[FakeSlackApi]:
    api = FakeSlackApi().start()
    yield api
    api.stop()


def test_slack_escape_escapes_the_three_control_characters() -> None:
    assert slack_escape(SCRIPT) == "&lt;script&gt;alert('x')&lt;/script&gt; &amp; more"
    assert slack_escape("<!channel> <@U123> <https://evil.example|click>") == (
        "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt;"
    )


def test_a_structured_reply_is_block_kit_with_every_field_escaped_once() -> None:
    blocks = reply_blocks(REPLY)
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert texts[0] == "*Lower back &lt;release&gt; &amp; reset*\nLie on your back &amp; breathe."
    assert texts[1] == '1. Place the ball 2.5" off the spine\n2. Roll &lt; 30 s'
    assert texts[2] == "*Hold:* 15-30 s &gt; per spot"
    assert blocks[-2] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "_Stop if pain &gt; 7/10 &amp; tingling._"}]}
    assert [(e["text"]["text"], e["value"]) for e in blocks[-1]["elements"]] == [
        ("Another", "/next_exercise"),
        ("How often?", "/ask_dosage"),
    ]


def test_buttons_become_block_kit() -> None:
    blocks = button_blocks(slack_escape("Any numbness <or> tingling?"), YES_NO)
    assert blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": "Any numbness &lt;or&gt; tingling?"}}
    assert blocks[1]["type"] == "actions"
    assert [(e["text"]["text"], e["value"]) for e in blocks[1]["elements"]] == [(b["title"], b["payload"]) for b in YES_NO]
    assert all(e["type"] == "button" and e["text"]["type"] == "plain_text" for e in blocks[1]["elements"])
    assert len({e["action_id"] for e in blocks[1]["elements"]}) == 3
    many = button_blocks("Pick", [{"title": f"b{i}", "payload": f"/p{i}"} for i in range(30)])
    assert [len(b["elements"]) for b in many[1:]] == [25, 5]  # Block Kit allows 25 per actions block


async def test_slack_posts_escaped_text_structured_blocks_and_buttons_in_the_thread(slack_api: FakeSlackApi) -> None:
    bot = SecureSlackBot("xoxb-unit", "D0DM", thread_id="1700000000.000100", api_url=f"{slack_api.url}/api/")
    await bot.send_text_message("U1", SCRIPT)
    await bot.send_response("U1", {"text": "fallback", "custom": REPLY.to_json()})
    await bot.send_text_with_buttons("U1", "Any <numbness>?", YES_NO)
    plain, structured, question = slack_api.posted_to("D0DM")
    assert plain.text == "&lt;script&gt;alert('x')&lt;/script&gt; &amp; more"
    assert structured.params["blocks"] == reply_blocks(REPLY)
    assert structured.text.startswith("Lower back &lt;release&gt; &amp; reset")  # the notification fallback
    assert question.params["blocks"] == button_blocks(slack_escape("Any <numbness>?"), YES_NO)
    assert question.text == "Any &lt;numbness&gt;?"
    assert {call.params["thread_ts"] for call in (plain, structured, question)} == {"1700000000.000100"}
    assert not any("as_user" in call.params for call in (plain, structured, question))
    assert plain.credential == "xoxb-unit"


def test_slack_without_signing_secret_is_disabled_not_crashing() -> None:
    channel = SecureSlackInput.from_credentials({"slack_token": "", "slack_signing_secret": "", "slack_channel": ""})
    assert isinstance(channel, SecureSlackInput)
    assert channel.disabled_reason == "SLACK_SIGNING_SECRET is empty"
    bad_url = SecureSlackInput.from_credentials({"slack_signing_secret": "s", "slack_api_url": "http://slack.example.com/api/"})
    assert isinstance(bad_url, SecureSlackInput) and "SLACK_API_URL" in str(bad_url.disabled_reason)


def test_slack_reply_thread_rules() -> None:
    channel = SecureSlackInput("xoxb", slack_signing_secret="s")
    event = {"channel": "C1", "ts": "2.0", "channel_type": "channel"}
    assert channel.event_metadata({"event": event})["reply_thread_ts"] is None  # top level stays top level
    assert channel.event_metadata({"event": {**event, "thread_ts": "1.0"}})["reply_thread_ts"] == "1.0"
    threaded = SecureSlackInput("xoxb", slack_signing_secret="s", use_threads=True)
    assert threaded.event_metadata({"event": event})["reply_thread_ts"] == "2.0"
    assert threaded.event_metadata({"event": {**event, "channel_type": "im"}})["reply_thread_ts"] is None


async def test_a_chart_and_an_export_are_uploaded_as_files(slack_api: FakeSlackApi) -> None:
    bot = SecureSlackBot("xoxb-unit", None, api_url=f"{slack_api.url}/api/")
    await bot.send_reply("U1", CHART_REPLY)
    await bot.send_reply("U1", EXPORT_REPLY)
    chart, export = slack_api.uploads()
    assert chart.body.startswith(b"\x89PNG")
    assert json.loads(export.body) == {"sessions": []}
    completed = slack_api.matching(lambda c: c.method == "files.completeUploadExternal")
    assert [c.params["channel_id"] for c in completed] == ["U1", "U1"]
