"""The user-data schema (SQLAlchemy 1.4, 2.0 style). Changes go through an Alembic migration
(userdata/migrations/versions/); `python -m userdata.migrate` applies them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import registry
from sqlalchemy.orm.decl_api import DeclarativeMeta
from sqlalchemy.types import TypeDecorator

mapper_registry = registry()


class Base(metaclass=DeclarativeMeta):
    """Declarative base spelled out so type checkers understand it (SQLAlchemy 1.4)."""

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in and out, on PostgreSQL and on SQLite (which keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the user-data store keeps aware UTC times only")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class User(Base):
    __tablename__ = "users"
    key = Column(String(64), primary_key=True)  # keys.user_key: no channel id in clear
    channel = Column(String(32), nullable=False)
    timezone = Column(String(64))  # an IANA name ("Europe/Berlin"), asked once for reminders
    created_at = Column(UTCDateTime(), nullable=False)
    last_seen_at = Column(UTCDateTime(), nullable=False)


class SessionEntry(Base):
    """One logged session: what was done and how it felt."""

    __tablename__ = "session_log"
    id = Column(Integer, primary_key=True, autoincrement=True)
    user_key = Column(String(64), ForeignKey("users.key", ondelete="CASCADE"), nullable=False, index=True)
    logged_at = Column(UTCDateTime(), nullable=False, index=True)
    area = Column(String(32))
    exercise = Column(String(64))
    tool = Column(String(32))
    pain_before = Column(Integer)
    pain_after = Column(Integer)
    feeling = Column(String(16))  # better | same | worse | None


class Reminder(Base):
    __tablename__ = "reminders"
    id = Column(Integer, primary_key=True, autoincrement=True)
    user_key = Column(String(64), ForeignKey("users.key", ondelete="CASCADE"), nullable=False, index=True)
    conversation = Column(Text, nullable=False)  # keys.seal(sender id): to reach the conversation again
    channel = Column(String(32), nullable=False)
    repeat = Column(String(16), nullable=False)  # once | daily | weekdays | weekends | weekly
    weekdays = Column(String(16))  # for weekly: ISO weekday numbers "1,3"
    hour = Column(Integer)
    minute = Column(Integer)
    timezone = Column(String(64))
    label = Column(Text, nullable=False)  # how the person said it, for the list ("every day at 8:00")
    due_at = Column(UTCDateTime(), nullable=False, index=True)  # next firing, UTC
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime(), nullable=False)
    last_sent_at = Column(UTCDateTime())
    sent_count = Column(Integer, nullable=False, default=0)
    skipped_count = Column(Integer, nullable=False, default=0)


class Export(Base):
    """A data export waiting to be downloaded once (the link holds the token; only its hash is kept)."""

    __tablename__ = "exports"
    token_hash = Column(String(64), primary_key=True)
    user_key = Column(String(64), ForeignKey("users.key", ondelete="CASCADE"), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False)
    content = Column(Text, nullable=False)
