"""One-time migration of the tracker store to per-channel conversation ids (channels/identity.py).

Before namespacing, a conversation was stored under the bare sender id, whatever channel it came
from. `python -m stores.namespace` renames each stored conversation to `<channel>:<sender id>`,
the channel being the input channel of its FIRST user message (the person it belongs to; a later
message from another channel is what this change stops). A conversation already in the new form
(its prefix is the channel of its first message) is left alone, so running it again changes
nothing. Conversations from no namespaced channel (`rasa shell`) keep their id.

The user-data store needs no migration: its key was already the HMAC of "channel:sender id".

Run it once after upgrading, with the Rasa servers stopped. It reads the tracker store from the
endpoints file Rasa uses (RASA_ENDPOINTS, default endpoints.yml); `make userdata` (so `make run`)
runs it. The alternative is a reset: delete the conversations (var/tracker.db for `make run`).
"""

from __future__ import annotations

import json
import sys
from typing import Optional

from sqlalchemy import text
from sqlalchemy.engine import Engine

from channels.identity import CHANNELS, conversation_id, split


def _first_channel(connection, sender_id: str) -> Optional[str]:  # type: ignore[no-untyped-def]
    row = connection.execute(
        text("SELECT data FROM events WHERE sender_id = :sender AND type_name = 'user' ORDER BY id LIMIT 1"),
        {"sender": sender_id},
    ).first()
    if row is None or not row[0]:
        return None
    try:
        channel = json.loads(row[0]).get("input_channel")
    except (ValueError, AttributeError):
        return None
    return channel if channel in CHANNELS else None


def namespace_conversations(engine: Engine) -> int:
    """Rename every conversation to `<channel>:<sender id>`; returns how many were renamed.

    The renames are planned on the stored state first, then applied in two steps through ids no
    channel can produce (`#`), so a bare `555` and a REST sender that called itself
    `telegram:555` become `telegram:555` and `rest:telegram:555`, never one conversation."""
    with engine.begin() as connection:
        if not engine.dialect.has_table(connection, "events"):
            return 0
        plan = []
        for sender_id in [row[0] for row in connection.execute(text("SELECT DISTINCT sender_id FROM events"))]:
            channel = _first_channel(connection, sender_id)
            parts = split(sender_id)
            if channel is not None and (parts is None or parts[0] != channel):
                plan.append((sender_id, conversation_id(channel, sender_id)))
        rename = text("UPDATE events SET sender_id = :new WHERE sender_id = :old")
        for index, (old, _new) in enumerate(plan):
            connection.execute(rename, {"new": f"#namespacing#{index}", "old": old})
        for index, (_old, new) in enumerate(plan):
            connection.execute(rename, {"new": new, "old": f"#namespacing#{index}"})
    return len(plan)


def main() -> int:
    from userdata.conversations import tracker_engine

    engine = tracker_engine()
    if engine is None:
        return 0
    renamed = namespace_conversations(engine)
    engine.dispose()
    if renamed:  # silent once done: `make run` calls it every time
        print(f"tracker store: {renamed} conversation(s) renamed to <channel>:<sender id>")
    return 0


if __name__ == "__main__":
    sys.exit(main())
