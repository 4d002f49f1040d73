"""The gate in front of every hands-on answer: which area, is screening needed, deliver.

`action_request_hands_on` records what the person asked for and sets `hands_on_next`
(ask_area | screen | deliver); rules route on it. Screening is needed before the first
hands-on advice, again for a newly mentioned area (area-specific questions only), and
after SCREENING_VALID_DAYS days (all questions).
"""

from __future__ import annotations

import os
import re
import time
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import exercises, routines
from actions.formatting import button
from actions.knowledge_access import KnowledgeAction
from actions.safety_policy import OUTCOME_SLOT, REASONS_SLOT, is_blocking, referral_kwargs
from actions.tracker_reading import entity_values, first_entity, latest_intent, latest_text
from knowledge.repository import KnowledgeRepository

DEFAULT_VALID_DAYS = 7
_BACK = re.compile(r"\bbacks?\b", re.I)
_LEG = re.compile(r"\blegs?\b", re.I)


def screening_valid_days() -> float:
    """How long a screening stays valid (env SCREENING_VALID_DAYS, default 7)."""
    try:
        return float(os.environ.get("SCREENING_VALID_DAYS", DEFAULT_VALID_DAYS))
    except ValueError:
        return DEFAULT_VALID_DAYS


def slots_to_rescreen(
    tracker: Tracker, repo: KnowledgeRepository, areas: List[str], now: Optional[float] = None
) -> Optional[List[str]]:
    """Question slots to (re-)ask, or None when the existing screening still holds."""
    questions = repo.screening_questions()
    screened_at = tracker.get_slot("screened_at")
    now = time.time() if now is None else now
    if screened_at is None or tracker.get_slot(OUTCOME_SLOT) is None or now - float(screened_at) > screening_valid_days() * 86400:
        return [q.slot for q in questions]
    screened = set(tracker.get_slot("screened_areas") or [])
    if any(area not in screened for area in areas):
        return [q.slot for q in questions if q.area_specific]
    return None


def requested(tracker: Tracker) -> str:
    intent = latest_intent(tracker)
    if intent == "ask_routine":
        return "routine"
    if intent in ("report_pain", "ask_exercise"):
        return "exercise"
    return tracker.get_slot("pending_request") or "exercise"


def deliver(dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository) -> List[Dict[str, Any]]:
    """Give what was asked for, unless an earlier referral or emergency still applies."""
    outcome = tracker.get_slot(OUTCOME_SLOT)
    if is_blocking(outcome):
        kwargs = referral_kwargs(repo, tracker.get_slot(REASONS_SLOT) or [])
        dispatcher.utter_message(
            response="utter_emergency" if outcome == "emergency" else "utter_referral_still_applies", **kwargs
        )
        return []
    if (tracker.get_slot("pending_request") or "exercise") == "routine":
        return routines.deliver_routine(dispatcher, tracker, repo, outcome)
    return exercises.deliver_next_exercise(dispatcher, tracker, repo, outcome)


def named_areas(tracker: Tracker, repo: KnowledgeRepository) -> List[str]:
    """Areas in the latest message, or the first area of a named condition."""
    areas = entity_values(tracker, "body_area")
    condition_id = first_entity(tracker, "condition")
    if not areas and condition_id:
        condition = repo.condition(condition_id)
        areas = list(condition.body_areas[:1]) if condition else []
    return areas


def record_request(tracker: Tracker, repo: KnowledgeRepository) -> Tuple[List[str], str, List[str], List[Dict[str, Any]]]:
    """(areas named now, request kind, areas in focus, events recording them)."""
    areas = named_areas(tracker, repo)
    request = requested(tracker)
    focus = areas or ([] if request == "routine" else list(tracker.get_slot("areas_in_focus") or []))
    events: List[Dict[str, Any]] = [SlotSet("pending_request", request)]
    if areas or latest_intent(tracker) != "inform":
        events.append(SlotSet("shown_exercises", []))
    events.append(SlotSet("areas_in_focus", focus))
    return areas, request, focus, events


def area_names(repo: KnowledgeRepository, areas: List[str]) -> List[str]:
    names = []
    for area_id in areas:
        area = repo.body_area(area_id)
        names.append(area.short_name.lower() if area else area_id.replace("_", " "))
    return names


class ActionRequestHandsOn(KnowledgeAction):
    """Records the request and decides: ask for the area, screen, or deliver."""

    def name(self) -> str:
        return "action_request_hands_on"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        areas, request, focus, events = record_request(tracker, repo)
        if request == "exercise" and not focus:
            self._ask_area(dispatcher, tracker)
            return [*events, SlotSet("hands_on_next", "ask_area")]

        if len(areas) > 1:
            names = area_names(repo, areas)
            dispatcher.utter_message(
                response="utter_several_areas",
                first=names[0],
                buttons=[
                    button(name.capitalize(), f'/ask_exercise{{"body_area": "{area}"}}')
                    for area, name in zip(areas[1:], names[1:], strict=False)
                ],
            )
            events.append(SlotSet("areas_in_focus", areas[:1]))
            focus = areas[:1]

        if is_blocking(tracker.get_slot(OUTCOME_SLOT)):
            return [*events, SlotSet("hands_on_next", "deliver")]
        resets = slots_to_rescreen(tracker, repo, focus)
        if resets is None:
            return [*events, SlotSet("hands_on_next", "deliver")]
        dispatcher.utter_message(response="utter_screening_intro")
        return [*events, *[SlotSet(slot, None) for slot in resets], SlotSet("hands_on_next", "screen")]

    @staticmethod
    def _ask_area(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        text = latest_text(tracker)
        if _BACK.search(text):
            dispatcher.utter_message(response="utter_ask_body_area_back")
        elif _LEG.search(text):
            dispatcher.utter_message(response="utter_ask_body_area_leg")
        else:
            areas = [
                ("Neck", "neck"),
                ("Shoulders", "shoulder"),
                ("Lower back", "lower_back"),
                ("Glutes", "glute"),
                ("Calves", "calf"),
                ("Feet", "foot"),
            ]
            dispatcher.utter_message(
                response="utter_ask_body_area",
                buttons=[button(title, f'/inform{{"body_area": "{area}"}}') for title, area in areas],
            )


class ActionNoteRequest(KnowledgeAction):
    """A request made during the screening: remember it, the screening then resumes."""

    def name(self) -> str:
        return "action_note_request"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        areas, _, _, events = record_request(tracker, repo)
        if areas:
            dispatcher.utter_message(
                text=f"Noted: I'll cover your {' and '.join(area_names(repo, areas))} right after these questions."
            )
        return events


class ActionDeliverHandsOn(KnowledgeAction):
    """Gives the pending hands-on answer (exercises or a routine)."""

    def name(self) -> str:
        return "action_deliver_hands_on"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        return deliver(dispatcher, tracker, repo)


class ActionNextExercise(KnowledgeAction):
    """ "Next one" / "another": the next exercise for the area in focus."""

    def name(self) -> str:
        return "action_next_exercise"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        outcome = tracker.get_slot(OUTCOME_SLOT)
        if not tracker.get_slot("areas_in_focus") or outcome is None:
            dispatcher.utter_message(response="utter_nothing_to_continue")
            return []
        if is_blocking(outcome):
            return deliver(dispatcher, tracker, repo)
        return exercises.deliver_next_exercise(dispatcher, tracker, repo, outcome)
