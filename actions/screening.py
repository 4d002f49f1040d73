"""The safety screening form: questions, free-text answers, red flags and the outcome.

Only `validate_screening_form` sets `screening_outcome` (and its reasons): the slot has a
custom mapping, so no entity, intent or `/intent{...}` payload can set it. A red flag in
the latest message ends the screening at once with refer or emergency.

`validate_screening_form` also asks the next question (worded as in the knowledge store) and
sets `requested_slot`; the domain has no `action_ask_q_*`/`utter_ask_q_*`, so Rasa's form asks
nothing itself. Rasa calls the validation action on every run of the form (activation, each
answer, return after an interruption), so one action-server call per answer instead of two
(measured in bench/: a call costs Rasa about 6 ms of CPU).
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions import hands_on
from actions.formatting import button
from actions.hands_on import area_names
from actions.knowledge_access import KnowledgeAction, repository
from actions.safety_policy import (
    OUTCOME_SLOT,
    REASONS_SLOT,
    is_blocking,
    red_flag_rules,
    referral_kwargs,
    worst,
)
from actions.screening_answers import NO, PARTIAL, YES, interpret_answer
from knowledge.repository import KnowledgeRepository
from knowledge.views import QuestionView

FORM = "screening_form"
HIGH_PAIN = 8  # pain at or above this (0-10) means a gentler session


def questions_by_slot(repo: KnowledgeRepository) -> Dict[str, QuestionView]:
    return {q.slot: q for q in repo.screening_questions()}


def outcome_of_answers(answers: Dict[str, Optional[str]], questions: Dict[str, QuestionView]) -> Tuple[str, List[str]]:
    """(level, reasons) from the answers so far: yes -> yes_level, partial -> partial_level."""
    levels: List[str] = []
    reasons: List[str] = []
    for slot, answer in answers.items():
        question = questions.get(slot)
        if question is None or answer not in (YES, PARTIAL):
            continue
        level = question.yes_level if answer == YES else question.partial_level
        levels.append(level)
        if level != "clear":
            reasons.extend(question.covers[:1])
    return worst(levels), list(dict.fromkeys(reasons))


def ask_question(dispatcher: CollectingDispatcher, repo: KnowledgeRepository, question: QuestionView, areas: List[str]) -> None:
    """One screening question with yes / no / why buttons, naming the area when it is about one."""
    text = question.question
    names = area_names(repo, areas) if question.area_specific and areas else []
    if names:
        text = f"{text} (your {' and '.join(names)})"
    dispatcher.utter_message(
        text=text,
        buttons=[button("Yes", "/affirm"), button("No", "/deny"), button("Why do you ask?", "/ask_why")],
    )


class ValidateScreeningForm(FormValidationAction):
    """Validates answers, asks the next question and decides the screening outcome."""

    def name(self) -> str:
        return "validate_screening_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        repo = repository()
        flagged = red_flag_rules(tracker)
        previous = tracker.get_slot(OUTCOME_SLOT)
        if flagged or is_blocking(previous):
            return self._finish_blocked(repo, flagged, tracker)
        events = await super().run(dispatcher, tracker, domain)
        state = {**tracker.slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
        questions = questions_by_slot(repo)
        answers = {slot: state.get(slot) for slot in self.domain_slots(domain)}
        level, reasons = outcome_of_answers(answers, questions)
        if is_blocking(level):  # no need for the remaining questions
            return [*events, SlotSet(OUTCOME_SLOT, level), SlotSet(REASONS_SLOT, reasons), SlotSet(REQUESTED_SLOT, None)]
        unanswered = [slot for slot, value in answers.items() if value is None]
        if unanswered:
            ask_question(dispatcher, repo, questions[unanswered[0]], state.get("areas_in_focus") or [])
            return [*events, SlotSet(REQUESTED_SLOT, unanswered[0])]
        pain = state.get("pain_level")
        if pain and str(pain).isdigit() and int(pain) >= HIGH_PAIN:
            level = worst([level, "caution"])
        screened = list(dict.fromkeys([*(state.get("screened_areas") or []), *(state.get("areas_in_focus") or [])]))
        return [
            *events,
            SlotSet(OUTCOME_SLOT, level),
            SlotSet(REASONS_SLOT, reasons),
            SlotSet("screened_areas", screened),
            SlotSet("screened_at", time.time()),
        ]

    def _finish_blocked(self, repo: KnowledgeRepository, flagged: List[str], tracker: Tracker) -> List[EventType]:
        levels = [rule.level for rule in (repo.safety_rule(r) for r in flagged) if rule]
        level = worst([tracker.get_slot(OUTCOME_SLOT), *levels])
        reasons = list(dict.fromkeys([*flagged, *(tracker.get_slot(REASONS_SLOT) or [])]))
        return [SlotSet(OUTCOME_SLOT, level), SlotSet(REASONS_SLOT, reasons), SlotSet(REQUESTED_SLOT, None)]

    def _answer(self, slot: str, value: Any, dispatcher: CollectingDispatcher) -> Dict[str, Any]:
        if value in (YES, NO, PARTIAL):
            return {slot: value}
        answer = interpret_answer(str(value or ""))
        if answer is None:
            dispatcher.utter_message(response="utter_answer_yes_no")
        return {slot: answer}

    def validate_q_recent_injury(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._answer("q_recent_injury", value, dispatcher)

    def validate_q_bone_joint(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._answer("q_bone_joint", value, dispatcher)

    def validate_q_blood_clotting(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._answer("q_blood_clotting", value, dispatcher)

    def validate_q_skin(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._answer("q_skin", value, dispatcher)

    def validate_q_diabetes_sensation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._answer("q_diabetes_sensation", value, dispatcher)

    def validate_q_nerve(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._answer("q_nerve", value, dispatcher)

    def validate_q_persisting(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._answer("q_persisting", value, dispatcher)

    def validate_q_pregnancy(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._answer("q_pregnancy", value, dispatcher)


class ActionExplainScreeningQuestion(KnowledgeAction):
    """Answers "why do you ask?" for the question being asked (the form then re-asks it)."""

    def name(self) -> str:
        return "action_explain_screening_question"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        question = questions_by_slot(repo).get(tracker.get_slot(REQUESTED_SLOT) or "")
        if question:
            dispatcher.utter_message(text=question.why)
        else:
            dispatcher.utter_message(text="These questions check for the situations where self-massage could do harm.")
        return []


class ActionScreeningResult(KnowledgeAction):
    """Says what the screening decided, then carries on with what the person asked for."""

    def name(self) -> str:
        return "action_screening_result"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        outcome = tracker.get_slot(OUTCOME_SLOT) or "clear"
        reasons = tracker.get_slot(REASONS_SLOT) or []
        if outcome == "emergency":
            emergency = [r for r in reasons if (rule := repo.safety_rule(r)) and rule.level == "emergency"]
            dispatcher.utter_message(response="utter_emergency", **referral_kwargs(repo, emergency or reasons))
            return [SlotSet("pending_request", None)]
        if outcome == "refer":
            dispatcher.utter_message(response="utter_refer", **referral_kwargs(repo, reasons))
            return [SlotSet("pending_request", None)]
        dispatcher.utter_message(response="utter_screening_caution" if outcome == "caution" else "utter_screening_clear")
        return hands_on.deliver(dispatcher, tracker, repo)
