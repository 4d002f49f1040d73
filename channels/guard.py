"""Input rules of the channels that take text from anyone (REST and the web widget), applied
before any processing; `neutralise_external` on every input channel (Telegram and Slack too).

One maximum message length, one notion of a valid sender id, one way to clean text, and
the reply a person gets when the bot produced nothing (e.g. the action server is down):
never silence, never a stack trace. Telegram and Slack authenticate the sender first (secret
token, signature) and their platforms bound the text. NO_REPLY_TEXT is the one sentence that
lives in Python: it is sent exactly when the bot, and so its domain, could not answer.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional

from settings import settings

MAX_SENDER_CHARS = 128
#: message metadata (the widget sends its language and time zone): at most this many keys and
#: bytes of JSON; anything bigger is refused, never stored in the conversation
MAX_METADATA_KEYS = 16
MAX_METADATA_BYTES = 2048
NO_REPLY_TEXT = "Sorry, I'm having a technical problem right now. Please try again in a minute."
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: a lone UTF-16 surrogate (JSON "\\udcff"): not a character, and no UTF-8 encoder accepts it
_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: intents only the bot itself sends (the reminder scheduler, through the HTTP API's
#: trigger_intent): a person typing `/EXTERNAL_reminder` must not pass for the scheduler
EXTERNAL_PREFIX = "EXTERNAL_"
#: Rasa's reading of `/intent`: the stripped text starts with "/", the name runs up to "@" or "{"
_INTENT_NAME = re.compile(r"/([^{@]*)")
_LEADING_SLASHES = re.compile(r"^[\s/]+")
_SENDER = re.compile(r"[\w.:@+\-]{1," + str(MAX_SENDER_CHARS) + r"}")


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
    """The message text, checked and cleaned: a string, within the limit, no control bytes,
    each lone surrogate replaced by U+FFFD (the tokenizer and the stores need valid UTF-8), and
    no scheduler-only intent (`neutralise_external`)."""
    if not isinstance(text, str):
        raise InputRejected(400, "'message' must be a string")
    if len(text) > max_message_chars():
        raise InputRejected(413, f"message longer than {max_message_chars()} characters")
    return neutralise_external(_SURROGATE.sub("\ufffd", _CONTROL.sub("", text)))


def neutralise_external(text: str) -> str:
    """A message that Rasa would read as an `EXTERNAL_...` intent (`/EXTERNAL_reminder`, with or
    without spaces, a confidence or entities) loses its leading slashes and spaces: it is then
    read as words by the NLU, like any other message, and never as the scheduler's intent."""
    match = _INTENT_NAME.match(text.strip())
    if match is None or not match.group(1).strip().upper().startswith(EXTERNAL_PREFIX):
        return text
    return _LEADING_SLASHES.sub("", text)


def clean_metadata(metadata: Any) -> Optional[Dict[str, Any]]:
    """Message metadata: absent, or a JSON object within MAX_METADATA_KEYS and MAX_METADATA_BYTES."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise InputRejected(400, "'metadata' must be an object")
    if len(metadata) > MAX_METADATA_KEYS:
        raise InputRejected(413, f"'metadata' has more than {MAX_METADATA_KEYS} keys")
    try:
        size = len(json.dumps(metadata, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError, UnicodeEncodeError) as error:
        raise InputRejected(400, "'metadata' must be plain JSON text") from error
    if size > MAX_METADATA_BYTES:
        raise InputRejected(413, f"'metadata' larger than {MAX_METADATA_BYTES} bytes")
    return metadata


def check_sender(sender: Any) -> str:
    """A sender id: 1-128 letters, digits or ._:@+-, the whole string: no trailing newline (it keys a whole conversation)."""
    if not isinstance(sender, str) or not _SENDER.fullmatch(sender):
        raise InputRejected(400, f"'sender' must be 1-{MAX_SENDER_CHARS} characters of letters, digits or ._:@+-")
    return sender


def never_silent(messages: List[Dict[str, Any]], recipient_id: Optional[str]) -> List[Dict[str, Any]]:
    """The bot's messages, or a short apology when there are none."""
    return messages or [{"recipient_id": recipient_id, "text": NO_REPLY_TEXT}]
