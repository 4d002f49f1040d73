"""Session start: carry slots over and show the short disclaimer on first contact."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        first_contact = not any(e.get("event") == "session_started" for e in tracker.events)
        if first_contact:
            dispatcher.utter_message(response="utter_disclaimer")
        carried = [
            SlotSet(key, value)
            for key, value in tracker.slots.items()
            if value is not None and key not in ("requested_slot", "session_started_metadata")
        ]
        return [SessionStarted(), *carried, ActionExecuted("action_listen")]
