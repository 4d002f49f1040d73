"""Session start: the first-contact disclaimer, "welcome back", and the slots a new session keeps.

A returning person (an earlier session in the tracker and a logged session in the user-data
store) is greeted with their last session and buttons to repeat it, pick another area or see
their progress. A store that is down only costs the greeting.

One mechanism for carry-over: the domain's `session_config.carry_over_slots_to_new_session`.
Rasa only applies that flag in its own `action_session_start`; this custom one replaces it
(for the disclaimer), so it reads the flag itself and, when it is true, keeps every slot
except the per-turn ones below. The screening outcome is kept on purpose: a referral holds for
the whole conversation, and a clear screening stays valid for SCREENING_VALID_DAYS.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.coaching.progress import welcome_back_reply
from actions.coaching.reminders import missed_since_last_message
from actions.plumbing.knowledge_access import repository
from actions.plumbing.replying import Wording, send
from actions.plumbing.userdata_access import person, userdata

logger = logging.getLogger(__name__)

#: per-turn state a new session never inherits
NOT_CARRIED = (
    "requested_slot",
    "session_started_metadata",
    "hands_on_next",
    "checklist_answer",
    "checklist_item",
    "checklist_items",
    "flag_check",
    "open_session",
)


def typed_by_the_person(tracker: Tracker) -> bool:
    """True when this session start answers the person's own "/session_start" (the last user or
    action event is that message), not a session that expired before their next message."""
    for event in reversed(tracker.events):
        if event.get("event") == "action":
            return False
        if event.get("event") == "user":
            return (event.get("parse_data") or {}).get("intent", {}).get("name") == "session_start"
    return False


def carries_over(domain: Dict[str, Any]) -> bool:
    return bool((domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True))


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        first_contact = not any(e.get("event") == "session_started" for e in tracker.events)
        if first_contact:
            dispatcher.utter_message(response="utter_disclaimer")
        else:
            await asyncio.to_thread(self._welcome_back, dispatcher, tracker, domain)  # reads the user-data store
        if not dispatcher.messages and typed_by_the_person(tracker):
            dispatcher.utter_message(response="utter_greet")  # "/session_start" typed: never a silent turn
        carried = []
        if carries_over(domain):
            carried = [
                SlotSet(key, value) for key, value in tracker.slots.items() if value is not None and key not in NOT_CARRIED
            ]
        return [SessionStarted(), *carried, ActionExecuted("action_listen")]

    @staticmethod
    def _welcome_back(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> None:
        if missed_since_last_message(tracker):  # e.g. the widget's page was closed when it came
            dispatcher.utter_message(response="utter_missed_reminder")
        try:
            last = userdata().last_session(*person(tracker))
            if last is not None:
                send(dispatcher, welcome_back_reply(repository(), Wording(domain), last))
        except SQLAlchemyError:
            logger.exception("no welcome back: a store is unavailable")
