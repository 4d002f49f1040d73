"""How actions reach the user-data store, and what people see when it is down.

One process-wide repository created on first use, and a database failure becomes a friendly
reply instead of a crash. Who the person is comes from the conversation id, which the channel
that received the message namespaced (`telegram:123`, channels/identity.py): the key is the same
HMAC of "channel:id" as before namespacing, so stored data needs no migration.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any, Callable, Dict, List, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from channels.identity import split
from observability import metrics
from userdata.conversations import ConversationHistory
from userdata.repository import UserDataRepository

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def userdata() -> UserDataRepository:
    """The process-wide user-data repository, created on first use (never at import time)."""
    return UserDataRepository.from_env()


@lru_cache(maxsize=1)
def conversations() -> ConversationHistory:
    """The tracker store's stored conversations (every session), created on first use; its calls block."""
    return ConversationHistory.from_env()


def person(tracker: Tracker) -> Tuple[str, str]:
    """(channel, the channel's id) of the conversation: the address the store keys a person by.

    Taken from the namespaced conversation id, never from what a message says about its channel.
    A conversation id without a channel (`rasa shell`, the token-protected HTTP API, a
    conversation from before namespacing) keeps the old reading: its latest input channel."""
    parts = split(tracker.sender_id)
    if parts is not None:
        return parts
    return tracker.get_latest_input_channel() or "rest", tracker.sender_id


async def with_userdata(
    name: str,
    dispatcher: CollectingDispatcher,
    work: Callable[[UserDataRepository], List[Dict[str, Any]]],
) -> List[Dict[str, Any]]:
    """`work(store)` in a worker thread (its database calls block: they never run on the action
    server's event loop), or, when the user-data store fails, the "can't reach your log" reply (and
    nothing half-said is kept). `name` names the caller in the log."""
    try:
        return await asyncio.to_thread(work, userdata())
    except SQLAlchemyError:
        metrics.userdata_error("action")
        logger.exception("the user-data store is unavailable in %s", name)
        dispatcher.messages.clear()
        dispatcher.utter_message(response="utter_userdata_unavailable")
        return []
