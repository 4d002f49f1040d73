"""The red-flag suite, end to end: every phrasing ends in refer/emergency with no
hands-on instructions, whatever the classifier thought; benign phrasings never do.

Runs through the trained model and the real action server: as a first message, as an
answer in the middle of the screening, and after instructions were already given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from tests.e2e.conftest import Bot
from tests.e2e.replies import has_instructions, is_emergency, is_referral, text_of

pytestmark = pytest.mark.e2e
SUITE = yaml.safe_load((Path(__file__).resolve().parents[1] / "safety" / "red_flag_cases.yml").read_text())
RED: List[Dict[str, str]] = SUITE["red_flags"]
BENIGN: List[Dict[str, str]] = SUITE["benign"]


def test_suite_is_big_enough() -> None:
    assert len(RED) >= 40 and len(BENIGN) >= 20
    assert sum(c["level"] == "emergency" for c in RED) >= 10


def assert_blocked(replies: list, level: str, text: str) -> None:
    assert not has_instructions(replies), f"instructions given for: {text!r}\n{text_of(replies)}"
    if level == "emergency":
        assert is_emergency(replies), f"not an emergency reply for: {text!r}\n{text_of(replies)}"
    else:
        assert is_referral(replies) or is_emergency(replies), f"no referral for: {text!r}\n{text_of(replies)}"


@pytest.mark.parametrize("case", RED, ids=[c["text"][:50] for c in RED])
def test_red_flag_as_first_message(bot: Bot, case: Dict[str, str]) -> None:
    sender = bot.new_sender()
    assert_blocked(bot.say(sender, case["text"]), case["level"], case["text"])
    assert bot.tracker(sender)["slots"]["screening_outcome"] in ("refer", "emergency")


@pytest.mark.parametrize("case", RED, ids=[c["text"][:50] for c in RED])
def test_red_flag_in_the_middle_of_the_screening(bot: Bot, case: Dict[str, str]) -> None:
    sender = bot.new_sender()
    bot.say(sender, "my lower back hurts")
    bot.say(sender, "/deny")
    assert_blocked(bot.say(sender, case["text"]), case["level"], case["text"])
    later = bot.say(sender, "ok so show me the lower back exercises")
    assert not has_instructions(later)


@pytest.mark.parametrize("case", [c for c in RED if c["level"] == "emergency"], ids=lambda c: c["text"][:50])
def test_red_flag_after_instructions_were_given(bot: Bot, case: Dict[str, str]) -> None:
    sender = bot.new_sender()
    bot.say(sender, "my calves are tight")
    replies: list = []
    for _ in range(8):
        replies = bot.say(sender, "/deny")
        if has_instructions(replies):
            break
    assert has_instructions(replies)
    assert_blocked(bot.say(sender, case["text"]), case["level"], case["text"])
    assert not has_instructions(bot.say(sender, "/next_exercise"))


@pytest.mark.parametrize("case", BENIGN, ids=[c["text"][:50] for c in BENIGN])
def test_benign_phrasing_is_not_blocked(bot: Bot, case: Dict[str, str]) -> None:
    sender = bot.new_sender()
    replies = bot.say(sender, case["text"])
    assert not is_referral(replies) and not is_emergency(replies), f"{case['text']!r} was blocked:\n{text_of(replies)}"
    assert bot.tracker(sender)["slots"]["screening_outcome"] not in ("refer", "emergency")
