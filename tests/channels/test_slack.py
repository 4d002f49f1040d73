"""Slack end to end: real `rasa run` with credentials.yml, real action server, fake Web API.

Events are posted to /webhooks/slack/webhook signed like Slack signs them; the fake Web API
on loopback records every chat.postMessage. Slack handles events in the background, so each
test that checks "no (second) reply" ends with a barrier: a valid follow-up message from the
same person whose reply can only come after anything the earlier request could have caused
(one conversation is processed in order), then the tracker shows exactly what was processed.
"""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional
from urllib.parse import urlencode

import pytest

from knowledge.repository import KnowledgeRepository
from tests.channels.conftest import SLACK_BOT_CHANNEL, SLACK_SIGNING_SECRET, SLACK_TOKEN, ChannelBot, unique_id
from tests.channels.fakes import Call, FakeSlackApi

pytestmark = pytest.mark.e2e

BOT_USER = "UBOTUSER01"
WELCOME = "You're welcome"
GREETING = "Trigger Point Coach"


def new_ts() -> str:
    return f"{time.time():.6f}"


def event_body(
    user: str,
    channel: str,
    text: str,
    *,
    event_id: str = "",
    ts: str = "",
    channel_type: str = "im",
    thread_ts: Optional[str] = None,
    event_type: str = "message",
    **extra: Any,
) -> bytes:
    ts = ts or new_ts()
    event: Dict[str, Any] = {
        "type": event_type,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel": channel,
        "channel_type": channel_type,
        **extra,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    body = {
        "token": "legacy-verification-token",
        "team_id": "T0TEAM",
        "api_app_id": "A0APP",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or unique_id("Ev"),
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0TEAM", "user_id": BOT_USER, "is_bot": True}],
    }
    return json.dumps(body).encode()


def posts(api: FakeSlackApi, channel: str, containing: str = "") -> List[Call]:
    return [call for call in api.posted_to(channel) if containing in call.text]


def barrier(bot: ChannelBot, api: FakeSlackApi, user: str, channel: str, **event: Any) -> Call:
    """Send "thanks", wait for its reply and its tracker save: all that came before is done."""
    assert bot.post_slack(event_body(user, channel, "thanks", **event)).status_code == 200
    reply = api.wait_for(lambda c: c.params.get("channel") == channel and WELCOME in c.text)[-1]
    bot.user_texts_once_saved(f"slack:{user}", "thanks")
    return reply


def test_url_verification_echoes_the_challenge_only_when_signed(channel_bot: ChannelBot) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "x", "challenge": challenge, "type": "url_verification"})
    response = channel_bot.post_slack(body.encode())
    assert response.status_code == 200
    assert response.json() == {"challenge": challenge}
    assert channel_bot.post_slack(body.encode(), secret="not-the-secret").status_code == 403


def test_signed_direct_message_is_answered_once_with_block_kit_buttons(channel_bot: ChannelBot, fake_slack: FakeSlackApi) -> None:
    user, dm = unique_id("U"), unique_id("D")
    response = channel_bot.post_slack(event_body(user, dm, "hi"))
    assert response.status_code == 200

    [greeting] = fake_slack.wait_for(lambda c: c.params.get("channel") == dm and GREETING in c.text)
    assert greeting.credential == SLACK_TOKEN
    assert "thread_ts" not in greeting.params  # a DM is answered in the DM, not in a thread
    assert "as_user" not in greeting.params
    section, actions = greeting.params["blocks"]
    assert section["type"] == "section" and section["text"]["type"] == "mrkdwn"
    assert actions["type"] == "actions"
    assert [b["value"] for b in actions["elements"]][1] == "/ask_ball_recommendation"
    assert all(b["type"] == "button" and b["text"]["type"] == "plain_text" for b in actions["elements"])

    barrier(channel_bot, fake_slack, user, dm)
    assert len(posts(fake_slack, dm, GREETING)) == 1
    assert channel_bot.user_texts(f"slack:{user}") == ["hi", "thanks"]
    assert channel_bot.tracker(f"slack:{user}")["latest_input_channel"] == "slack"


@pytest.mark.parametrize("reason", ["http_timeout", "http_error"])
def test_a_retry_of_a_handled_event_gets_no_second_reply(channel_bot: ChannelBot, fake_slack: FakeSlackApi, reason: str) -> None:
    user, dm, event_id, ts = unique_id("U"), unique_id("D"), unique_id("Ev"), new_ts()
    assert channel_bot.post_slack(event_body(user, dm, "hi", event_id=event_id, ts=ts)).status_code == 200
    fake_slack.wait_for(lambda c: c.params.get("channel") == dm and GREETING in c.text)
    replies = len(fake_slack.posted_to(dm))

    for attempt in ("1", "2"):
        retry = channel_bot.post_slack(
            event_body(user, dm, "hi", event_id=event_id, ts=ts),  # freshly signed, same event
            headers={"X-Slack-Retry-Num": attempt, "X-Slack-Retry-Reason": reason},
        )
        assert retry.status_code == 200
        assert retry.headers.get("X-Slack-No-Retry") == "1"

    welcome = barrier(channel_bot, fake_slack, user, dm)
    before_welcome = [call for call in fake_slack.posted_to(dm) if call is not welcome]
    assert len(before_welcome) == replies
    assert channel_bot.user_texts(f"slack:{user}") == ["hi", "thanks"]


def test_reply_goes_into_the_thread_it_was_addressed_in(channel_bot: ChannelBot, fake_slack: FakeSlackApi) -> None:
    user, parent = unique_id("U"), new_ts()
    body = event_body(user, SLACK_BOT_CHANNEL, "hi", channel_type="channel", thread_ts=parent)
    assert channel_bot.post_slack(body).status_code == 200
    [greeting] = fake_slack.wait_for(lambda c: c.params.get("thread_ts") == parent and GREETING in c.text)
    assert greeting.params["channel"] == SLACK_BOT_CHANNEL
    disclaimer = fake_slack.wait_for(lambda c: c.params.get("thread_ts") == parent and "not a clinician" in c.text)
    assert disclaimer[0].params["channel"] == SLACK_BOT_CHANNEL
    assert not fake_slack.matching(lambda c: c.params.get("channel") == SLACK_BOT_CHANNEL and c.params.get("thread_ts") is None)
    assert channel_bot.user_texts_once_saved(f"slack:{user}", "hi") == ["hi"]


def test_a_mention_is_answered_once_in_its_channel(channel_bot: ChannelBot, fake_slack: FakeSlackApi) -> None:
    """Slack sends `message` and `app_mention` for one mention: one reply, top level."""
    user, channel, ts = unique_id("U"), unique_id("C"), new_ts()
    text = f"<@{BOT_USER}> hi"
    mention = event_body(user, channel, text, ts=ts, channel_type="channel", event_type="app_mention")
    assert channel_bot.post_slack(mention).status_code == 200
    also_message = event_body(user, channel, text, ts=ts, channel_type="channel")
    assert channel_bot.post_slack(also_message).status_code == 200
    [greeting] = fake_slack.wait_for(lambda c: c.params.get("channel") == channel and GREETING in c.text)
    assert "thread_ts" not in greeting.params
    barrier(channel_bot, fake_slack, user, channel, channel_type="channel", event_type="app_mention")
    assert len(posts(fake_slack, channel, GREETING)) == 1
    assert channel_bot.user_texts(f"slack:{user}") == ["hi", "thanks"]  # the mention itself is stripped


def test_the_checklist_has_its_buttons_and_a_click_on_none_gives_the_steps(
    channel_bot: ChannelBot, fake_slack: FakeSlackApi, repo: KnowledgeRepository
) -> None:
    user, dm = unique_id("U"), unique_id("D")
    channel_bot.post_slack(event_body(user, dm, "my lower back hurts"))
    wording = repo.checklist().wording
    [checklist] = fake_slack.wait_for(lambda c: c.params.get("channel") == dm and wording["title"] in c.text)
    blocks = checklist.params["blocks"]
    assert blocks[0]["text"]["text"].startswith(f"*{wording['title']}*")
    bullets = next(b["text"]["text"] for b in blocks if b["type"] == "section" and b["text"]["text"].startswith("\u2022"))
    assert all(item.text.replace("&", "&amp;") in bullets for item in repo.checklist().for_areas(("lower_back",)))
    buttons = blocks[-1]["elements"]
    assert [(b["text"]["text"], b["value"]) for b in buttons] == [
        (wording["none_button"], "/deny"),
        (wording["yes_button"], "/affirm"),
        (wording["why_button"], "/ask_why"),
    ]
    none = buttons[0]
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "channel": {"id": dm},
        "message": {"ts": "1700000000.000100", "text": checklist.text},
        "trigger_id": unique_id("trigger"),
        "actions": [{"type": "button", "action_id": none["action_id"], "value": none["value"], "action_ts": new_ts()}],
    }
    form = urlencode({"payload": json.dumps(payload)}).encode()
    response = channel_bot.post_slack(form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    first_step = repo.exercises_for_area("lower_back")[0].steps[0].replace("&", "&amp;")
    fake_slack.wait_for(
        lambda c: c.params.get("channel") == dm and any(first_step in str(b) for b in c.params.get("blocks") or [])
    )
    # the placement picture was uploaded as a file first, its alt text the exercise's position sentence
    [upload] = fake_slack.matching(lambda c: c.method == "files.completeUploadExternal" and c.params.get("channel_id") == dm)
    assert upload.params["initial_comment"] == first_step
    assert channel_bot.user_texts_once_saved(f"slack:{user}", "/deny") == ["my lower back hurts", "/deny"]


def test_bad_signatures_are_rejected_without_any_processing(channel_bot: ChannelBot, fake_slack: FakeSlackApi) -> None:
    user, dm = unique_id("U"), unique_id("D")
    body = event_body(user, dm, "hi")
    assert channel_bot.post_slack(body, secret="not-the-signing-secret").status_code == 403
    assert channel_bot.post_slack(body, secret="").status_code == 403
    tampered = body.replace(b'"hi"', b'"my lower back hurts"')
    signature_of_other_body = channel_bot.post_slack(body).request.headers["X-Slack-Signature"]
    assert isinstance(signature_of_other_body, str)
    forged = channel_bot.post_slack(tampered, headers={"X-Slack-Signature": signature_of_other_body})
    assert forged.status_code == 403
    assert channel_bot.post_slack(body, headers={"X-Slack-Signature": ""}).status_code == 403
    assert channel_bot.post_slack(body, headers={"X-Slack-Request-Timestamp": "abc"}).status_code == 403
    barrier(channel_bot, fake_slack, user, dm)
    # Only the one correctly signed "hi" (sent to obtain a real signature) got in.
    assert channel_bot.user_texts(f"slack:{user}") == ["hi", "thanks"]


# 10 s past the window each way: Slack timestamps are whole seconds, so "301 s in the future"
# truncated from a fractional clock could be 300.x s by the time the server checks it.
@pytest.mark.parametrize("age", [310, 3600, -310])
def test_timestamps_more_than_five_minutes_away_are_rejected(channel_bot: ChannelBot, fake_slack: FakeSlackApi, age: int) -> None:
    user, dm = unique_id("U"), unique_id("D")
    stale = channel_bot.post_slack(event_body(user, dm, "hi"), timestamp=int(time.time()) - age)  # correctly signed
    assert stale.status_code == 403
    welcome = barrier(channel_bot, fake_slack, user, dm)
    disclaimer = "not a clinician"  # first contact: the barrier's "thanks" brings the disclaimer
    others = [call.text for call in fake_slack.posted_to(dm) if call is not welcome and disclaimer not in call.text]
    assert others == [] and not posts(fake_slack, dm, GREETING)  # the stale "hi" got nothing
    assert channel_bot.user_texts(f"slack:{user}") == ["thanks"]


def test_bot_posts_and_channel_joins_are_ignored(channel_bot: ChannelBot, fake_slack: FakeSlackApi) -> None:
    user, dm = unique_id("U"), unique_id("D")
    assert channel_bot.post_slack(event_body(user, dm, "hi", bot_id="B0BOT")).text == "ignored"
    assert channel_bot.post_slack(event_body(user, dm, f"<@{user}> has joined", subtype="channel_join")).text == "ignored"
    barrier(channel_bot, fake_slack, user, dm)
    assert channel_bot.user_texts(f"slack:{user}") == ["thanks"]


def test_unconfigured_slack_refuses_everything_and_the_bot_still_runs(unconfigured_bot: ChannelBot) -> None:
    user, dm = unique_id("U"), unique_id("D")
    verification = json.dumps({"token": "x", "challenge": "abc", "type": "url_verification"}).encode()
    for secret in ("", SLACK_SIGNING_SECRET):
        assert unconfigured_bot.post_slack(verification, secret=secret).status_code == 403
        assert unconfigured_bot.post_slack(event_body(user, dm, "hi"), secret=secret).status_code == 403
    assert unconfigured_bot.user_texts(f"slack:{user}") == []
