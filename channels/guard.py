"""Input rules of the channels that take text from anyone (REST and the web widget), applied
before any processing.

One maximum message length, one notion of a valid sender id, one way to clean text, and
the reply a person gets when the bot produced nothing (e.g. the action server is down):
never silence, never a stack trace. Telegram and Slack authenticate the sender first (secret
token, signature) and their platforms bound the text. NO_REPLY_TEXT is the one sentence that
lives in Python: it is sent exactly when the bot, and so its domain, could not answer.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from settings import settings

MAX_SENDER_CHARS = 128
NO_REPLY_TEXT = "Sorry, I'm having a technical problem right now. Please try again in a minute."
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SENDER = re.compile(r"^[\w.:@+\-]{1," + str(MAX_SENDER_CHARS) + r"}$")


class InputRejected(ValueError):
    """Bad input; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def max_message_chars() -> int:
    """Longest accepted message, in characters (MAX_MESSAGE_CHARS)."""
    return settings().max_message_chars


def clean_text(text: Any) -> str:
    """The message text, checked and cleaned: a string, within the limit, no control bytes."""
    if not isinstance(text, str):
        raise InputRejected(400, "'message' must be a string")
    if len(text) > max_message_chars():
        raise InputRejected(413, f"message longer than {max_message_chars()} characters")
    return _CONTROL.sub("", text)


def check_sender(sender: Any) -> str:
    """A sender id: 1-128 letters, digits or ._:@+- (it keys a whole conversation)."""
    if not isinstance(sender, str) or not _SENDER.match(sender):
        raise InputRejected(400, f"'sender' must be 1-{MAX_SENDER_CHARS} characters of letters, digits or ._:@+-")
    return sender


def never_silent(messages: List[Dict[str, Any]], recipient_id: Optional[str]) -> List[Dict[str, Any]]:
    """The bot's messages, or a short apology when there are none."""
    return messages or [{"recipient_id": recipient_id, "text": NO_REPLY_TEXT}]
