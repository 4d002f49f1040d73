"""The widget, accessibly: the progress chart with its text alternative, buttons by keyboard,
and axe-core (npm, web/node_modules) finding no serious or critical violation on a page with a
conversation in it. The chart screenshot is the README's progress picture (`make screenshot`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import TIMEOUT_MS, Chat, OpenChat
from tests.servers import ROOT

pytestmark = pytest.mark.browser
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
NONE_OF_THESE = "None of these"


def session_with_a_report(chat: Chat) -> None:
    chat.type_message("my calves are tight, pain about a 6")
    chat.reply_button(NONE_OF_THESE).wait_for(timeout=TIMEOUT_MS)
    before = chat.bot_count()
    chat.reply_button(NONE_OF_THESE).click()
    chat.wait_for_more_bot_messages(than=before)
    chat.wait_for_bot("Safety:")
    chat.wait_until_idle()
    before = chat.bot_count()
    chat.type_message("done, it's a 3 now")
    chat.wait_for_more_bot_messages(than=before)
    chat.wait_until_idle()


def test_the_progress_chart_shows_in_the_widget_with_its_text_alternative(open_chat: OpenChat, reports_dir: Path) -> None:
    chat = open_chat(viewport={"width": 900, "height": 1000})
    session_with_a_report(chat)
    images = chat.page.locator("img.rw-image-frame").count()  # the exercise's placement picture is one already
    chat.type_message("how am I doing?")
    image = chat.page.locator("img.rw-image-frame").nth(images)
    image.wait_for(timeout=TIMEOUT_MS)
    chat.page.wait_for_function(
        "n => { const i = document.querySelectorAll('img.rw-image-frame')[n]; return i && i.alt && i.complete; }",
        arg=images,
        timeout=TIMEOUT_MS,
    )
    chat.wait_until_idle()
    alt = image.get_attribute("alt") or ""
    assert alt.startswith("1 session(s) logged"), alt
    assert chat.page.evaluate("() => [...document.querySelectorAll('img.rw-image-frame')].pop().naturalWidth") >= 600
    image.scroll_into_view_if_needed()
    chat.page.screenshot(path=str(reports_dir / "progress.png"))


def test_buttons_and_quick_replies_work_with_the_keyboard(open_chat: OpenChat) -> None:
    chat = open_chat()
    page = chat.page
    chat.wait_until_idle()
    for _ in range(40):  # Tab through the page until a reply button has the focus
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.classList.contains('rw-reply')"):
            break
    else:
        pytest.fail("no reply button can be reached with Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('role')") == "button"
    title = page.evaluate("() => document.activeElement.textContent.trim()")
    before = chat.bot_count()
    page.keyboard.press("Enter")
    chat.wait_for_more_bot_messages(than=before)
    assert page.locator(Chat.USER_TEXT).filter(has_text=title).count() == 1


def test_axe_finds_no_serious_or_critical_violation_in_a_conversation(open_chat: OpenChat, reports_dir: Path) -> None:
    assert AXE.is_file(), f"{AXE} missing: run `make web/node_modules`"
    chat = open_chat(bypass_csp=True)  # the page's CSP (script-src 'self') would block the injected axe
    session_with_a_report(chat)
    chat.page.add_script_tag(path=str(AXE))
    results = chat.page.evaluate("async () => await axe.run(document, { resultTypes: ['violations'] })")
    (reports_dir / "axe.json").write_text(json.dumps(results["violations"], indent=1))
    bad = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
