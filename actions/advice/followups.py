"""Follow-ups to the exercise just shown: "that's way too intense", "can I press harder?",
"I can't feel anything". Each reads the exercise from the conversation context
(actions/plumbing/context.py) and answers from that exercise's own options in the knowledge store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.plumbing.context import recall, remember
from actions.plumbing.knowledge_access import CoachAction, Events
from actions.plumbing.replying import Wording, payload, send
from actions.plumbing.tracker_reading import first_entity
from actions.screening.policy import OUTCOME_SLOT, is_blocking, referral_stands
from actions.screening.state import POSSIBLE_ENTITY
from knowledge.repository import KnowledgeRepository
from replies.model import Reply

if TYPE_CHECKING:
    from knowledge.schema import Exercise


def current_exercise(tracker: Tracker, repo: KnowledgeRepository) -> Optional[Exercise]:
    context = recall(tracker)
    return repo.exercise(context.exercise) if context.exercise else None


class ActionLessPressure(CoachAction):
    """ "Too intense": the exercise's less-pressure options, and when to stop."""

    NAME = "action_less_pressure"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        exercise = current_exercise(tracker, repo)
        threshold = repo.safety_rule("pressure_threshold")
        sharp = repo.safety_rule("stop_if_sharp")
        bullets = tuple(rule.advice for rule in (threshold, sharp) if rule)
        if exercise and exercise.less_pressure:
            title = wording("utter_less_pressure_title", name=exercise.name)
            steps, data = tuple(exercise.less_pressure), {"exercise": exercise.id}
            send(dispatcher, Reply(kind="less_pressure", title=title, steps=steps, bullets=bullets, data=data))
            entries = [("exercise", exercise.id), ("safety_rule", "pressure_threshold")]
            return remember("exercise", entries, exercise=exercise.id, tool=exercise.tool)
        send(dispatcher, Reply(kind="less_pressure", title=wording("utter_less_pressure_general"), bullets=bullets))
        return remember("safety", [("safety_rule", "pressure_threshold"), ("safety_rule", "stop_if_sharp")])


class ActionMorePressure(CoachAction):
    """ "Can I press harder?" / "I can't feel the pressure": the exercise's more-pressure option,
    unless the screening asked for a gentle session or the exercise has none (neck, hip flexor)."""

    NAME = "action_more_pressure"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        exercise = current_exercise(tracker, repo)
        outcome = tracker.get_slot(OUTCOME_SLOT)
        if is_blocking(outcome) or exercise is None:
            dispatcher.utter_message(response="utter_nothing_to_continue")
            return []
        threshold = repo.safety_rule("pressure_threshold")
        bullets = (threshold.advice,) if threshold else ()
        if outcome == "caution" or not exercise.more_pressure:
            key = "utter_more_pressure_gentle" if outcome == "caution" else "utter_more_pressure_none"
            send(dispatcher, Reply(kind="more_pressure", intro=wording(key, name=exercise.name), bullets=bullets))
            return []
        title = wording("utter_more_pressure_title", name=exercise.name)
        steps = tuple(exercise.more_pressure)
        send(dispatcher, Reply(kind="more_pressure", title=title, steps=steps, bullets=bullets, data={"exercise": exercise.id}))
        return remember("exercise", [("exercise", exercise.id)], exercise=exercise.id, tool=exercise.tool)


class ActionClarifyFeeling(CoachAction):
    """ "I can't feel anything" could mean no pressure, or numbness: ask, never guess."""

    NAME = "action_clarify_feeling"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        if first_entity(tracker, POSSIBLE_ENTITY):
            # the detector read it as a possible loss of feeling: its one yes/no question, as the
            # hands-on gate asks it (a "no" gives the steps again, a "yes" refers)
            return [FollowupAction("action_request_hands_on")]
        no_pressure = wording.button("utter_button_no_pressure_felt", payload("more_pressure"))
        numb = wording.button("utter_button_numb", payload("report_red_flag", red_flag="nerve_symptoms"))
        send(dispatcher, Reply(kind="clarify", intro=wording("utter_clarify_feeling"), buttons=(no_pressure, numb)))
        return []


class ActionAcknowledge(CoachAction):
    """A bare "yes", "no" or "not sure" with no question waiting: after a referral (or an
    emergency) that still stands, the referral again (it answers "so I should stop?"); otherwise
    "anything else?"."""

    NAME = "action_acknowledge"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        if recall(tracker).kind == "referral" and referral_stands(dispatcher, tracker, repo, wording):
            return []
        dispatcher.utter_message(response="utter_anything_else")
        return []
