"""How actions reach the user-data store, and what people see when it is down.

The same pattern as the knowledge store (actions/knowledge_access.py): one process-wide
repository created on first use, and a database failure becomes a friendly reply instead of
a crash. Who the person is comes from the tracker: the input channel and the sender id.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge_access import guarded
from userdata.repository import UserDataRepository


@lru_cache(maxsize=1)
def userdata() -> UserDataRepository:
    """The process-wide user-data repository, created on first use (never at import time)."""
    return UserDataRepository.from_env()


def person(tracker: Tracker) -> Tuple[str, str]:
    """(channel, sender id) of the conversation: the address the store keys a person by."""
    return tracker.get_latest_input_channel() or "rest", tracker.sender_id


async def with_userdata(
    name: str,
    dispatcher: CollectingDispatcher,
    work: Callable[[UserDataRepository], Awaitable[List[Dict[str, Any]]]],
) -> List[Dict[str, Any]]:
    """`work(store)`, or the "can't reach your log" reply when the user-data store fails."""
    return await guarded(name, dispatcher, userdata, work, "utter_userdata_unavailable")
