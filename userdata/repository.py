"""Every query on the user-data store, in one class (actions never write SQL).

A person is addressed by (channel, sender id); the store only ever sees the pseudonymous key
(userdata/keys.py). Times are aware UTC datetimes; `clock` is injectable so tests can move time
instead of sleeping.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from userdata import keys
from userdata import models as m
from userdata.db import make_engine
from userdata.schedule import Schedule, days_for

logger = logging.getLogger(__name__)
Clock = Callable[[], datetime]
#: a reminder due while everything was down is still sent up to this late; older ones are skipped
LATE_WINDOW = timedelta(hours=1)
#: how long a one-time export link works
EXPORT_VALID = timedelta(minutes=15)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class LoggedSession:
    logged_at: datetime
    area: Optional[str]
    exercise: Optional[str]
    tool: Optional[str]
    pain_before: Optional[int]
    pain_after: Optional[int]
    feeling: Optional[str]

    def to_json(self) -> Dict[str, Any]:
        return {
            "logged_at": self.logged_at.isoformat(),
            "area": self.area,
            "exercise": self.exercise,
            "tool": self.tool,
            "pain_before": self.pain_before,
            "pain_after": self.pain_after,
            "feeling": self.feeling,
        }


@dataclass(frozen=True)
class ReminderView:
    id: int
    repeat: str
    label: str
    due_at: datetime
    timezone: Optional[str]
    hour: Optional[int]
    minute: Optional[int]
    active: bool

    def to_json(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "repeat": self.repeat,
            "label": self.label,
            "next": self.due_at.isoformat(),
            "timezone": self.timezone,
            "active": self.active,
        }


@dataclass(frozen=True)
class DueReminder:
    """A reminder claimed for sending: where to send it, and how to put it back if that fails."""

    id: int
    sender_id: str
    channel: str
    label: str
    was_due_at: datetime


def _session_view(row: m.SessionEntry) -> LoggedSession:
    return LoggedSession(row.logged_at, row.area, row.exercise, row.tool, row.pain_before, row.pain_after, row.feeling)


def _reminder_view(row: m.Reminder) -> ReminderView:
    return ReminderView(row.id, row.repeat, row.label, row.due_at, row.timezone, row.hour, row.minute, row.active)


def _schedule(row: m.Reminder) -> Optional[Schedule]:
    if row.repeat == "once" or row.hour is None or row.minute is None or not row.timezone:
        return None
    return Schedule(row.repeat, row.hour, row.minute, row.timezone, days_for(row.repeat, row.weekdays))


class UserDataRepository:
    """The user-data store: session log, time zone, reminders, and the person's data rights."""

    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.clock = clock

    @classmethod
    def from_env(cls, clock: Clock = utcnow) -> UserDataRepository:
        return cls(make_engine(), clock)

    def _session(self) -> Session:
        return Session(self.engine, future=True)

    def _user(self, session: Session, channel: str, sender_id: str, create: bool = True) -> Optional[m.User]:
        key = keys.user_key(channel, sender_id)
        user = session.get(m.User, key)
        now = self.clock()
        if user is None and create:
            user = m.User(key=key, channel=channel, created_at=now, last_seen_at=now)
            session.add(user)
            session.flush()  # the rows that point at the person come after it
        elif user is not None and create:
            user.last_seen_at = now
        return user

    # --- session log -----------------------------------------------------------------
    def log_session(
        self,
        channel: str,
        sender_id: str,
        *,
        area: Optional[str],
        exercise: Optional[str],
        tool: Optional[str],
        pain_before: Optional[int],
        pain_after: Optional[int],
        feeling: Optional[str],
    ) -> LoggedSession:
        for pain in (pain_before, pain_after):
            if pain is not None and not 0 <= pain <= 10:
                raise ValueError(f"pain {pain} is outside 0-10")
        with self._session() as session, session.begin():
            user = self._user(session, channel, sender_id)
            assert user is not None
            row = m.SessionEntry(
                user_key=user.key,
                logged_at=self.clock(),
                area=area,
                exercise=exercise,
                tool=tool,
                pain_before=pain_before,
                pain_after=pain_after,
                feeling=feeling,
            )
            session.add(row)
            session.flush()
            return _session_view(row)

    def sessions(self, channel: str, sender_id: str, since: Optional[datetime] = None) -> List[LoggedSession]:
        """The person's logged sessions, oldest first."""
        key = keys.user_key(channel, sender_id)
        query = select(m.SessionEntry).where(m.SessionEntry.user_key == key)
        if since is not None:
            query = query.where(m.SessionEntry.logged_at >= since)
        with self._session() as session:
            rows = session.execute(query.order_by(m.SessionEntry.logged_at, m.SessionEntry.id)).scalars()
            return [_session_view(r) for r in rows]

    def last_session(self, channel: str, sender_id: str, area: Optional[str] = None) -> Optional[LoggedSession]:
        key = keys.user_key(channel, sender_id)
        query = select(m.SessionEntry).where(m.SessionEntry.user_key == key)
        if area is not None:
            query = query.where(m.SessionEntry.area == area)
        with self._session() as session:
            row = session.execute(query.order_by(m.SessionEntry.logged_at.desc(), m.SessionEntry.id.desc()).limit(1)).scalar()
            return _session_view(row) if row else None

    # --- time zone ---------------------------------------------------------------------
    def timezone(self, channel: str, sender_id: str) -> Optional[str]:
        with self._session() as session:
            user = self._user(session, channel, sender_id, create=False)
            return user.timezone if user else None

    def set_timezone(self, channel: str, sender_id: str, tz: str) -> None:
        with self._session() as session, session.begin():
            user = self._user(session, channel, sender_id)
            assert user is not None
            user.timezone = tz

    # --- reminders ---------------------------------------------------------------------
    def active_reminders(self, channel: str, sender_id: str) -> List[ReminderView]:
        key = keys.user_key(channel, sender_id)
        query = (
            select(m.Reminder)
            .where(m.Reminder.user_key == key, m.Reminder.active.is_(True))
            .order_by(m.Reminder.due_at, m.Reminder.id)
        )
        with self._session() as session:
            return [_reminder_view(r) for r in session.execute(query).scalars()]

    def add_reminder(
        self,
        channel: str,
        sender_id: str,
        *,
        repeat: str,
        due_at: datetime,
        label: str,
        hour: Optional[int] = None,
        minute: Optional[int] = None,
        tz: Optional[str] = None,
        weekdays: Sequence[int] = (),
    ) -> ReminderView:
        with self._session() as session, session.begin():
            user = self._user(session, channel, sender_id)
            assert user is not None
            row = m.Reminder(
                user_key=user.key,
                conversation=keys.seal(sender_id),
                channel=channel,
                repeat=repeat,
                weekdays=",".join(str(d) for d in sorted(weekdays)) or None,
                hour=hour,
                minute=minute,
                timezone=tz,
                label=label,
                due_at=due_at,
                created_at=self.clock(),
            )
            session.add(row)
            session.flush()
            return _reminder_view(row)

    def cancel_reminders(self, channel: str, sender_id: str, ids: Optional[Sequence[int]] = None) -> int:
        """Deactivate the person's reminders with these ids (all of them when `ids` is None)."""
        key = keys.user_key(channel, sender_id)
        query = update(m.Reminder).where(m.Reminder.user_key == key, m.Reminder.active.is_(True))
        if ids is not None:
            query = query.where(m.Reminder.id.in_(list(ids)))
        with self._session() as session, session.begin():
            return session.execute(query.values(active=False)).rowcount or 0

    def claim_due(self, limit: int = 50) -> Tuple[List[DueReminder], int]:
        """Claim the reminders due now, each by exactly one caller, and move each to its next time.

        Rows are locked with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so several action
        servers never claim the same one; on SQLite the claim takes the single write lock first. A reminder more than
        LATE_WINDOW late (everything was down) is skipped and logged, not sent. Returns the
        claimed reminders and how many were skipped.
        """
        now = self.clock()
        claimed: List[DueReminder] = []
        skipped = 0
        with self._session() as session, session.begin():
            query = (
                select(m.Reminder)
                .where(m.Reminder.active.is_(True), m.Reminder.due_at <= now)
                .order_by(m.Reminder.due_at, m.Reminder.id)
                .limit(limit)
            )
            if self.engine.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            else:  # SQLite: take the single write lock before reading, so a second claimer waits, then sees the moves
                session.execute(update(m.Reminder).where(m.Reminder.id == -1).values(active=m.Reminder.active))
            for row in session.execute(query).scalars():
                due = row.due_at
                schedule = _schedule(row)
                following = schedule.next_after(max(now, due)) if schedule else None
                if now - due > LATE_WINDOW:
                    skipped += 1
                    row.skipped_count += 1
                    logger.warning("reminder %s skipped: %s late", row.id, now - due)
                else:
                    claimed.append(DueReminder(row.id, keys.unseal(row.conversation), row.channel, row.label, due))
                    row.sent_count += 1
                    row.last_sent_at = now
                if following is None:
                    row.active = False
                else:
                    row.due_at = following
        return claimed, skipped

    def unclaim(self, reminder: DueReminder) -> None:
        """Sending failed: put the reminder back to the time it was due (retried, within the window)."""
        with self._session() as session, session.begin():
            row = session.get(m.Reminder, reminder.id)
            if row is not None:
                row.due_at = reminder.was_due_at
                row.active = True
                row.sent_count = max(0, row.sent_count - 1)

    # --- data rights -------------------------------------------------------------------
    def export_user(self, channel: str, sender_id: str) -> Dict[str, Any]:
        key = keys.user_key(channel, sender_id)
        with self._session() as session:
            user = session.get(m.User, key)
            reminders = session.execute(select(m.Reminder).where(m.Reminder.user_key == key).order_by(m.Reminder.id)).scalars()
            reminder_list = [_reminder_view(r).to_json() for r in reminders]
        return {
            "channel": channel,
            "timezone": user.timezone if user else None,
            "first_seen": user.created_at.isoformat() if user else None,
            "sessions": [s.to_json() for s in self.sessions(channel, sender_id)],
            "reminders": reminder_list,
        }

    def create_export(self, channel: str, sender_id: str, content: str) -> str:
        """A one-time download token for `content` (valid EXPORT_VALID; only its hash is stored)."""
        token = secrets.token_urlsafe(24)
        with self._session() as session, session.begin():
            user = self._user(session, channel, sender_id)
            assert user is not None
            session.add(m.Export(token_hash=_digest(token), user_key=user.key, created_at=self.clock(), content=content))
        return token

    def take_export(self, token: str) -> Optional[str]:
        """The export behind `token`, once; None when unknown, already taken or expired."""
        with self._session() as session, session.begin():
            row = session.get(m.Export, _digest(token))
            if row is None:
                return None
            session.delete(row)
            return row.content if self.clock() - row.created_at <= EXPORT_VALID else None

    def delete_expired_exports(self) -> int:
        """Exports not downloaded within EXPORT_VALID: deleted (the scheduler calls this every round)."""
        cutoff = self.clock() - EXPORT_VALID
        with self._session() as session, session.begin():
            query = delete(m.Export).where(m.Export.created_at < cutoff).execution_options(synchronize_session=False)
            return session.execute(query).rowcount or 0

    def delete_user(self, channel: str, sender_id: str) -> Dict[str, int]:
        key = keys.user_key(channel, sender_id)
        with self._session() as session, session.begin():
            session.execute(delete(m.Export).where(m.Export.user_key == key).execution_options(synchronize_session=False))
            counts = {
                "sessions": session.execute(
                    delete(m.SessionEntry).where(m.SessionEntry.user_key == key).execution_options(synchronize_session=False)
                ).rowcount
                or 0,
                "reminders": session.execute(
                    delete(m.Reminder).where(m.Reminder.user_key == key).execution_options(synchronize_session=False)
                ).rowcount
                or 0,
                "users": session.execute(
                    delete(m.User).where(m.User.key == key).execution_options(synchronize_session=False)
                ).rowcount
                or 0,
            }
        return counts

    def purge(self, older_than: datetime) -> Dict[str, int]:
        """Retention: session entries older than `older_than`, finished reminders, and people not seen since."""
        with self._session() as session, session.begin():
            session.execute(delete(m.Export).where(m.Export.created_at < older_than).execution_options(synchronize_session=False))
            counts = {
                "sessions": session.execute(
                    delete(m.SessionEntry)
                    .where(m.SessionEntry.logged_at < older_than)
                    .execution_options(synchronize_session=False)
                ).rowcount
                or 0,
                "reminders": session.execute(
                    delete(m.Reminder)
                    .where(m.Reminder.active.is_(False), m.Reminder.created_at < older_than)
                    .execution_options(synchronize_session=False)
                ).rowcount
                or 0,
            }
            idle = select(m.User.key).where(m.User.last_seen_at < older_than)
            active_reminder_owners = select(m.Reminder.user_key).where(m.Reminder.active.is_(True))
            counts["users"] = (
                session.execute(
                    delete(m.User)
                    .where(m.User.key.in_(idle), m.User.key.not_in(active_reminder_owners))
                    .execution_options(synchronize_session=False)
                ).rowcount
                or 0
            )
        return counts

    def counts(self) -> Dict[str, int]:
        """Rows per table (for tests and the purge report)."""
        with self._session() as session:
            return {
                model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one()
                for model in (m.User, m.SessionEntry, m.Reminder)
            }
