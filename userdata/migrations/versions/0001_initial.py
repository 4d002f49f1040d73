"""The first user-data schema: users, the session log, reminders.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("timezone", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "session_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_key", sa.String(64), sa.ForeignKey("users.key", ondelete="CASCADE"), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("area", sa.String(32)),
        sa.Column("exercise", sa.String(64)),
        sa.Column("tool", sa.String(32)),
        sa.Column("pain_before", sa.Integer),
        sa.Column("pain_after", sa.Integer),
        sa.Column("feeling", sa.String(16)),
    )
    op.create_index("ix_session_log_user_key", "session_log", ["user_key"])
    op.create_index("ix_session_log_logged_at", "session_log", ["logged_at"])
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_key", sa.String(64), sa.ForeignKey("users.key", ondelete="CASCADE"), nullable=False),
        sa.Column("conversation", sa.Text, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("repeat", sa.String(16), nullable=False),
        sa.Column("weekdays", sa.String(16)),
        sa.Column("hour", sa.Integer),
        sa.Column("minute", sa.Integer),
        sa.Column("timezone", sa.String(64)),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True)),
        sa.Column("sent_count", sa.Integer, nullable=False),
        sa.Column("skipped_count", sa.Integer, nullable=False),
    )
    op.create_index("ix_reminders_user_key", "reminders", ["user_key"])
    op.create_index("ix_reminders_due_at", "reminders", ["due_at"])


def downgrade() -> None:
    op.drop_table("reminders")
    op.drop_table("session_log")
    op.drop_table("users")
