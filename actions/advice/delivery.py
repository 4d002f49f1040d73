"""Giving what was asked for once the screening allows it: exercises or a routine.

An earlier referral or emergency always wins: later hands-on requests get the referral
again, never instructions.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import exercises, routines
from actions.plumbing.context import remember
from actions.plumbing.knowledge_access import CoachAction, Events
from actions.plumbing.replying import Wording
from actions.screening.policy import OUTCOME_SLOT, REASONS_SLOT, referral_stands
from knowledge.repository import KnowledgeRepository


def deliver(
    dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording, exercise_only: bool = False
) -> Events:
    """Give what was asked for (with `exercise_only`, never a routine), unless an earlier referral or emergency still applies."""
    if referral_stands(dispatcher, tracker, repo, wording):
        return remember("referral", [("safety_rule", r) for r in tracker.get_slot(REASONS_SLOT) or []])
    outcome = tracker.get_slot(OUTCOME_SLOT)
    other_side = exercises.deliver_other_side(dispatcher, tracker, repo, wording, outcome)
    if other_side is not None:
        return other_side
    if not exercise_only and tracker.get_slot("pending_request") == "routine":
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
        if not tracker.get_slot("areas_in_focus") or tracker.get_slot(OUTCOME_SLOT) is None:
            dispatcher.utter_message(response="utter_nothing_to_continue")
            return []
        return deliver(dispatcher, tracker, repo, wording, exercise_only=True)
