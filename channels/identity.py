"""Who a conversation belongs to: its channel and the id that channel gave the person.

Every input channel of this bot hands Rasa the conversation id `<channel>:<id>` (`telegram:123`,
`slack:U123`, `socketio:<session>`, `rest:<sender>`), never the bare id. Rasa keys everything by
that id (the tracker store's rows, the lock store's locks, the HTTP API's /conversations/<id>),
and the actions derive the user-data key from it (actions/plumbing/userdata_access.py `person`). So an id
sent on one channel can never address another channel's person: a REST caller who sends a
widget's session id, or even `socketio:<session id>`, gets the conversation `rest:...`.

The output channels turn the conversation id back into the id their platform knows
(`StructuredOutput.send_response`). Pure functions, no I/O.
"""

from __future__ import annotations

from typing import Optional, Tuple

#: the channels whose conversations are namespaced (their input channel names)
CHANNELS = ("rest", "socketio", "telegram", "slack")


def conversation_id(channel: str, sender_id: str) -> str:
    """The conversation id Rasa keys a person by: `<channel>:<the channel's own id>`."""
    return f"{channel}:{sender_id}"


def split(conversation: str) -> Optional[Tuple[str, str]]:
    """(channel, the channel's own id) of a namespaced conversation id, or None when it has none
    (a conversation from before namespacing, `rasa shell`, the token-protected HTTP API)."""
    channel, separator, sender_id = conversation.partition(":")
    if separator and channel in CHANNELS and sender_id:
        return channel, sender_id
    return None


def platform_id(conversation: str, channel: str) -> str:
    """The id `channel`'s platform knows for `conversation` (the prefix removed when it is this
    channel's own); any other id is returned as it is."""
    parts = split(conversation)
    return parts[1] if parts is not None and parts[0] == channel else conversation
