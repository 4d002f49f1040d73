"""Rasa's SQL tracker store, with one addition: it can forget a conversation.

Rasa Open Source has no way to delete one person's conversation (RasaHQ/rasa#10719), and an
action cannot do it itself: the SQL store saves "the events past the count already stored" at
the end of the turn, so a conversation deleted during the turn would be written back whole.

So the deletion happens here, at save time: when the turn set the slot `forget_conversation`
(actions/data_rights/requests.py, after the person confirmed "delete my data"), every stored event of
that sender is deleted in one transaction and nothing of the turn is saved; the next message
starts a fresh conversation. When an event broker is configured, one `user_data_deleted`
event is published instead of the turn's events, so downstream consumers can delete too.
Configured by module path in endpoints.yml (`type: stores.tracker_store.ForgettingSQLTrackerStore`).

Failed calls are counted (tpc_tracker_store_errors_total) before Rasa's fail-safe wrapper logs
them, and each saved turn tells the metrics whether it fell to a fallback (observability/metrics.py).

Creating the store is the Rasa server's one start-up step that is ours in every configuration
(endpoints.yml, endpoints.production.yml), so it also installs the changes to Rasa's own
behaviour in rasa_extensions/.

Reading a session back, Rasa finds each stored event's class by walking every subclass of `Event`
(`Event.resolve_by_type`, once per event, about 17 us each): the store keeps that answer in a
table per type name instead (`event_class`), the same class Rasa would pick.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from typing import Any, Dict, Iterable, List, Optional, Type

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from observability import metrics
from stores.bounded_sessions import BoundedSessions

logger = logging.getLogger(__name__)

FORGET_SLOT = "forget_conversation"
DELETED_EVENT = "user_data_deleted"


@functools.cache
def event_class(type_name: str) -> Optional[Type[Event]]:
    """The class Rasa's `Event.resolve_by_type` gives for a type name: the first in
    `all_subclasses(Event)` order, so a subclass that inherits its parent's name never wins."""
    return next((cls for cls in all_subclasses(Event) if cls.type_name == type_name), None)


def events_of(stored: Iterable[Dict[str, Any]]) -> List[Event]:
    """Stored events as Rasa's `deserialise_events` makes them; a type name this table does not
    know (an old `topic` event, a class imported later) goes through Rasa's own lookup."""
    events: List[Event] = []
    for parameters in stored:
        name = parameters.get("event")
        if name is None:
            continue
        cls = event_class(str(name))
        event = cls._from_parameters(parameters) if cls is not None else Event.from_parameters(parameters)
        if event is not None:
            events.append(event)
        else:
            logger.warning("a stored event of type %r could not be read back", name)
    return events


class ForgettingSQLTrackerStore(BoundedSessions, SQLTrackerStore):
    """Also keeps sessions short (stores/bounded_sessions.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from rasa_extensions import action_replies

        action_replies.install()
        super().__init__(*args, **kwargs)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        """Rasa's SQL store's reading (the same query), with the events read by `events_of`."""
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions).all()
            stored = [json.loads(row.data) for row in rows]
        if not self.domain or not stored:
            return None
        return DialogueStateTracker.from_events(sender_id, events_of(stored), self.domain.slots)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve(sender_id)
        except Exception:
            metrics.tracker_store_error("retrieve")
            raise

    async def save(self, tracker: DialogueStateTracker) -> None:
        metrics.observe_saved_turn(tracker.events)
        if tracker.get_slot(FORGET_SLOT) is not True:
            try:
                await super().save(tracker)
            except Exception:
                metrics.tracker_store_error("save")
                raise
            return
        try:
            with self.session_scope() as session:
                deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete()
                session.commit()
        except Exception:
            metrics.tracker_store_error("forget")
            raise
        logger.info("conversation forgotten at the person's request (%d events deleted)", deleted)
        if self.event_broker is not None:
            self.event_broker.publish({"event": DELETED_EVENT, "sender_id": tracker.sender_id, "timestamp": time.time()})
