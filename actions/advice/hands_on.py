"""The gate in front of every hands-on answer: which area, is a screening needed, deliver.

`action_request_hands_on` records what the person asked for and sets `hands_on_next`
(ask_area | screen | deliver | log: a pain level answering "how does it feel now?"); rules
route on it. Whether a screening is needed, and which checklist items it shows, is the
screening module's call (actions/screening/state.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Dict, List, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.advice.routines import planned_areas, requested_minutes
from actions.coaching.session_log import OPEN_SLOT, RATING_ASKED, WORSE_SLOT, worse_areas
from actions.plumbing.context import recall
from actions.plumbing.knowledge_access import CoachAction, Events
from actions.plumbing.replying import Wording, join_names, payload, send
from actions.plumbing.tracker_reading import entity_values, first_entity, latest_intent, latest_text
from actions.plumbing.userdata_access import person, userdata
from actions.screening import state as screening_state
from actions.screening.checklist import area_names
from actions.screening.policy import OUTCOME_SLOT, is_blocking
from knowledge.repository import KnowledgeRepository
from replies.model import Button, Picture, Reply, ZoneLabel

logger = logging.getLogger(__name__)

_BACK = re.compile(r"\bbacks?\b", re.I)
_LEG = re.compile(r"\blegs?\b", re.I)
_PRONOUN = re.compile(r"\b(?:it|that|this|that one|this one|them|those)\b", re.I)
#: the areas offered when the person has not said where it hurts
ASK_AREAS = ("neck", "shoulder", "lower_back", "glute", "calf", "foot")


def requested(tracker: Tracker) -> str:
    intent = latest_intent(tracker)
    if intent == "ask_routine":
        return "routine"
    if intent in ("report_pain", "ask_exercise"):
        return "exercise"
    return tracker.get_slot("pending_request") or "exercise"


def named_areas(tracker: Tracker, repo: KnowledgeRepository) -> List[str]:
    """Areas in the latest message, or the first area of a named condition."""
    areas = entity_values(tracker, "body_area")
    condition_id = first_entity(tracker, "condition")
    if not areas and condition_id:
        condition = repo.condition(condition_id)
        areas = list(condition.body_areas[:1]) if condition else []
    return areas


def record_request(tracker: Tracker, repo: KnowledgeRepository) -> Tuple[List[str], str, List[str], List[Dict[str, Any]]]:
    """(areas named now, request kind, areas in focus, events recording them).

    "how do I use it?" right after a ball recommendation refers to that ball (and its area).
    """
    areas = named_areas(tracker, repo)
    request = requested(tracker)
    context = recall(tracker)
    events: List[Dict[str, Any]] = [SlotSet("pending_request", request)]
    follow_up = context.tool and context.kind in ("recommendation", "tool_info", "comparison", "alternative")
    refers_back = _PRONOUN.search(latest_text(tracker)) or latest_text(tracker).startswith("/")
    if follow_up and refers_back and not first_entity(tracker, "tool"):
        events.append(SlotSet("tool", context.tool))
    if not areas and context.area and request == "exercise" and context.kind in ("recommendation", "comparison"):
        areas = [context.area]
    focus = areas or ([] if request == "routine" else list(tracker.get_slot("areas_in_focus") or []))
    if areas or latest_intent(tracker) != "inform":
        events.append(SlotSet("shown_exercises", []))
    events.append(SlotSet("areas_in_focus", focus))
    return areas, request, focus, events


def rating_answer(tracker: Tracker, repo: KnowledgeRepository) -> bool:
    """A pain level, and no area, typed right after "how does it feel now?" (a bare "done")."""
    return (
        recall(tracker).kind == RATING_ASKED
        and bool(entity_values(tracker, "pain_level"))
        and not named_areas(tracker, repo)
        and isinstance(tracker.get_slot(OPEN_SLOT), dict)
    )


class ActionRequestHandsOn(CoachAction):
    """Records the request and decides: ask for the area, screen, or deliver."""

    NAME = "action_request_hands_on"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        if rating_answer(tracker, repo):  # "about a 3" after "how does it feel now?": logged, not a new request
            return [SlotSet("hands_on_next", "log")]
        areas, request, focus, events = record_request(tracker, repo)
        if is_blocking(tracker.get_slot(OUTCOME_SLOT)):  # a referral or an emergency stands: say it again, ask nothing
            return [*events, SlotSet("hands_on_next", "deliver")]
        if request == "exercise" and not focus:
            self._ask_area(dispatcher, tracker, repo, wording)
            return [*events, SlotSet("hands_on_next", "ask_area")]

        if len(areas) > 1:
            names = area_names(repo, areas)
            dispatcher.utter_message(
                response="utter_several_areas",
                first=names[0],
                buttons=[
                    {"title": name.capitalize(), "payload": payload("ask_exercise", body_area=area)}
                    for area, name in zip(areas[1:], names[1:], strict=False)
                ],
            )
            events.append(SlotSet("areas_in_focus", areas[:1]))
            focus = areas[:1]

        if request == "routine" and not focus:
            focus = planned_areas(repo, tracker.get_slot("goal"), requested_minutes(tracker), [])
        worse = await asyncio.to_thread(self._worse_areas, tracker, focus)
        events.append(SlotSet(WORSE_SLOT, worse))
        needed = screening_state.scope_needed(tracker, focus, must_screen=worse)
        if needed is None and screening_state.pending_flags(tracker, {r.id: r.level for r in repo.safety_rules()}):
            needed = (screening_state.NONE, list(focus))  # a possible sign to ask about first, no list
        if needed is None:
            return [*events, SlotSet("hands_on_next", "deliver")]
        scope, about = needed
        return [*events, *screening_state.start_events(scope, about), SlotSet("hands_on_next", "screen")]

    @staticmethod
    def _worse_areas(tracker: Tracker, focus: List[str]) -> List[str]:
        """Areas in focus whose last session felt worse (they are screened again, and referred)."""
        try:
            return worse_areas(userdata(), *person(tracker), focus)
        except SQLAlchemyError:
            logger.exception("user-data store unavailable: no session history for the screening")
            return []

    @staticmethod
    def _ask_area(dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> None:
        text = latest_text(tracker)
        if _BACK.search(text):
            dispatcher.utter_message(response="utter_ask_body_area_back")
        elif _LEG.search(text):
            dispatcher.utter_message(response="utter_ask_body_area_leg")
        else:
            buttons = tuple(
                Button(name.capitalize(), payload("inform", body_area=area))
                for area, name in zip(ASK_AREAS, area_names(repo, ASK_AREAS), strict=False)
            )
            reply = Reply(kind="ask_area", intro=wording("utter_ask_body_area"), buttons=buttons, picture=body_map(repo, wording))
            send(dispatcher, reply)


def body_map(repo: KnowledgeRepository, wording: Wording) -> Picture:
    """The body map: every area a numbered zone (head to foot) that sends what its button would."""
    from replies.pictures import figure_data

    figure, _ = figure_data()
    zones = []
    for number, zone in enumerate(figure.zones, 1):
        area = repo.body_area(zone.area)
        name = area.short_name if area else zone.area.replace("_", " ")
        zones.append(ZoneLabel(number, zone.area, name, payload("inform", body_area=zone.area)))
    listed = ", ".join(wording("utter_body_map_zone", number=z.number, name=z.name) for z in zones)
    return Picture(kind="body_map", alt=wording("utter_body_map_alt", areas=listed), zones=tuple(zones))


class ActionNoteRequest(CoachAction):
    """A request made during the screening: remember it; the checklist then covers its area too."""

    NAME = "action_note_request"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        areas, _, focus, events = record_request(tracker, repo)
        if areas:
            dispatcher.utter_message(response="utter_noted_request", areas=join_names(area_names(repo, areas), wording))
            about = list(dict.fromkeys([*(tracker.get_slot(screening_state.AREAS_SLOT) or []), *areas]))
            events.append(SlotSet(screening_state.AREAS_SLOT, about))
        return events
