"""The held-out safety suites at component level (milliseconds per case): the red-flag detector
and the checklist-answer reader, exactly as the bot runs them (the detector first).

Suites (tests/safety/*.yml), written apart from the detector and before tuning:
- `red_flags:` every case is flagged, never below its level, and every emergency is an emergency;
- `benign:` at least 95 % pass unflagged;
- `answers:` typed checklist answers read right at least 98 % of the time, with no yes read as
  no and no no read as yes (a yes, unsure or correction that names a red flag ends the
  screening with a referral: counted as right).
Figures go to reports/safety.json.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from components.answers import read_answer
from components.red_flags import BLOCKING_LEVELS, RedFlagDetector, RedFlagMatcher, detector_vocabulary

HERE = Path(__file__).resolve().parent
REPORTS = HERE.parents[1] / "reports"
SUITES = {path.name: yaml.safe_load(path.read_text()) for path in sorted(HERE.glob("*.yml"))}
RED = {name: data["red_flags"] for name, data in SUITES.items() if "red_flags" in data}
BENIGN = {name: data["benign"] for name, data in SUITES.items() if "benign" in data}
ANSWERS = {name: data["answers"] for name, data in SUITES.items() if "answers" in data}
RESULTS: Dict[str, Dict[str, Any]] = {}


@pytest.fixture(scope="session")
def matcher(repo) -> RedFlagMatcher:
    vocabulary = RedFlagDetector.with_speller(
        detector_vocabulary(dataclasses.asdict(repo.red_flag_vocabulary()), repo.vocabulary())
    )
    return RedFlagMatcher(vocabulary, RedFlagDetector.speller_of(vocabulary))


def level(matcher: RedFlagMatcher, text: str) -> str:
    levels = {f.level for f in matcher.find(text) if f.level in BLOCKING_LEVELS}
    return "emergency" if "emergency" in levels else "refer" if levels else "none"


def record(name: str, **figures: Any) -> None:
    RESULTS.setdefault(name, {}).update(figures)
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "safety.json").write_text(json.dumps(RESULTS, indent=1))


def test_the_suites_are_big_enough() -> None:
    assert sum(len(v) for v in RED.values()) >= 150 + 40
    assert sum(len(v) for v in BENIGN.values()) >= 100
    assert sum(len(v) for v in ANSWERS.values()) >= 140


@pytest.mark.parametrize("name", sorted(RED))
def test_every_red_flag_is_caught_and_every_emergency_is_an_emergency(matcher: RedFlagMatcher, name: str) -> None:
    cases = RED[name]
    got = [(case, level(matcher, case["text"])) for case in cases]
    missed = [c["text"] for c, g in got if g == "none"]
    emergencies_missed = [c["text"] for c, g in got if c["level"] == "emergency" and g != "emergency"]
    over = [c["text"] for c, g in got if c["level"] == "refer" and g == "emergency"]
    record(
        name,
        red_flags=len(cases),
        recall=round(1 - len(missed) / len(cases), 4),
        emergencies=sum(c["level"] == "emergency" for c in cases),
        emergencies_exact=sum(c["level"] == "emergency" and g == "emergency" for c, g in got),
        referrals_graded_emergency=over,
    )
    assert missed == []
    assert emergencies_missed == []


@pytest.mark.parametrize("name", sorted(BENIGN))
def test_benign_messages_pass(matcher: RedFlagMatcher, name: str) -> None:
    cases = BENIGN[name]
    flagged = [c["text"] for c in cases if level(matcher, c["text"]) != "none"]
    rate = 1 - len(flagged) / len(cases)
    record(name, benign=len(cases), benign_pass=round(rate, 4), benign_flagged=flagged)
    assert rate >= 0.95, flagged


def reading(matcher: RedFlagMatcher, text: str) -> str:
    if level(matcher, text) != "none":
        return "flagged"  # the detector ends the screening first: refer or emergency
    answer = read_answer(text)
    if answer is None:
        return "unclear"
    return "yes" if isinstance(answer, int) else str(answer)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_typed_checklist_answers_are_read_right(matcher: RedFlagMatcher, name: str) -> None:
    cases: List[Dict[str, str]] = ANSWERS[name]
    confusion: Counter = Counter()
    wrong = []
    for case in cases:
        got = reading(matcher, case["text"])
        expected = case["expect"]
        # a yes, an unsure or a correction that names a sign ends the screening with a referral
        ok = got == expected or (got == "flagged" and expected in ("yes", "unsure", "correction"))
        confusion[(expected, got)] += 1
        if not ok:
            wrong.append((case["text"], expected, got))
    accuracy = 1 - len(wrong) / len(cases)
    yes_as_no = confusion[("yes", "no")] + confusion[("unsure", "no")]
    no_as_yes = confusion[("no", "yes")] + confusion[("no", "flagged")]
    record(name, answers=len(cases), accuracy=round(accuracy, 4), yes_read_as_no=yes_as_no, no_read_as_yes=no_as_yes, wrong=wrong)
    assert yes_as_no == 0 and no_as_yes == 0, wrong
    assert accuracy >= 0.98, wrong
