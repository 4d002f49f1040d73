"""The bot's actions, with one that fails: `--actions tests.security.failing_actions` on an action
server makes "export my data" raise, with the person's own words in the exception, as a bug would."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions  # noqa: F401 - every action of the bot is registered as usual
from actions.data_rights.requests import ActionExportData


class FailingExport(ActionExportData):
    """Registered after the real one (a subclass), so it answers `action_export_data`."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        raise RuntimeError(f"export failed for {tracker.sender_id}: {tracker.latest_message.get('text')}")
