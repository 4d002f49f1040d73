"""Reading the latest message as a checklist answer: buttons as sent, typed answers never guessed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml

from actions.advice.questions import QUESTION_INTENTS
from actions.screening.answers import ASIDE, ASIDE_INTENTS, ITEM, UNCLEAR, read_turn
from knowledge.repository import KnowledgeRepository
from knowledge.schema import ChecklistItem
from tests.actions.conftest import entity, make_tracker

ROOT = Path(__file__).resolve().parents[2]


def items(repo: KnowledgeRepository) -> Tuple[ChecklistItem, ...]:
    return repo.checklist().for_areas(("lower_back",))


@pytest.mark.parametrize(
    ("text", "intent", "kind"), [("/deny", "deny", "no"), ("/affirm", "affirm", "yes"), ("/unsure", "unsure", "unsure")]
)
def test_buttons_are_read_as_sent(repo: KnowledgeRepository, text: str, intent: str, kind: str) -> None:
    assert read_turn(make_tracker(text=text, intent=intent), items(repo)).kind == kind


def test_an_item_button_picks_that_item(repo: KnowledgeRepository) -> None:
    tracker = make_tracker(
        text='/inform{"checklist_item": "pregnancy"}', intent="inform", entities=[entity("checklist_item", "pregnancy")]
    )
    reading = read_turn(tracker, items(repo))
    assert (reading.kind, reading.item) == (ITEM, "pregnancy")


def test_an_item_not_on_this_checklist_is_not_accepted(repo: KnowledgeRepository) -> None:
    tracker = make_tracker(text="x", intent="inform", entities=[entity("checklist_item", "neck_vessel_signs")])
    assert read_turn(tracker, items(repo)).kind != ITEM


@pytest.mark.parametrize(("text", "kind"), [("the last one", ITEM), ("number 40", UNCLEAR)])
def test_typed_ordinals_are_bounded_by_the_list(repo: KnowledgeRepository, text: str, kind: str) -> None:
    assert read_turn(make_tracker(text=text, intent="inform"), items(repo)).kind == kind


def test_a_no_the_classifier_contradicts_is_asked_again(repo: KnowledgeRepository) -> None:
    assert read_turn(make_tracker(text="nope", intent="affirm", confidence=0.8), items(repo)).kind == UNCLEAR
    assert read_turn(make_tracker(text="nope", intent="affirm", confidence=0.3), items(repo)).kind == "no"


def test_a_question_is_an_aside_and_an_unknown_intent_is_unclear(repo: KnowledgeRepository) -> None:
    assert read_turn(make_tracker(text="what is a trigger point", intent="ask_trigger_point_info"), items(repo)).kind == ASIDE
    assert read_turn(make_tracker(text="another one please", intent="next_exercise"), items(repo)).kind == UNCLEAR


def rules(name: str) -> List[Dict[str, Any]]:
    return yaml.safe_load((ROOT / "data" / "rules" / f"{name}.yml").read_text())["rules"]


def first_intents(rule: Dict[str, Any]) -> List[str]:
    """The intents a rule starts with, in order (one, or an `or` of several)."""
    first = rule["steps"][0]
    return [s["intent"] for s in first.get("or", [])] + ([first["intent"]] if "intent" in first else [])


def during_screening(rule: Dict[str, Any]) -> bool:
    return {"active_loop": "screening_form"} in (rule.get("condition") or [])


def test_both_question_rules_list_exactly_the_question_intents() -> None:
    """questions.py is the one list: the rule outside the screening and the one inside it match it."""
    for name, inside in (("advice", False), ("screening", True)):
        [rule] = [r for r in rules(name) if {"action": "action_answer_question"} in r["steps"] and during_screening(r) == inside]
        assert first_intents(rule) == list(QUESTION_INTENTS), f"data/rules/{name}.yml: {rule['rule']}"


def test_the_asides_are_exactly_the_intents_with_a_rule_during_the_screening() -> None:
    with_rule = {i for rule in rules("screening") if during_screening(rule) for i in first_intents(rule)}
    # restart needs no rule of ours: Rasa's default rule runs action_restart ahead of any active loop
    assert with_rule | {"restart"} == ASIDE_INTENTS
    assert all(re.fullmatch(r"[a-z_]+", i) for i in with_rule)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hang on, can I get a copy of my data", "export_data"),
        ("stop, I've changed my mind", "stop"),
        ("wait, actually wipe everything you have on me", "delete_data"),
    ],
)
def test_a_plain_request_is_an_aside_even_with_words_of_a_correction(repo: KnowledgeRepository, text: str, intent: str) -> None:
    assert read_turn(make_tracker(text=text, intent=intent, confidence=0.95), items(repo)).kind == ASIDE
    # the classifier unsure of it: the words are read as an answer, as before (a correction)
    assert read_turn(make_tracker(text=text, intent=intent, confidence=0.5), items(repo)).kind != ASIDE


def test_a_clear_answer_stays_an_answer_whatever_the_intent(repo: KnowledgeRepository) -> None:
    assert read_turn(make_tracker(text="no, none of them", intent="stop", confidence=0.95), items(repo)).kind == "no"
