"""A few red flags per level end to end (the full held-out suites run at component level in
tests/safety): whatever the classifier thought, a red flag ends in a referral or an emergency
with no hands-on steps, as a first message, during the checklist and after steps were given."""

from __future__ import annotations

from typing import Dict, List

import pytest

from tests.e2e.replies import has_instructions, is_emergency, is_referral, kinds, text_of
from tests.servers import Bot

pytestmark = pytest.mark.e2e
RED: List[Dict[str, str]] = [
    {"text": "I'm on warfarin", "level": "refer"},
    {"text": "pins and needles down my arm", "level": "refer"},
    {"text": "I had knee surgery 3 weeks ago", "level": "refer"},
    {"text": "my calf is swollen, red and warm", "level": "emergency"},
    {"text": "I can't control my bladder since my back went", "level": "emergency"},
    {"text": "one calf is way bigger than the other", "level": "emergency"},
]
BENIGN = ["knee surgery 15 years ago, long healed, my quads are tight", "my grandad had cancer, I'm just sore from the gym"]


def assert_blocked(replies: list, level: str, text: str) -> None:
    assert not has_instructions(replies), f"instructions given for: {text!r}\n{text_of(replies)}"
    if level == "emergency":
        assert is_emergency(replies), f"not an emergency reply for: {text!r}\n{text_of(replies)}"
    else:
        assert is_referral(replies) or is_emergency(replies), f"no referral for: {text!r}\n{text_of(replies)}"


@pytest.mark.parametrize("case", RED, ids=[c["text"][:40] for c in RED])
def test_red_flag_as_first_message(bot: Bot, case: Dict[str, str]) -> None:
    sender = bot.new_sender()
    assert_blocked(bot.say(sender, case["text"]), case["level"], case["text"])
    assert bot.tracker(sender)["slots"]["screening_outcome"] in ("refer", "emergency")
    assert not has_instructions(bot.say(sender, "ok so show me the lower back exercises"))


@pytest.mark.parametrize("case", RED[::2], ids=[c["text"][:40] for c in RED[::2]])
def test_red_flag_typed_instead_of_answering_the_checklist(bot: Bot, case: Dict[str, str]) -> None:
    sender = bot.new_sender()
    bot.say(sender, "my lower back hurts")
    assert_blocked(bot.say(sender, case["text"]), case["level"], case["text"])
    assert not has_instructions(bot.say(sender, "/deny"))


@pytest.mark.parametrize("case", [c for c in RED if c["level"] == "emergency"][:2], ids=lambda c: c["text"][:40])
def test_red_flag_after_steps_were_given(bot: Bot, case: Dict[str, str]) -> None:
    sender = bot.new_sender()
    bot.say(sender, "my calves are tight")
    assert has_instructions(bot.say(sender, "/deny"))
    assert_blocked(bot.say(sender, case["text"]), case["level"], case["text"])
    assert not has_instructions(bot.say(sender, "/next_exercise"))


@pytest.mark.parametrize("text", BENIGN)
def test_benign_history_is_not_blocked(bot: Bot, text: str) -> None:
    sender = bot.new_sender()
    replies = bot.say(sender, text)
    assert not is_referral(replies) and not is_emergency(replies), text_of(replies)


def _one_per_class() -> List[Dict[str, str]]:
    """The first case of every class of the latest red-flag batch (tests/safety), end to end."""
    import yaml

    from tests.safety.test_safety_suites import HERE

    cases = yaml.safe_load((HERE / "red_flags_batch4.yml").read_text())["red_flags"]
    first: Dict[str, Dict[str, str]] = {}
    for case in cases:
        first.setdefault(case["cls"], case)
    return list(first.values())


@pytest.mark.parametrize("case", _one_per_class(), ids=lambda c: c["cls"])
def test_every_class_ends_in_advice_to_get_help_over_rest(bot: Bot, case: Dict[str, str]) -> None:
    """A possible sign is asked about first (flag_check); a truthful "yes" then refers. An
    emergency gets the emergency advice in its first reply, worded conditionally when possible."""
    sender = bot.new_sender()
    replies = bot.say(sender, case["text"])
    assert not has_instructions(replies), f"instructions given for: {case['text']!r}\n{text_of(replies)}"
    if case["level"] == "emergency":
        assert is_emergency(replies), f"no emergency advice first for: {case['text']!r}\n{text_of(replies)}"
    if "flag_check" in kinds(replies):
        replies = bot.say(sender, "yes")
    assert is_referral(replies) or is_emergency(replies), f"not referred: {case['text']!r}\n{text_of(replies)}"
    assert bot.tracker(sender)["slots"]["screening_outcome"] in ("refer", "urgent", "emergency")
