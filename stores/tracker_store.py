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
"""

from __future__ import annotations

import logging
import time
from typing import Any, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from observability import metrics
from stores.bounded_sessions import BoundedSessions

logger = logging.getLogger(__name__)

FORGET_SLOT = "forget_conversation"
DELETED_EVENT = "user_data_deleted"


class ForgettingSQLTrackerStore(BoundedSessions, SQLTrackerStore):
    """Also keeps sessions short (stores/bounded_sessions.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        import rasa_extensions

        rasa_extensions.install()
        super().__init__(*args, **kwargs)

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
