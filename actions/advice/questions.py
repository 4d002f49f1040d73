"""One place that says which action answers which question, in or out of the screening.

Rules send every question intent to `action_answer_question` (one rule outside the
screening, one inside it, which then returns to the checklist), instead of one copied rule
per intent and per situation.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.advice.info import ActionCareTips, ActionDosage, ActionToolInfo, ActionTriggerPointInfo, ActionWarningSigns
from actions.advice.recommendation import ActionRecommendBall
from actions.advice.sources import ActionSources
from actions.plumbing.tracker_reading import latest_intent

#: intent -> the action that answers it
ANSWERS: Dict[str, type] = {
    "ask_trigger_point_info": ActionTriggerPointInfo,
    "ask_tool_info": ActionToolInfo,
    "ask_dosage": ActionDosage,
    "ask_care": ActionCareTips,
    "ask_ball_recommendation": ActionRecommendBall,
    "ask_source": ActionSources,
    "ask_warning_signs": ActionWarningSigns,
}
#: intent -> the domain response that answers it
RESPONSES = {"bot_challenge": "utter_iamabot", "help": "utter_help"}
#: every question intent, in order: the one list of them. The question rules of
#: data/rules/advice.yml and data/rules/screening.yml list exactly these (a test checks), and the
#: screening leaves them to those rules (actions/screening/answers.py ASIDE_INTENTS).
QUESTION_INTENTS = (*ANSWERS, *RESPONSES)


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        intent = latest_intent(tracker) or ""
        if intent in RESPONSES:
            dispatcher.utter_message(response=RESPONSES[intent])
            return []
        answer = ANSWERS.get(intent)
        if answer is None:
            dispatcher.utter_message(response="utter_default")
            return []
        return await answer().run(dispatcher, tracker, domain)
