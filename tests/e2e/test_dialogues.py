"""Held-out multi-turn dialogues (tests/dialogues/*.yml), written from a user's point of view
apart from the bot, run over REST through the trained model and the real action server.

Each turn names the reply kinds that may answer it (`expect`: one of them must appear), kinds
that must not (`not`), and tracker slots after it (`slots`). Kinds are the structured replies'
`kind`, plus "steps" (an exercise or a routine) and the kinds of plain domain responses, read from
the tracker's bot events (`utter_action`): wording can change freely. Figures per dialogue class
go to reports/dialogues.json; the pass rate is asserted.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Set

import pytest
import yaml

from tests.e2e.replies import kinds
from tests.servers import Bot

pytestmark = pytest.mark.e2e
HERE = Path(__file__).resolve().parents[1] / "dialogues"
REPORTS = Path(__file__).resolve().parents[2] / "reports"
BATCHES = {path.stem: yaml.safe_load(path.read_text())["dialogues"] for path in sorted(HERE.glob("*.yml"))}
#: dialogues passing, per batch, at least this share (issue #21: >= 95 %)
PASS_RATE = 0.95

#: the kinds of plain domain responses, by the start of the response name (the longest wins)
RESPONSE_KINDS = {
    "utter_ask_body_area": "ask_area",
    "utter_several_areas": "ask_area",
    "utter_greet": "greeting",
    "utter_goodbye": "goodbye",
    "utter_help": "help",
    "utter_default": "fallback",
    "utter_rephrase": "fallback",
    "utter_out_of_scope": "out_of_scope",
    "utter_iamabot": "bot_challenge",
    "utter_you_are_welcome": "thank",
    "utter_restart": "restart",
    "utter_screening_stopped": "stopped",
    "utter_ask_timezone": "timezone",
    "utter_timezone": "timezone",
    "utter_data_deleted": "deleted",
    "utter_delete_cancelled": "delete_cancelled",
    "utter_reminders_none": "reminders",
    "utter_reminders_cancelled": "reminders_cancelled",
    "utter_reminder_when": "reminder_when",
    "utter_reminder_": "reminder_problem",
    "utter_session_pain_range": "session_rating",
    "utter_no_more_exercises": "no_more_exercises",
    "utter_nothing_to_continue": "nothing_to_continue",
    "utter_sources_nothing_yet": "sources",
    "utter_nothing_to_correct": "nothing_to_correct",
    "utter_noted_request": "noted_request",
    "utter_screening_clear": "screening_clear",
    "utter_screening_caution": "screening_caution",
    "utter_disclaimer": "disclaimer",
    "utter_anything_else": "anything_else",
    "utter_missed_reminder": "missed_reminder",
    "utter_service_unavailable": "unavailable",
}


def response_kind(name: str) -> str:
    prefix = max((p for p in RESPONSE_KINDS if name.startswith(p)), key=len, default=None)
    return RESPONSE_KINDS[prefix] if prefix else name


def events(bot: Bot, sender: str) -> List[Dict[str, Any]]:
    return list(bot.tracker(sender, include_events="ALL")["events"])


def turn_kinds(bot: Bot, sender: str, replies: List[Dict[str, Any]], events_before: int) -> Set[str]:
    found = set(kinds(replies))
    if {"exercise", "routine"} & found:
        found.add("steps")
    after = events(bot, sender)
    if len(after) < events_before:  # the conversation was deleted in this turn ("delete my data", yes)
        found.add("deleted")
    for event in after[events_before:]:
        if event.get("event") == "bot":
            action = (event.get("metadata") or {}).get("utter_action")
            if action:
                found.add(response_kind(action))
    return found


def slot_is(value: Any, expected: Any) -> bool:
    """A list slot (body_area holds every area named) matches a value it contains."""
    return value == expected or (isinstance(value, list) and not isinstance(expected, list) and expected in value)


def run_dialogue(bot: Bot, dialogue: Dict[str, Any]) -> List[str]:
    """The problems of one dialogue (empty: it passed)."""
    sender = bot.new_sender()
    for number, turn in enumerate(dialogue["turns"], 1):
        before = len(events(bot, sender))
        replies = bot.say(sender, str(turn["user"]))
        got = turn_kinds(bot, sender, replies, before)
        expected = set(turn.get("expect") or [])
        if expected and not expected & got:
            return [f"turn {number} {turn['user']!r}: expected one of {sorted(expected)}, got {sorted(got)}"]
        forbidden = set(turn.get("not") or []) & got
        if forbidden:
            return [f"turn {number} {turn['user']!r}: must not give {sorted(forbidden)} (got {sorted(got)})"]
        slots = bot.tracker(sender)["slots"]
        wrong = {k: slots.get(k) for k, v in (turn.get("slots") or {}).items() if not slot_is(slots.get(k), v)}
        if wrong:
            return [f"turn {number} {turn['user']!r}: slots {wrong}, expected {turn['slots']}"]
    return []


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_held_out_dialogues_pass(bot: Bot, batch: str) -> None:
    dialogues = BATCHES[batch]
    failures: Dict[str, List[str]] = {}
    per_class: Counter = Counter()
    passed_per_class: Counter = Counter()
    for dialogue in dialogues:
        per_class[dialogue["cls"]] += 1
        problems = run_dialogue(bot, dialogue)
        if problems:
            failures[dialogue["name"]] = problems
        else:
            passed_per_class[dialogue["cls"]] += 1
    rate = 1 - len(failures) / len(dialogues)
    REPORTS.mkdir(exist_ok=True)
    path = REPORTS / "dialogues.json"
    report = json.loads(path.read_text()) if path.exists() else {}
    report[batch] = {
        "dialogues": len(dialogues),
        "passed": len(dialogues) - len(failures),
        "rate": round(rate, 4),
        "per_class": {c: f"{passed_per_class[c]}/{n}" for c, n in sorted(per_class.items())},
        "failures": failures,
    }
    path.write_text(json.dumps(report, indent=1))
    assert rate >= PASS_RATE, json.dumps(failures, indent=1)
