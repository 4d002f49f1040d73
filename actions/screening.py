"""The safety screening: a one-step checklist, its answers, red flags and the outcome.

Only `validate_screening_form` writes `screening_outcome` (clear | caution | refer |
emergency) and its reasons: the slot has a custom mapping, so no entity, intent or
`/intent{...}` payload can set it. One validation loop reads the checklist from the knowledge
store; there are no per-question methods.

Each run of the form (activation, an answer, the return after an aside) is one call here:
1. a red flag in the latest message, or one stated earlier, ends the screening at once;
2. on activation or return, the current step is asked again (the list, or "which one?");
3. otherwise the latest message is read as an answer (actions/screening_answers.py):
   "none" clears it and the advice follows in the same turn (unless the last logged session
   on an area of the checklist felt worse: then it refers, rule `persistent_or_worsening`); "yes" or "not sure" asks which
   item; an item gives that item's outcome; a correction asks the list again; anything
   unreadable gets "is that a yes or a no?"; an aside (a question, a new request) is left to
   the rules, and the form then asks again.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions import checklist as lists
from actions import screening_state as state
from actions.context import remember
from actions.delivery import deliver
from actions.knowledge_access import KnowledgeAction, repository
from actions.replying import Wording, send
from actions.safety_policy import (
    GENTLE_FROM_PAIN,
    OUTCOME_SLOT,
    REASONS_SLOT,
    STATED_SLOT,
    is_blocking,
    pain_at_least,
    red_flag_rules,
    referral_reply,
    worst,
)
from actions.screening_answers import ASIDE, ITEM, Reading, read_turn
from actions.session_log import WORSE_RULE, WORSE_SLOT
from components.answers import CORRECTION, NO, UNSURE, YES
from knowledge.repository import KnowledgeRepository
from knowledge.views import ChecklistView

FORM = "screening_form"


def heard_the_user(tracker: Tracker) -> bool:
    """This run answers a user message (no other action ran since it), not an activation or a return."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in (FORM, "action_listen", None):
            return False
    return False


def outcome_events(tracker: Tracker, level: str, reasons: Sequence[str]) -> List[EventType]:
    """The screening's result: outcome, reasons, the areas it covered and when."""
    screened = list(
        dict.fromkeys(
            [
                *(tracker.get_slot(state.SCREENED_AREAS_SLOT) or []),
                *(tracker.get_slot(state.AREAS_SLOT) or []),
                *(tracker.get_slot("areas_in_focus") or []),
            ]
        )
    )
    return [
        SlotSet(OUTCOME_SLOT, level),
        SlotSet(REASONS_SLOT, list(dict.fromkeys(reasons))),
        SlotSet(state.SCREENED_AREAS_SLOT, screened),
        SlotSet(state.SCREENED_AT_SLOT, time.time()),
        SlotSet(REQUESTED_SLOT, None),
    ]


def stated_block(repo: KnowledgeRepository, tracker: Tracker, flagged: Sequence[str]) -> Optional[List[EventType]]:
    """Events ending the screening for red flags the person stated (now or earlier), or None."""
    earlier = [r for r in tracker.get_slot(STATED_SLOT) or [] if r]
    if not flagged and not earlier:
        return None
    rules = [rule for rule in (repo.safety_rule(r) for r in flagged) if rule]
    previous = tracker.get_slot(OUTCOME_SLOT)
    level = worst([previous if is_blocking(previous) else None, *(r.level for r in rules), "refer" if earlier else None])
    reasons = list(dict.fromkeys([*flagged, *(tracker.get_slot(REASONS_SLOT) or [])]))
    return [
        SlotSet(OUTCOME_SLOT, level),
        SlotSet(REASONS_SLOT, reasons),
        SlotSet(STATED_SLOT, list(dict.fromkeys([*earlier, *flagged]))),
        SlotSet(REQUESTED_SLOT, None),
    ]


class ValidateScreeningForm(FormValidationAction):
    """The checklist's one validation loop (see the module docstring)."""

    def name(self) -> str:
        return "validate_screening_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return await self.validate(dispatcher, tracker, domain, repository())

    async def validate(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, repo: KnowledgeRepository
    ) -> List[EventType]:
        blocked = stated_block(repo, tracker, red_flag_rules(tracker))
        if blocked is not None:
            return blocked
        checklist = repo.checklist()
        step = tracker.get_slot(REQUESTED_SLOT) or state.ANSWER_SLOT
        if not tracker.get_slot(REQUESTED_SLOT) or not heard_the_user(tracker):
            return self.ask(dispatcher, repo, tracker, checklist, step, domain)
        reading = read_turn(tracker, state.shown_items(tracker, checklist))
        if reading.kind == ASIDE:
            return []  # not an answer: the rules answer it, then the form asks again
        if step == state.ITEM_SLOT:
            return self.which_step(dispatcher, repo, tracker, checklist, reading, domain)
        return self.answer_step(dispatcher, repo, tracker, checklist, reading, domain)

    def ask(
        self,
        dispatcher: CollectingDispatcher,
        repo: KnowledgeRepository,
        tracker: Tracker,
        checklist: ChecklistView,
        step: str,
        domain: DomainDict,
    ) -> List[EventType]:
        """Ask the current step: the whole list, or "which one?"."""
        items = state.shown_items(tracker, checklist)
        if step == state.ITEM_SLOT:
            send(dispatcher, lists.which_reply(checklist, items))
            return [SlotSet(REQUESTED_SLOT, state.ITEM_SLOT)]
        area_only = tracker.get_slot(state.SCOPE_SLOT) == state.AREA
        names = lists.area_names(repo, tracker.get_slot(state.AREAS_SLOT) or [])
        send(dispatcher, lists.checklist_reply(checklist, items, area_only, names, Wording(domain)))
        return [SlotSet(REQUESTED_SLOT, state.ANSWER_SLOT), *remember("checklist", [("checklist_item", i.id) for i in items])]

    def answer_step(
        self,
        dispatcher: CollectingDispatcher,
        repo: KnowledgeRepository,
        tracker: Tracker,
        checklist: ChecklistView,
        reading: Reading,
        domain: DomainDict,
    ) -> List[EventType]:
        """The answer to "Does any of these apply to you?"."""
        if reading.kind == NO:
            worse = set(tracker.get_slot(WORSE_SLOT) or []) & set(tracker.get_slot(state.AREAS_SLOT) or [])
            if worse:  # the last session on this area felt worse: none of the list changes that
                return [SlotSet(state.ANSWER_SLOT, NO), *outcome_events(tracker, "refer", [WORSE_RULE])]
            level = "caution" if pain_at_least(tracker.get_slot("pain_level"), GENTLE_FROM_PAIN) else "clear"
            return [SlotSet(state.ANSWER_SLOT, NO), *outcome_events(tracker, level, [])]
        if reading.kind == ITEM and reading.item:
            return self.item_outcome(tracker, checklist, reading.item)
        if reading.kind in (YES, UNSURE):
            send(dispatcher, lists.which_reply(checklist, state.shown_items(tracker, checklist)))
            return [SlotSet(state.ANSWER_SLOT, reading.kind), SlotSet(REQUESTED_SLOT, state.ITEM_SLOT)]
        if reading.kind == CORRECTION:
            return [SlotSet(state.ANSWER_SLOT, None), *self.ask(dispatcher, repo, tracker, checklist, state.ANSWER_SLOT, domain)]
        send(dispatcher, lists.unclear_reply(checklist))  # UNCLEAR: never a guessed yes or no
        return [SlotSet(state.ANSWER_SLOT, None), SlotSet(REQUESTED_SLOT, state.ANSWER_SLOT)]

    def which_step(
        self,
        dispatcher: CollectingDispatcher,
        repo: KnowledgeRepository,
        tracker: Tracker,
        checklist: ChecklistView,
        reading: Reading,
        domain: DomainDict,
    ) -> List[EventType]:
        """The answer to "Which one?"."""
        if reading.kind == ITEM and reading.item:
            return self.item_outcome(tracker, checklist, reading.item)
        if reading.kind == UNSURE:
            return [SlotSet(state.ITEM_SLOT, UNSURE), *outcome_events(tracker, "refer", [checklist.wording["unsure_rule"]])]
        if reading.kind in (NO, CORRECTION):  # "sorry, none of them": the list again
            return [
                SlotSet(state.ANSWER_SLOT, None),
                SlotSet(state.ITEM_SLOT, None),
                *self.ask(dispatcher, repo, tracker, checklist, state.ANSWER_SLOT, domain),
            ]
        send(dispatcher, lists.which_reply(checklist, state.shown_items(tracker, checklist)))
        return [SlotSet(state.ITEM_SLOT, None), SlotSet(REQUESTED_SLOT, state.ITEM_SLOT)]

    @staticmethod
    def item_outcome(tracker: Tracker, checklist: ChecklistView, item_id: str) -> List[EventType]:
        item = checklist.item(item_id)
        assert item is not None  # read_turn only returns items of this checklist
        return [SlotSet(state.ITEM_SLOT, item.id), *outcome_events(tracker, item.level, item.covers[:1])]


class ActionExplainChecklist(KnowledgeAction):
    """ "Why do you ask?": why each check on the list matters (the form then asks again)."""

    def name(self) -> str:
        return "action_explain_checklist"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        checklist = repo.checklist()
        items = state.shown_items(tracker, checklist) or checklist.items
        send(dispatcher, lists.why_reply(checklist, items))
        return []


class ActionScreeningResult(KnowledgeAction):
    """Says what the screening decided, then carries on with what the person asked for."""

    def name(self) -> str:
        return "action_screening_result"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        outcome = tracker.get_slot(OUTCOME_SLOT)
        wording = Wording(domain)
        if outcome is None:  # stopped, or the library was down: no advice, nothing to say
            return []
        if is_blocking(outcome):
            stated = [r for r in tracker.get_slot(STATED_SLOT) or [] if r]
            reasons = tracker.get_slot(REASONS_SLOT) or []
            send(dispatcher, referral_reply(repo, wording, reasons, outcome, can_reanswer=not stated))
            return [SlotSet("pending_request", None), *remember("referral", [("safety_rule", r) for r in reasons])]
        if outcome == "caution":
            hold = repo.default_dosing().get("hold_time")
            dispatcher.utter_message(
                response="utter_screening_caution", hold=hold.value.describe(" s") if hold and hold.value else ""
            )
        else:
            dispatcher.utter_message(response="utter_screening_clear")
        return deliver(dispatcher, tracker, repo, wording)


class ActionRedoChecklist(KnowledgeAction):
    """ "Sorry, I answered wrongly": a referral from a checklist answer can be answered again;
    one from a red flag the person stated stays for the conversation."""

    def name(self) -> str:
        return "action_redo_checklist"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        wording = Wording(domain)
        outcome = tracker.get_slot(OUTCOME_SLOT)
        if [r for r in tracker.get_slot(STATED_SLOT) or [] if r]:
            send(dispatcher, referral_reply(repo, wording, tracker.get_slot(REASONS_SLOT) or [], outcome or "refer", still=True))
            return [SlotSet("hands_on_next", "none")]
        if outcome is None and not tracker.get_slot(state.ANSWER_SLOT):
            dispatcher.utter_message(response="utter_nothing_to_correct")
            return [SlotSet("hands_on_next", "none")]
        areas = list(tracker.get_slot(state.AREAS_SLOT) or tracker.get_slot("areas_in_focus") or [])
        return [
            SlotSet(OUTCOME_SLOT, None),
            SlotSet(REASONS_SLOT, []),
            SlotSet(state.SCREENED_AT_SLOT, None),
            *state.start_events(state.GENERAL, areas),
            SlotSet("pending_request", tracker.get_slot("pending_request") or "exercise"),
            SlotSet("hands_on_next", "screen"),
        ]
