"""The demo page as a person uses it: headless Chromium, the rasa-webchat widget, the real bot.

One conversation goes through the one-step safety checklist to the lower-back steps (one tap on
"None of these"), survives a reload, and continues; hostile input is shown as text; the widget
works at phone width.
Every wait is on a selector or a condition with a timeout, never a sleep.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import TIMEOUT_MS, Chat, OpenChat
from tests.servers import Bot

pytestmark = pytest.mark.browser

NONE_OF_THESE = "None of these"  # the checklist's button (knowledge/content/screening.yml)


def last_bot_lines(chat: Chat) -> list:
    return [line.strip() for text in chat.bot_texts()[-3:] for line in text.splitlines() if line.strip()]


def test_lower_back_steps_through_the_screening_and_the_conversation_survives_a_reload(
    open_chat: OpenChat, bot: Bot, reports_dir: Path
) -> None:
    chat = open_chat()
    page = chat.page

    chat.type_message("my lower back hurts")
    # rasa-webchat shows a typing indicator while a reply is on its way (300 ms here: --message-delay-ms)
    page.wait_for_selector(Chat.TYPING, state="attached", timeout=TIMEOUT_MS)
    chat.wait_for_bot("Quick safety check")
    chat.reply_button(NONE_OF_THESE).wait_for(timeout=TIMEOUT_MS)  # the checklist's last bubble carries its buttons
    assert page.locator(Chat.USER_TEXT).filter(has_text="my lower back hurts").count() == 1
    assert page.locator(f"{Chat.BOT_TEXT} ul > li").count() >= 8  # the whole checklist, one line per check

    before = chat.bot_count()
    chat.reply_button(NONE_OF_THESE).click()
    chat.wait_for_more_bot_messages(than=before)
    chat.wait_for_bot("Safety:")
    chat.wait_until_idle()

    # Markdown rendered: bold title, an ordered list of steps, the safety line in italics
    steps = page.locator(f"{Chat.BOT_TEXT} ol > li")
    assert steps.count() >= 3, chat.bot_texts()[-3:]
    assert page.locator(f"{Chat.BOT_TEXT} strong").count() >= 1
    assert page.locator(f"{Chat.BOT_TEXT} em").filter(has_text=re.compile(r"^Safety:")).count() >= 1
    assert any(line.startswith("Safety:") for line in last_bot_lines(chat)), last_bot_lines(chat)
    assert "**" not in "".join(chat.bot_texts())  # no raw Markdown left

    session_id = chat.session_id()
    assert session_id and re.fullmatch(r"[0-9a-f]{32}", session_id)
    tracker = bot.tracker(f"socketio:{session_id}")
    assert tracker["slots"]["screening_outcome"] == "clear"
    assert tracker["slots"]["screened_areas"] == ["lower_back"]
    page.screenshot(path=str(reports_dir / "widget.png"))

    # Reload: the widget keeps the history, the socket rejoins the same conversation
    history = chat.bot_texts()
    page.reload()
    chat.wait_for_bot("Safety:")
    assert chat.session_id() == session_id
    assert chat.bot_texts() == history
    assert page.locator(Chat.USER_TEXT).filter(has_text="my lower back hurts").count() == 1

    before = chat.bot_count()
    chat.type_message("thanks")
    chat.wait_for_more_bot_messages(than=before)
    user_texts = [e.get("text") for e in bot.tracker(f"socketio:{session_id}")["events"] if e.get("event") == "user"]
    assert user_texts[:2] == ["/greet", "my lower back hurts"] and user_texts[-1] == "thanks"  # /greet: the page's initPayload


def test_markup_typed_by_the_user_is_shown_as_text_and_never_runs(open_chat: OpenChat) -> None:
    chat = open_chat()
    page = chat.page
    hostile = ["<script>alert(1)</script>", '<img src=x onerror="alert(2)">']

    for text in hostile:
        before = chat.bot_count()
        chat.type_message(text)
        chat.wait_for_more_bot_messages(than=before)  # the bot answered: the message went all the way
    chat.wait_until_idle()

    shown = page.locator(Chat.USER_TEXT).all_inner_texts()
    assert [t.strip() for t in shown[-2:]] == hostile  # literally, as text
    messages = page.locator(".rw-messages-container")
    assert messages.locator("script").count() == 0
    assert messages.locator("img[src='x']").count() == 0
    assert chat.guards.dialogs == []  # the fixture also fails the test on any dialog


def test_the_widget_is_usable_at_phone_width(open_chat: OpenChat, reports_dir: Path) -> None:
    width, height = 390, 844
    chat = open_chat(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = chat.page

    def fits_the_screen(selector: str) -> None:
        box = page.locator(selector).last.bounding_box()
        assert box, selector
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (selector, box)

    fits_the_screen(Chat.INPUT)
    before = chat.bot_count()
    chat.reply_button("Which ball should I get?").tap()
    chat.wait_for_more_bot_messages(than=before)
    chat.wait_until_idle()

    page.locator(Chat.INPUT).tap()
    page.locator(Chat.INPUT).fill("my calves are tight")
    page.locator(".rw-send").tap()
    chat.wait_for_bot("Quick safety check")
    chat.reply_button(NONE_OF_THESE).wait_for()
    chat.wait_until_idle()

    # The conversation is longer than the screen: it scrolls inside the chat, the page does not
    scroll = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert scroll[0] <= width and scroll[1] <= height, scroll
    fits_the_screen(Chat.INPUT)
    fits_the_screen(".rw-replies")  # the checklist's buttons are in view, ready to tap
    for bubble in page.locator(".rw-message").all():
        box = bubble.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
    page.screenshot(path=str(reports_dir / "widget-phone.png"))


def test_the_data_export_link_downloads_the_conversation_once(open_chat: OpenChat, bot: Bot) -> None:
    """Issue #22 finding 4, locally (`make test-deploy` does it through nginx): the widget gets a
    link on the bot's public address, and it works exactly once."""
    import requests

    chat = open_chat()
    before = chat.bot_count()
    chat.type_message("hello there")
    chat.wait_for_more_bot_messages(than=before)
    before = chat.bot_count()
    chat.type_message("export my data")
    chat.wait_for_more_bot_messages(than=before)
    link = chat.page.locator(f"{Chat.BOT_TEXT} a", has_text="my-data.json").last
    link.wait_for(timeout=TIMEOUT_MS)
    href = link.get_attribute("href") or ""
    assert href.startswith(f"{bot.url}/webhooks/socketio/export/"), href
    download = requests.get(href, timeout=30, proxies={"http": ""})
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    said = [e["text"] for e in download.json()["conversation"] if e["event"] == "user"]
    assert "hello there" in said and "export my data" in said
    assert requests.get(href, timeout=30, proxies={"http": ""}).status_code == 404  # one download only
