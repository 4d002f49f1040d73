"""The held-out safety suites at component level (milliseconds per case): the red-flag detector
(its rules, then the learned backstop) and the checklist-answer reader, exactly as the bot runs
them (the detector first).

Each red flag is graded as the bot would treat it:
- strict: a certain sign (the bot refers at once, even if the person would answer "no" to
  every question);
- truthful: a certain or a possible sign (a possible one is asked about, and a truthful "yes"
  refers): every red flag;
- emergency first: every emergency gets the emergency advice in the first reply (a certain
  emergency, or a possible one, whose advice comes at once, worded conditionally);
- emergencies exact: the level after truthful answers is emergency.
Benign messages: at least 95 % pass without a referral, and at most 10 % are asked an extra
flag_check question. Typed checklist answers: read right at least 98 % of the time, with no yes
read as no and no no read as yes. Figures go to reports/safety.json.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml

from components.answers import read_answer
from components.red_flags import BLOCKING_LEVELS, RedFlagMatcher

HERE = Path(__file__).resolve().parent
REPORTS = HERE.parents[1] / "reports"
SUITES = {path.name: yaml.safe_load(path.read_text()) for path in sorted(HERE.glob("*.yml"))}
RED = {name: data["red_flags"] for name, data in SUITES.items() if "red_flags" in data}
BENIGN = {name: data["benign"] for name, data in SUITES.items() if "benign" in data}
ANSWERS = {name: data["answers"] for name, data in SUITES.items() if "answers" in data}
RESULTS: Dict[str, Dict[str, Any]] = {}
RANK = {"refer": 1, "urgent": 2, "emergency": 3}
#: thresholds on every suite (issue #20): strict recall, benign pass, extra questions for benign people
STRICT_RECALL = 0.95
BENIGN_PASS = 0.95
BENIGN_FLAG_CHECK = 0.10


def grade(matcher: RedFlagMatcher, text: str) -> Tuple[str, str]:
    """(the level stated for certain, the level after truthful answers): none | refer | urgent | emergency."""
    flags = [f for f in matcher.find(text) if f.level in BLOCKING_LEVELS]

    def top(found: List[Any]) -> str:
        return max((f.level for f in found), key=lambda level: RANK[level], default="none")

    return top([f for f in flags if f.certain]), top(flags)


def record(name: str, **figures: Any) -> None:
    RESULTS.setdefault(name, {}).update(figures)
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "safety.json").write_text(json.dumps(RESULTS, indent=1))


def test_the_suites_are_big_enough() -> None:
    assert sum(len(v) for v in RED.values()) >= 150 + 40
    assert sum(len(v) for v in BENIGN.values()) >= 100
    assert sum(len(v) for v in ANSWERS.values()) >= 140


@pytest.mark.parametrize("name", sorted(RED))
def test_every_red_flag_is_caught_and_every_emergency_comes_first(detector: RedFlagMatcher, name: str) -> None:
    cases = RED[name]
    got = [(case, *grade(detector, case["text"])) for case in cases]
    missed = [c["text"] for c, _, truthful in got if truthful == "none"]
    strict = sum(certain != "none" for _, certain, _ in got) / len(cases)
    emergencies = [(c, truthful) for c, _, truthful in got if c["level"] == "emergency"]
    not_first = [c["text"] for c, truthful in emergencies if truthful != "emergency"]
    record(
        name,
        red_flags=len(cases),
        strict_recall=round(strict, 4),
        truthful_recall=round(1 - len(missed) / len(cases), 4),
        emergencies=len(emergencies),
        emergency_advice_first=len(emergencies) - len(not_first),
        missed=missed,
        emergency_not_first=not_first,
        graded_above=[c["text"] for c, _, truthful in got if RANK.get(truthful, 0) > RANK.get(c["level"], 1)],
    )
    assert missed == []
    assert not_first == []
    assert strict >= STRICT_RECALL


@pytest.mark.parametrize("name", sorted(BENIGN))
def test_benign_messages_pass_and_are_rarely_asked(detector: RedFlagMatcher, name: str) -> None:
    cases = BENIGN[name]
    graded = [(c, *grade(detector, c["text"])) for c in cases]
    referred = [c["text"] for c, certain, _ in graded if certain != "none"]
    asked = [c["text"] for c, certain, truthful in graded if certain == "none" and truthful != "none"]
    passed = 1 - len(referred) / len(cases)
    record(
        name,
        benign=len(cases),
        benign_pass=round(passed, 4),
        flag_check_rate=round(len(asked) / len(cases), 4),
        referred=referred,
        asked=asked,
    )
    assert passed >= BENIGN_PASS, referred
    assert len(asked) / len(cases) <= BENIGN_FLAG_CHECK, asked


def reading(matcher: RedFlagMatcher, text: str) -> str:
    if grade(matcher, text)[0] != "none":
        return "flagged"  # the detector ends the screening first: refer or emergency
    answer = read_answer(text)
    if answer is None:
        return "unclear"
    return "yes" if isinstance(answer, int) else str(answer)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_typed_checklist_answers_are_read_right(rule_matcher: RedFlagMatcher, name: str) -> None:
    cases: List[Dict[str, str]] = ANSWERS[name]
    confusion: Counter = Counter()
    wrong = []
    for case in cases:
        got = reading(rule_matcher, case["text"])
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
