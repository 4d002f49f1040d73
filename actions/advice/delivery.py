"""Giving what was asked for once the screening allows it: exercises or a routine.

An earlier referral or emergency always wins: later hands-on requests get the referral
again, never instructions.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import exercises, routines
from actions.plumbing.context import remember
from actions.plumbing.knowledge_access import CoachAction, Events
from actions.plumbing.replying import Wording, send
from actions.screening.policy import OUTCOME_SLOT, REASONS_SLOT, STATED_SLOT, is_blocking, referral_reply
from knowledge.repository import KnowledgeRepository


def deliver(
    dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording
) -> List[Dict[str, Any]]:
    """Give what was asked for, unless an earlier referral or emergency still applies."""
    outcome = tracker.get_slot(OUTCOME_SLOT)
    if is_blocking(outcome):
        stated = [r for r in tracker.get_slot(STATED_SLOT) or [] if r]
        reply = referral_reply(repo, wording, tracker.get_slot(REASONS_SLOT) or [], outcome, still=True, can_reanswer=not stated)
        send(dispatcher, reply)
        return remember("referral", [("safety_rule", r) for r in tracker.get_slot(REASONS_SLOT) or []])
    other_side = exercises.deliver_other_side(dispatcher, tracker, repo, wording, outcome)
    if other_side is not None:
        return other_side
    if (tracker.get_slot("pending_request") or "exercise") == "routine":
        return routines.deliver_routine(dispatcher, tracker, repo, wording, outcome)
    return exercises.deliver_next_exercise(dispatcher, tracker, repo, wording, outcome)


class ActionDeliverHandsOn(CoachAction):
    """Gives the pending hands-on answer (exercises or a routine)."""

    NAME = "action_deliver_hands_on"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        return deliver(dispatcher, tracker, repo, wording)


class ActionNextExercise(CoachAction):
    """ "Next one" / "another": the next exercise for the area in focus."""

    NAME = "action_next_exercise"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        outcome = tracker.get_slot(OUTCOME_SLOT)
        if not tracker.get_slot("areas_in_focus") or outcome is None:
            dispatcher.utter_message(response="utter_nothing_to_continue")
            return []
        if is_blocking(outcome):
            return deliver(dispatcher, tracker, repo, wording)
        other_side = exercises.deliver_other_side(dispatcher, tracker, repo, wording, outcome)
        if other_side is not None:
            return other_side
        return exercises.deliver_next_exercise(dispatcher, tracker, repo, wording, outcome)
