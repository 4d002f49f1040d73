"""The pictures and the hold timer in the widget (issue #24): tapping a zone of the body map starts
that area's screening, an exercise's placement picture appears with its position sentence as alt
text, the hold timer counts down and announces its end (Playwright's fake clock, no sleeps), and
axe-core finds no serious or critical violation with the body map on the page. The screenshots
are the README's pictures (`make screenshot` copies them to docs/images).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.repository import KnowledgeRepository
from replies.pictures import placement_picture
from tests.browser.conftest import TIMEOUT_MS, Chat, OpenChat
from tests.browser.test_progress_and_a11y import AXE, NONE_OF_THESE
from tests.servers import Bot

pytestmark = pytest.mark.browser
BODY_MAP = "svg.tpc-body-map"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1100, "height": 900}


def ask_for_an_area(chat: Chat) -> None:
    """A pain with no area named: the bot asks which part, with the body map."""
    chat.wait_until_idle()
    chat.type_message("something feels tight")
    chat.page.locator(BODY_MAP).wait_for(timeout=TIMEOUT_MS)
    chat.wait_until_idle()


def expected_placement_alt(area: str) -> str:
    exercise = KnowledgeRepository.shared().exercises_for_area(area)[0]
    picture = placement_picture(exercise.id, exercise.body_area, exercise.name, exercise.steps)
    assert picture is not None
    return picture.alt


def test_every_zone_is_a_named_button_and_tapping_one_starts_that_areas_screening(
    open_chat: OpenChat, bot: Bot, reports_dir: Path
) -> None:
    chat = open_chat(viewport=DESKTOP)
    ask_for_an_area(chat)
    page = chat.page
    zones = page.locator(f"{BODY_MAP} g.tpc-zone")
    assert zones.count() == 15
    names = page.evaluate(
        "sel => [...document.querySelectorAll(sel)].map(z => ['role', 'tabindex', 'aria-label'].map(a => z.getAttribute(a)))",
        f"{BODY_MAP} g.tpc-zone",
    )
    assert all(role == "button" and tab == "0" for role, tab, _ in names), names
    numbered = sorted((int(label.split(" ", 1)[0]), label.split(" ", 1)[1]) for _, _, label in names)  # named "13 Hamstrings"
    assert [number for number, _ in numbered] == list(range(1, 16))
    assert sorted(name for _, name in numbered) == sorted(a.short_name for a in KnowledgeRepository.shared().body_areas())
    page.locator(BODY_MAP).scroll_into_view_if_needed()
    page.screenshot(path=str(reports_dir / "body_map.png"))
    # hamstrings have no quick reply of their own here: only the map offers them
    assert chat.reply_button("Hamstrings").count() == 0
    before = chat.bot_count()
    page.get_by_role("button", name="Hamstrings").locator("polygon").first.click()  # a tap on one leg's zone
    chat.reply_button(NONE_OF_THESE).wait_for(timeout=TIMEOUT_MS)  # the screening checklist
    assert chat.bot_count() > before
    assert page.locator(Chat.USER_TEXT).filter(has_text="Hamstrings").count() == 1  # shown like a tapped button
    slots = bot.tracker(f"socketio:{chat.session_id()}")["slots"]
    assert slots["areas_in_focus"] == ["hamstring"] and slots["checklist_areas"] == ["hamstring"]


def test_a_zone_works_with_the_keyboard(open_chat: OpenChat, bot: Bot) -> None:
    chat = open_chat(viewport=PHONE)
    ask_for_an_area(chat)
    page = chat.page
    for _ in range(60):  # Tab until a zone of the map has the focus
        page.keyboard.press("Tab")
        if page.evaluate("() => !!(document.activeElement && document.activeElement.matches('g.tpc-zone'))"):
            break
    else:
        pytest.fail("no zone of the body map can be reached with Tab")
    area = page.evaluate("() => document.activeElement.getAttribute('data-area')")
    page.keyboard.press("Enter")
    chat.reply_button(NONE_OF_THESE).wait_for(timeout=TIMEOUT_MS)
    assert bot.tracker(f"socketio:{chat.session_id()}")["slots"]["areas_in_focus"] == [area]


def test_the_placement_picture_appears_with_its_alt_and_the_timer_counts_down(open_chat: OpenChat, reports_dir: Path) -> None:
    chat = open_chat(viewport=PHONE, fake_clock=True)
    page = chat.page
    chat.type_message("my calves are tight")
    chat.reply_button(NONE_OF_THESE).wait_for(timeout=TIMEOUT_MS)
    chat.reply_button(NONE_OF_THESE).click()
    alt = expected_placement_alt("calf")
    picture = page.locator(f"img.rw-image-frame[alt={json.dumps(alt)}]")
    picture.wait_for(timeout=TIMEOUT_MS)
    shown = "alt => [...document.querySelectorAll('img.rw-image-frame')].find(i => i.alt === alt && i.complete)"
    page.wait_for_function(shown, arg=alt)
    assert page.evaluate(f"alt => ({shown})(alt).naturalWidth", alt) >= 600
    start = page.get_by_role("button", name="Start a 15 s timer")
    start.wait_for(timeout=TIMEOUT_MS)
    chat.wait_until_idle()
    picture.scroll_into_view_if_needed()
    page.screenshot(path=str(reports_dir / "placement_phone.png"))

    status = page.locator("#tpc-timer-status")
    assert page.locator("#tpc-timer").is_hidden()
    page.clock.pause_at(page.evaluate("() => Date.now()") + 1000)  # from here on, time moves only when told
    start.click()
    clock = page.locator("#tpc-timer-time")
    assert page.locator("#tpc-timer").is_visible() and clock.text_content() == "0:15"
    assert status.get_attribute("aria-live") == "polite" and status.text_content() == ""
    page.clock.run_for(5_000)
    assert clock.text_content() == "0:10" and status.text_content() == ""
    page.clock.run_for(10_000)
    assert clock.text_content() == "0:00"
    assert status.text_content() == "Time's up. Ease off slowly and breathe."
    page.locator("#tpc-timer-stop").click()
    assert page.locator("#tpc-timer").is_hidden()


def test_axe_finds_no_serious_or_critical_violation_with_the_body_map(open_chat: OpenChat, reports_dir: Path) -> None:
    assert AXE.is_file(), f"{AXE} missing: run `make web/node_modules`"
    chat = open_chat(viewport=PHONE, bypass_csp=True)  # the page's CSP would block the injected axe
    ask_for_an_area(chat)
    chat.page.screenshot(path=str(reports_dir / "body_map_phone.png"))
    chat.page.add_script_tag(path=str(AXE))
    results = chat.page.evaluate("async () => await axe.run(document, { resultTypes: ['violations'] })")
    (reports_dir / "axe_pictures.json").write_text(json.dumps(results["violations"], indent=1))
    bad = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad
