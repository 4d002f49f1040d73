"""Sessions bounded in length as well as in time, so a turn costs the same at the 1,000th event
as at the 10th.

Rasa loads, replays, featurizes and sends to the action server every event of the current
session on every turn: at 1,000 events a turn took five times as long (bench/long_conversation.py).
A session ends after `session_expiration_time` minutes of silence (domain/core.yml); a person
who never pauses never gets a new one. So a session holding more than MAX_SESSION_TURNS
messages of the person (env, default 6) is closed at the end of a turn and a new one opened in
its place, the way Rasa opens one after the expiry, without a word to the person:

    action_session_start, session_started, a SlotSet per filled slot, the active form if any,
    the actions of the last turn (names only), action_listen

The slots and the form carry the conversation's state; the last turn's actions keep the rules'
view of "what the bot just did" (a yes after "Did that help?" still reads as an answer to it).
Rasa's SQL store then loads only the new session; the old one stays stored (the age purge
reads the store). A form is carried too: a person (or an attacker) inside the screening form
could otherwise grow a session without end. Not while a message of the session names a
possible sign the screening has not settled (the screening reads those from the session).
"""

from __future__ import annotations

import time
from typing import Any, List

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.screening.policy import STATED_SLOT
from actions.screening.state import CHECKED_SLOT, POSSIBLE_ENTITY
from settings import settings


def max_session_turns() -> int:
    """How many messages of the person a session holds before the next one opens (MAX_SESSION_TURNS)."""
    return settings().max_session_turns


def pending_possible_flags(tracker: DialogueStateTracker) -> bool:
    """A message of this session names a possible sign the screening has not settled yet: the
    screening reads those from the session's messages (actions/screening/state.py pending_flags),
    so the session is not closed under it."""
    settled = set(tracker.get_slot(CHECKED_SLOT) or []) | set(tracker.get_slot(STATED_SLOT) or [])
    return any(
        entity.get("entity") == POSSIBLE_ENTITY and entity.get("value") not in settled
        for event in tracker.events
        if isinstance(event, UserUttered)
        for entity in event.entities
    )


def needs_new_session(tracker: DialogueStateTracker, limit: int) -> bool:
    """More than `limit` messages of the person, between two turns (listening), not paused,
    and no possible sign still waiting in them."""
    turns = sum(1 for event in tracker.events if isinstance(event, UserUttered))
    return (
        turns > limit
        and tracker.latest_action_name == ACTION_LISTEN_NAME
        and not tracker.is_paused()
        and not pending_possible_flags(tracker)
    )


def last_turn_actions(tracker: DialogueStateTracker) -> List[str]:
    """The actions the bot ran after the person's last message, in order (action_listen excluded)."""
    names: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name not in (None, ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME):
            names.append(str(event.action_name))
    return names[::-1]


def new_session_events(tracker: DialogueStateTracker) -> List[Event]:
    """The events that close the tracker's session and open the next one (see the module docstring).
    Every event of the new session has its start's timestamp: the SQL store loads a session as
    the events at or after its latest session_started."""
    closing = ActionExecuted(ACTION_SESSION_START_NAME)
    start = SessionStarted(timestamp=max(time.time(), closing.timestamp))
    at = start.timestamp
    slots = [SlotSet(name, slot.value, timestamp=at) for name, slot in tracker.slots.items() if slot.value is not None]
    loop = [ActiveLoop(tracker.active_loop_name, timestamp=at)] if tracker.active_loop_name else []
    actions = [ActionExecuted(name, timestamp=at) for name in last_turn_actions(tracker)]
    return [closing, start, *slots, *loop, *actions, ActionExecuted(ACTION_LISTEN_NAME, timestamp=at)]


class BoundedSessions:
    """Mix-in for a tracker store that loads one session (Rasa's SQL store): after saving a turn,
    `save` opens a new session when the current one is longer than MAX_SESSION_EVENTS. Saving is
    the end of a turn, under the conversation's lock, so no other turn sees half of it."""

    domain: Any

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)  # type: ignore[misc]
        sessions = getattr(self.domain, "session_config", None)
        if sessions is None or not sessions.are_sessions_enabled() or not needs_new_session(tracker, max_session_turns()):
            return
        for event in new_session_events(tracker):
            tracker.update(event)
        await super().save(tracker)  # type: ignore[misc]  # the new session's events: the store counts what it has
