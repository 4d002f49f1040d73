"""Logs without health data: what a person typed, their slot values and their sender id never
reach a log line, at any level, in the Rasa server or the action server.

`install()` sets a process-wide log record factory, so every record is cleaned when it is
created, whichever logger made it and whichever handler (coloredlogs, Sanic's own, a file)
writes it:

- Records of this project's own loggers (`PROJECT_PACKAGES`) keep their text: project code logs
  ids, counts and configuration, never conversation content (the log test checks it).
- Records of any other logger (Rasa, Rasa SDK, Sanic, socket.io...) are treated as unknown text:
  %-style arguments that are not numbers become `[redacted]`; a pre-formatted message keeps
  only its prose up to the first quote, bracket, brace, colon, equals sign or line break (Rasa
  quotes user text, sender ids and slot values in its messages: "Received user message '...'"),
  and in that prose any word with a digit, -, _, @ or / (an id) becomes `[redacted]` too;
  a structlog JSON line keeps its event name and the names of its fields, not their values.
- Exceptions keep their traceback (files, lines, code) and type, never their message: a
  KeyError or an HTTP error body can hold anything, e.g. the whole tracker.
- Python warnings go to the log (they can quote a message) and keep their category only.
- Sanic's access log keeps the method and the route's fixed words; any other path segment
  (a sender id in /conversations/<id>/...) and the query string (?token=...) are dropped.

The Rasa server installs it when its input channels are set up (channels/*.py `blueprint`),
the action server when its plug-ins attach (rasa_sdk_plugins). `rasa shell --debug` on a
developer's machine uses neither, so it still shows the whole conversation.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from typing import Any, Callable, Iterator, List, Optional, Tuple
from urllib.parse import urlsplit

REDACTED = "[redacted]"
#: top-level packages whose loggers are this project's code
PROJECT_PACKAGES = frozenset(
    {"actions", "bench", "channels", "components", "knowledge", "observability", "privacy", "rasa_extensions"}
    | {"rasa_sdk_plugins", "replies", "scripts", "settings", "stores", "userdata"}
)
#: where a third-party message stops being prose and starts quoting data
_DATA_START = re.compile(r"""['"`{\[(<:=\n]""")
_PROSE_WORD = re.compile(r"[A-Za-z]+[,.;!?]*")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LEVEL_PREFIX = re.compile(r"^\s*\[\s*\w+\s*\]\s*")
_WARNING = re.compile(r"^.*?:\d+: (\w+): ", re.S)
#: path segments of the servers' routes; any other segment is data (a sender id, a token)
ROUTE_WORDS = frozenset(
    {
        "webhooks", "webhook", "rest", "socketio", "socket.io", "telegram", "slack", "export", "conversations",
        "tracker", "events", "execute", "trigger_intent", "predict", "messages", "model", "parse", "status",
        "version", "health", "actions", "story", "domain", "test", "stories", "intents",
    }
)  # fmt: skip
_MARK = "_tpc_redacting"


def is_project_logger(name: str) -> bool:
    return name.split(".", 1)[0] in PROJECT_PACKAGES


def _plain_word(token: str) -> str:
    """A word of prose stays; anything like an identifier (digits, -, _, @, /...) is redacted."""
    return token if _PROSE_WORD.fullmatch(token) else REDACTED


def prose_prefix(text: str) -> str:
    """The text up to where data may start, its identifiers redacted, then `[redacted]` if anything was cut."""
    text = _LEVEL_PREFIX.sub("", _ANSI.sub("", text))
    match = _DATA_START.search(text)
    head = text if match is None else text[: match.start()].rstrip(" ,.;-")
    head = " ".join(_plain_word(token) for token in head.split())
    if match is None:
        return head
    return f"{head} {REDACTED}" if head else REDACTED


def _structlog_event(text: str) -> Optional[str]:
    """A structlog JSON line reduced to its event name, constant description and field names."""
    if not text.startswith("{"):
        return None
    try:
        event = json.loads(text)
    except ValueError:
        return None
    if not isinstance(event, dict) or not isinstance(event.get("event"), str):
        return None
    name = event["event"]
    info = event.get("event_info")
    fields = sorted(k for k in event if k not in ("event", "event_info", "level", "timestamp", "exception"))
    parts = [name if re.fullmatch(r"[\w.\-]+", name) else prose_prefix(name)]
    if isinstance(info, str):
        parts.append(prose_prefix(info))
    if fields:
        parts.append(f"(fields {', '.join(fields)}: {REDACTED})")
    exceptions = event.get("exception")
    if isinstance(exceptions, list):
        names = [str(e.get("exc_type")) for e in exceptions if isinstance(e, dict)]
        types = [name for name in names if re.fullmatch(r"[\w.]+", name)]
        parts.append(f"exception {' <- '.join(types)}: {REDACTED}" if types else f"exception: {REDACTED}")
    return " ".join(parts)


def _chain(exc: BaseException) -> Iterator[Tuple[BaseException, str]]:
    """The exception and its causes, oldest first, each with the line that links it to the next."""
    links: List[Tuple[BaseException, str]] = []
    seen = set()
    current: Optional[BaseException] = exc
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        links.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "The above exception was the direct cause of the following exception:"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "During handling of the above exception, another exception occurred:"
        else:
            current = None
    # links[i][1] says how links[i] leads to links[i - 1]; printed oldest first
    for index in range(len(links) - 1, -1, -1):
        yield links[index]


def traceback_without_messages(exc: BaseException) -> str:
    """A traceback as Python prints it, but every exception message replaced by `[redacted]`."""
    lines: List[str] = []
    for item, link in _chain(exc):
        if item.__traceback__ is not None:
            lines.append("Traceback (most recent call last):\n")
            lines.extend(traceback.format_tb(item.__traceback__))
        kind = type(item)
        module = "" if kind.__module__ in ("builtins", "__main__") else f"{kind.__module__}."
        lines.append(f"{module}{kind.__qualname__}: {REDACTED}\n")
        if link:
            lines.append(f"\n{link}\n\n")
    return "".join(lines).rstrip("\n")


def _safe_argument(value: Any) -> Any:
    return value if isinstance(value, bool | int | float) or value is None else REDACTED


def _render_redacted(record: logging.LogRecord) -> str:
    message = record.msg if isinstance(record.msg, str) else str(record.msg)
    args = record.args
    if args:
        try:
            if isinstance(args, dict):
                return message % {key: _safe_argument(value) for key, value in args.items()}
            return message % tuple(_safe_argument(value) for value in args)
        except (TypeError, ValueError, KeyError):
            return prose_prefix(message)
    return _structlog_event(message) or prose_prefix(message)


def redact(record: logging.LogRecord) -> logging.LogRecord:
    """Clean one record in place (see the module docstring) and return it."""
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = traceback_without_messages(record.exc_info[1])
        record.exc_info = None
    if is_project_logger(record.name):
        return record
    if record.name == "py.warnings":
        given = record.args if isinstance(record.args, tuple) else ()
        match = _WARNING.match(str(given[0]) if given else str(record.msg))
        record.msg = f"{match.group(1)}: {REDACTED}" if match else f"warning: {REDACTED}"
    else:
        record.msg = _render_redacted(record)
    record.args = ()
    return record


def redact_route(request: str) -> str:
    """ "POST http://host/conversations/abc/tracker?token=x" -> "POST /conversations/[redacted]/tracker"."""
    method, _, url = request.partition(" ")
    path = urlsplit(url).path
    segments = [s if s in ROUTE_WORDS or not s else REDACTED for s in path.split("/")]
    return f"{method} {'/'.join(segments) or '/'}"


class AccessLogFilter(logging.Filter):
    """Sanic's access log passes the URL as an `extra` field, set after the record factory ran."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, str):
            record.request = redact_route(request)
        return True


def install() -> None:
    """Redact every log record of this process from now on; calling it again does nothing."""
    factory: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()
    if getattr(factory, _MARK, False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact(factory(*args, **kwargs))

    setattr(redacting_factory, _MARK, True)
    logging.setLogRecordFactory(redacting_factory)
    logging.captureWarnings(True)  # a warning can quote a message: it goes through the log too
    access = logging.getLogger("sanic.access")
    if not any(isinstance(f, AccessLogFilter) for f in access.filters):
        access.addFilter(AccessLogFilter())
