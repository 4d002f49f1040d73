"""JSON logs, one object a line, for log collectors: `LOG_FORMAT=json` (deploy/docker/entrypoint.sh
then hands Rasa and the action server observability/logging-json.yml, through their own
`--logging-config-file` option).

Each line: {"time", "level", "logger", "conversation", "event"} (+ "exception" for a trace).
`conversation` is the pseudonymous key of the person the record is about (userdata/keys.py: the
HMAC of channel and sender id, the key the user-data store uses), taken from the turn or action
call being handled (bind_conversation); it is null outside one, or when this process has no
USERDATA_KEY (nothing is ever written to make one). The sender id itself is replaced by that key
wherever a message would print it.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar, Token
from functools import lru_cache
from typing import Any, Dict, Optional, Tuple

from settings import settings

_conversation: ContextVar[Optional[Tuple[str, str]]] = ContextVar("tpc_log_conversation", default=None)
SENDER_PLACEHOLDER = "<sender>"


def bind_conversation(channel: Optional[str], sender_id: Optional[str]) -> Token:
    """Records from here on (this task, and threads it starts with to_thread) are about this person.
    Runs on every turn and action call: it only remembers the two values, the key is made when a
    record is written (conversation_key)."""
    return _conversation.set((channel or "rest", sender_id) if sender_id else None)


def unbind_conversation(token: Token) -> None:
    _conversation.reset(token)


@lru_cache(maxsize=4096)
def _key(channel: str, sender_id: str) -> Optional[str]:
    from userdata import keys

    if not settings().userdata_key and not keys.KEY_FILE.exists():
        return None
    return keys.user_key(channel, sender_id)


def conversation_key() -> Tuple[Optional[str], Optional[str]]:
    """(pseudonymous key, raw sender id) of the conversation being handled, or (None, None)."""
    bound = _conversation.get()
    if bound is None:
        return None, None
    # a conversation id is `<channel>:<the channel's own id>` (channels/identity.py); the person's
    # key is made from the two parts, as the user-data store makes it
    from channels.identity import split

    channel, sender = split(bound[1]) or bound
    return _key(channel, sender), sender


class JsonFormatter(logging.Formatter):
    """One JSON object a line (see module docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        key, sender = conversation_key()
        event = record.getMessage()
        if sender and len(sender) > 3:  # a very short id would also match ordinary text
            event = event.replace(sender, key or SENDER_PLACEHOLDER)
        line: Dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "conversation": key,
            "event": event,
        }
        if record.exc_info:
            trace = self.formatException(record.exc_info)
            line["exception"] = trace.replace(sender, key or SENDER_PLACEHOLDER) if sender and len(sender) > 3 else trace
        return json.dumps(line, ensure_ascii=False, default=str)


class JsonStdoutHandler(logging.Handler):
    """Writes formatted records to stdout, and is the root logger's only console handler.

    Rasa's CLI installs coloredlogs on the root logger after it has applied
    `--logging-config-file` (rasa/__main__.py); coloredlogs replaces any StreamHandler it finds.
    This handler is not a StreamHandler, so it stays, and it removes console handlers added next
    to it before they print a record a second time, in plain text (the check is a list length).
    """

    def emit(self, record: logging.LogRecord) -> None:
        root = logging.getLogger()
        if len(root.handlers) > 1 and self in root.handlers:
            for other in list(root.handlers):
                if other is not self and isinstance(other, logging.StreamHandler) and not isinstance(other, logging.FileHandler):
                    root.removeHandler(other)
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:  # noqa: BLE001 - logging must never break the server
            self.handleError(record)
