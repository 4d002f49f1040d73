"""Follow-ups to the exercise just shown: "that's way too intense", "can I press harder?",
"I can't feel anything". Each reads the exercise from the conversation context
(actions/context.py) and answers from that exercise's own options in the knowledge store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.context import recall, remember
from actions.knowledge_access import KnowledgeAction
from actions.replying import Wording, payload, send
from actions.safety_policy import OUTCOME_SLOT, is_blocking, referral_stands
from actions.screening_state import POSSIBLE_ENTITY
from actions.tracker_reading import first_entity
from knowledge.repository import KnowledgeRepository
from replies.model import Button, Reply

if TYPE_CHECKING:
    from knowledge.schema import Exercise


def current_exercise(tracker: Tracker, repo: KnowledgeRepository) -> Optional[Exercise]:
    context = recall(tracker)
    return repo.exercise(context.exercise) if context.exercise else None


class ActionLessPressure(KnowledgeAction):
    """ "Too intense": the exercise's less-pressure options, and when to stop."""

    def name(self) -> str:
        return "action_less_pressure"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        wording = Wording(domain)
        exercise = current_exercise(tracker, repo)
        threshold = repo.safety_rule("pressure_threshold")
        sharp = repo.safety_rule("stop_if_sharp")
        bullets = [rule.advice for rule in (threshold, sharp) if rule]
        if exercise and exercise.less_pressure:
            options = tuple(exercise.less_pressure)
            send(
                dispatcher,
                Reply(
                    kind="less_pressure",
                    title=wording("utter_less_pressure_title", name=exercise.name),
                    steps=options,
                    bullets=tuple(bullets),
                    data={"exercise": exercise.id},
                ),
            )
            return remember(
                "exercise",
                [("exercise", exercise.id), ("safety_rule", "pressure_threshold")],
                exercise=exercise.id,
                tool=exercise.tool,
            )
        send(dispatcher, Reply(kind="less_pressure", title=wording("utter_less_pressure_general"), bullets=tuple(bullets)))
        return remember("safety", [("safety_rule", "pressure_threshold"), ("safety_rule", "stop_if_sharp")])


class ActionMorePressure(KnowledgeAction):
    """ "Can I press harder?" / "I can't feel the pressure": the exercise's more-pressure option,
    unless the screening asked for a gentle session or the exercise has none (neck, hip flexor)."""

    def name(self) -> str:
        return "action_more_pressure"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        wording = Wording(domain)
        exercise = current_exercise(tracker, repo)
        outcome = tracker.get_slot(OUTCOME_SLOT)
        if is_blocking(outcome):
            dispatcher.utter_message(response="utter_nothing_to_continue")
            return []
        threshold = repo.safety_rule("pressure_threshold")
        if exercise is None:
            dispatcher.utter_message(response="utter_nothing_to_continue")
            return []
        if outcome == "caution" or not exercise.more_pressure:
            key = "utter_more_pressure_gentle" if outcome == "caution" else "utter_more_pressure_none"
            send(
                dispatcher,
                Reply(
                    kind="more_pressure", intro=wording(key, name=exercise.name), bullets=(threshold.advice,) if threshold else ()
                ),
            )
            return []
        send(
            dispatcher,
            Reply(
                kind="more_pressure",
                title=wording("utter_more_pressure_title", name=exercise.name),
                steps=tuple(exercise.more_pressure),
                bullets=(threshold.advice,) if threshold else (),
                data={"exercise": exercise.id},
            ),
        )
        return remember("exercise", [("exercise", exercise.id)], exercise=exercise.id, tool=exercise.tool)


class ActionClarifyFeeling(KnowledgeAction):
    """ "I can't feel anything" could mean no pressure, or numbness: ask, never guess."""

    def name(self) -> str:
        return "action_clarify_feeling"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        if first_entity(tracker, POSSIBLE_ENTITY):
            # the detector read it as a possible loss of feeling: its one yes/no question, as the
            # hands-on gate asks it (a "no" gives the steps again, a "yes" refers)
            return [FollowupAction("action_request_hands_on")]
        wording = Wording(domain)
        send(
            dispatcher,
            Reply(
                kind="clarify",
                intro=wording("utter_clarify_feeling"),
                buttons=(
                    Button(wording("utter_button_no_pressure_felt"), payload("more_pressure")),
                    Button(wording("utter_button_numb"), payload("report_red_flag", red_flag="nerve_symptoms")),
                ),
            ),
        )
        return []


class ActionAcknowledge(KnowledgeAction):
    """A bare "yes", "no" or "not sure" with no question waiting: after a referral (or an
    emergency) that still stands, the referral again (it answers "so I should stop?"); otherwise
    "anything else?"."""

    def name(self) -> str:
        return "action_acknowledge"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        if recall(tracker).kind == "referral" and referral_stands(dispatcher, tracker, repo, Wording(domain)):
            return []
        dispatcher.utter_message(response="utter_anything_else")
        return []
