"""A Redis lock store whose ticket changes are atomic across Rasa instances.

Rasa 3.6's `RedisLockStore` changes a conversation's ticket lock with a plain GET, an edit in
Python and a SET. When two instances receive messages of one conversation at the same moment,
both can read "no lock", both issue ticket 0 and both process at once; the SQL tracker store then
drops one of the user events. Measured here (`python -m bench.lock_race`): 4 stores asking for
a ticket at the same moment got a duplicate in 181-199 of 200 rounds (ours: 0), and the
two-instance end-to-end test lost a user event (RasaHQ/rasa#9213; the fix upstream,
`ConcurrentRedisLockStore`, is Rasa Pro only).

This store keeps Rasa's own `TicketLock` and lock protocol and the same Redis keys and values;
only each read-modify-write runs in a WATCH/MULTI/EXEC transaction, which Redis aborts and we
retry when another process changed the lock in between.
"""

from __future__ import annotations

import json
import logging
from typing import Callable, Optional, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.client import Pipeline

logger = logging.getLogger(__name__)

T = TypeVar("T")
# What a change returns: the lock to store (None deletes it) and a value for the caller.
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` with atomic ticket issue, expiry and release.

    Configure it in an endpoints file with `type: stores.redis_lock_store.AtomicRedisLockStore`
    and the same keys as Rasa's `redis` lock store (url, port, db, password, key_prefix...).
    """

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Append a ticket to the conversation's lock, creating the lock if needed."""

        def issue(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # same contract as Rasa's LockStore.issue_ticket
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (a crashed instance's ticket must not block the queue)."""

        def expire(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove one ticket and keep the lock."""

        def remove(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, remove)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket and, in the same step, the lock if nobody else holds a ticket.

        Rasa does these as separate steps: a ticket issued in between was deleted with the lock.
        """

        def release(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, release)

    def _change(self, conversation_id: str, change: Change[T]) -> T:
        """Run `change` on the stored lock inside a Redis transaction, retrying on conflict."""
        key = self.key_prefix + conversation_id
        outcome: list = []

        def attempt(pipe: Pipeline) -> None:
            serialised = pipe.get(key)  # immediate read: the key is WATCHed
            lock = TicketLock.from_dict(json.loads(serialised)) if serialised else None
            new_lock, value = change(lock)
            pipe.multi()
            if new_lock is not None:
                pipe.set(key, new_lock.dumps())
            elif serialised is not None:
                pipe.delete(key)
            outcome[:] = [value]

        self.red.transaction(attempt, key)
        return outcome[0]
