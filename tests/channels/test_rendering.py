"""Unit tests: what each channel sends, checked on the wire against the local fake APIs,
and the small security helpers. No Rasa server needed."""

from __future__ import annotations

from typing import Iterator

import pytest

from actions.formatting import Reply, render
from channels.common import SeenKeys, api_base_url, secrets_match, split_text
from channels.slack import SecureSlackBot, SecureSlackInput, button_blocks, slack_escape
from channels.telegram import SecureTelegramInput, SecureTelegramOutput, is_formatter_html, to_telegram_html
from tests.channels.fakes import FakeSlackApi, FakeTelegramApi

TOKEN = "123456789:AAunit-test-token"
SCRIPT = "<script>alert('x')</script> & more"
# Every field carries characters that must be escaped, so double escaping would show.
REPLY = Reply(
    title="Lower back <release> & reset",
    intro="Lie on your back & breathe.",
    steps=['Place the ball 2.5" off the spine', "Roll < 30 s"],
    facts=[("Hold", "15-30 s > per spot")],
    bullets=["Softer ball if it's > 7/10"],
    reminder="Stop if pain > 7/10 & tingling.",
)
YES_NO = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Why do you ask?", "payload": "/ask_why"},
]


@pytest.fixture()
def telegram_api() -> Iterator[FakeTelegramApi]:
    api = FakeTelegramApi().start()
    yield api
    api.stop()


@pytest.fixture()
def slack_api() -> Iterator[FakeSlackApi]:
    api = FakeSlackApi().start()
    yield api
    api.stop()


# -- Telegram HTML --------------------------------------------------------------------


def test_formatter_html_passes_unchanged() -> None:
    rendered = render(REPLY, "telegram")
    assert rendered.startswith("<b>") and is_formatter_html(rendered)
    assert to_telegram_html(rendered) == rendered
    assert "&lt;release&gt; &amp; reset" in rendered  # escaped once, by the formatter


def test_plain_text_with_markup_is_escaped() -> None:
    assert to_telegram_html(SCRIPT) == "&lt;script&gt;alert('x')&lt;/script&gt; &amp; more"
    assert to_telegram_html("Tom & Jerry say 5 < 7") == "Tom &amp; Jerry say 5 &lt; 7"


@pytest.mark.parametrize(
    "text",
    [
        "<b>Title</b>\n<script>alert(1)</script>",  # starts like the formatter, carries other markup
        "<b>Title</b> <a href='https://evil.example'>x</a>",
        "<b>unclosed",
        "<b>Title</b></i>",
        "<b>Title</b> & co",  # a raw ampersand: not formatter output
        "<b><i>crossed</b></i>",
    ],
)
def test_text_that_only_looks_like_formatter_output_is_escaped(text: str) -> None:
    assert not is_formatter_html(text)
    assert to_telegram_html(text) == text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def test_telegram_sends_domain_text_escaped_and_formatter_html_as_is(telegram_api: FakeTelegramApi) -> None:
    out = SecureTelegramOutput(TOKEN, telegram_api.url)
    try:
        await out.send_text_message("42", SCRIPT)
        await out.send_text_message("42", render(REPLY, "telegram"))
    finally:
        await out.close_session()
    plain, formatted = telegram_api.sent_to(42)
    assert plain.params["parse_mode"] == formatted.params["parse_mode"] == "HTML"
    assert plain.text == "&lt;script&gt;alert('x')&lt;/script&gt; &amp; more"
    assert formatted.text == render(REPLY, "telegram")
    assert plain.credential == TOKEN


async def test_telegram_buttons_become_an_inline_keyboard(telegram_api: FakeTelegramApi) -> None:
    out = SecureTelegramOutput(TOKEN, telegram_api.url)
    long_payload = '/ask_routine{"goal": "desk_work", "minutes": "10", "body_area": ["lower_back", "hip"]}'
    try:
        await out.send_text_with_buttons("42", "Any numbness <or> tingling?", YES_NO)
        await out.send_text_with_buttons("42", "Pick one", [{"title": "A much longer button title", "payload": long_payload}])
    finally:
        await out.close_session()
    question, routine = telegram_api.sent_to(42)
    assert question.text == "Any numbness &lt;or&gt; tingling?"
    assert question.json_param("reply_markup") == {
        "inline_keyboard": [
            [
                {"text": "Yes", "callback_data": "/affirm"},
                {"text": "No", "callback_data": "/deny"},
                {"text": "Why do you ask?", "callback_data": "/ask_why"},
            ]
        ]
    }
    [[button]] = routine.json_param("reply_markup")["inline_keyboard"]
    assert len(button["callback_data"].encode()) <= 64  # Telegram's limit
    assert out.payload_for(button["callback_data"]) == long_payload


async def test_telegram_splits_messages_over_4096_characters_between_lines(telegram_api: FakeTelegramApi) -> None:
    out = SecureTelegramOutput(TOKEN, telegram_api.url)
    long_reply = Reply(title="Long", steps=[f"step {i} " + "x" * 90 for i in range(100)])
    try:
        await out.send_text_with_buttons("42", render(long_reply, "telegram"), YES_NO)
    finally:
        await out.close_session()
    sent = telegram_api.sent_to(42)
    assert len(sent) == 3 and all(len(call.text) <= 4096 for call in sent)
    assert "\n".join(call.text for call in sent) == render(long_reply, "telegram")
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


# -- Slack mrkdwn and Block Kit ---------------------------------------------------------


def test_slack_escape_leaves_formatter_mrkdwn_unchanged_and_escapes_plain_text() -> None:
    rendered = render(REPLY, "slack")
    assert slack_escape(rendered) == rendered  # already escaped by the formatter: not twice
    assert slack_escape(SCRIPT) == "&lt;script&gt;alert('x')&lt;/script&gt; &amp; more"
    assert slack_escape("<!channel> <@U123> <https://evil.example|click>") == (
        "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt;"
    )


def test_buttons_become_block_kit() -> None:
    blocks = button_blocks("Any numbness <or> tingling?", YES_NO)
    assert blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": "Any numbness &lt;or&gt; tingling?"}}
    assert blocks[1]["type"] == "actions"
    assert [(e["text"]["text"], e["value"]) for e in blocks[1]["elements"]] == [
        ("Yes", "/affirm"),
        ("No", "/deny"),
        ("Why do you ask?", "/ask_why"),
    ]
    assert all(e["type"] == "button" and e["text"]["type"] == "plain_text" for e in blocks[1]["elements"])
    assert len({e["action_id"] for e in blocks[1]["elements"]}) == 3
    many = button_blocks("Pick", [{"title": f"b{i}", "payload": f"/p{i}"} for i in range(30)])
    assert [len(b["elements"]) for b in many[1:]] == [25, 5]  # Block Kit allows 25 per actions block


async def test_slack_posts_escaped_text_and_blocks_in_the_thread(slack_api: FakeSlackApi) -> None:
    bot = SecureSlackBot("xoxb-unit", "D0DM", thread_id="1700000000.000100", api_url=f"{slack_api.url}/api/")
    await bot.send_text_message("U1", SCRIPT)
    await bot.send_text_message("U1", render(REPLY, "slack"))
    await bot.send_text_with_buttons("U1", "Any <numbness>?", YES_NO)
    plain, formatted, question = slack_api.posted_to("D0DM")
    assert plain.text == "&lt;script&gt;alert('x')&lt;/script&gt; &amp; more"
    assert formatted.text == render(REPLY, "slack")
    assert question.params["blocks"] == button_blocks("Any <numbness>?", YES_NO)
    assert question.text == "Any &lt;numbness&gt;?"  # notification fallback, escaped too
    assert {call.params["thread_ts"] for call in (plain, formatted, question)} == {"1700000000.000100"}
    assert not any("as_user" in call.params for call in (plain, formatted, question))
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


# -- shared helpers ---------------------------------------------------------------------


def test_secrets_match_is_exact_and_never_matches_an_empty_secret() -> None:
    assert secrets_match("s3cret", "s3cret")
    assert not secrets_match("s3cret ", "s3cret") and not secrets_match("S3CRET", "s3cret")
    assert not secrets_match("", "") and not secrets_match(None, "s3cret")
    assert not secrets_match("é", "s3cret")  # non-ASCII header: no exception, no match


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://api.telegram.org", True),
        ("http://127.0.0.1:8081", True),
        ("http://localhost:8081/api/", True),
        ("http://[::1]:8081", True),
        ("http://api.telegram.org", False),  # the token would travel in clear text
        ("ftp://127.0.0.1", False),
        ("https://user:pass@api.example.com", False),
        ("not a url", False),
    ],
)
def test_api_base_url_requires_https_except_on_loopback(url: str, ok: bool) -> None:
    if ok:
        assert api_base_url(url, "https://default.example") == url
    else:
        with pytest.raises(ValueError):
            api_base_url(url, "https://default.example")
    assert api_base_url("", "https://default.example") == "https://default.example"


def test_seen_keys_forget_after_ttl_and_stay_bounded() -> None:
    now = [0.0]
    seen = SeenKeys(ttl=60, max_size=3, clock=lambda: now[0])
    assert seen.add("a") and not seen.add("a")
    now[0] = 61
    assert seen.add("a")  # expired, so new again
    for key in "bcd":
        seen.add(key)
    assert "a" not in seen and all(key in seen for key in "bcd")


def test_split_text_cuts_between_lines_and_never_inside_an_entity() -> None:
    assert split_text("short", 10) == ["short"]
    assert split_text("aaaa\nbbbb\ncccc", 9) == ["aaaa\nbbbb", "cccc"]
    pieces = split_text("x" * 7 + "&amp;" + "y" * 3, 10)
    assert pieces == ["x" * 7, "&amp;" + "y" * 3]
