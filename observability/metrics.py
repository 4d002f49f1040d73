"""The bot's Prometheus metrics (prometheus_client), served on `/metrics` by both servers.

One module, imported by the Rasa server (observability/channel.py: turns, fallbacks, dead ends,
tracker-store errors) and by the action server (rasa_sdk_plugins: actions, screening, reminders,
user-data store, data rights). Each process counts what happens in it; Prometheus adds them up
over the replicas. The names, and what each alert built on them means: docs/observability.md.

No label identifies a person: labels are channel names, action names, screening levels and
rule families, operations and outcomes, all from small fixed sets (an unknown value becomes
"other"). Sender ids and message text never reach a metric.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Collection, Dict, Iterable, NamedTuple, Optional, Sequence, TypeVar

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest

T = TypeVar("T")

# ---------------------------------------------------------------------------------- Rasa server
TURNS = Counter("tpc_turns", "Messages handled by the Rasa server, by channel and outcome (ok, error).", ["channel", "outcome"])
TURN_SECONDS = Histogram(
    "tpc_turn_seconds",
    "Time from a message reaching Rasa to the bot's last reply of that turn, by channel.",
    ["channel"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
)
FALLBACKS = Counter("tpc_fallbacks", "Messages the NLU could not read (intent nlu_fallback), by channel.", ["channel"])
DEAD_ENDS = Counter(
    "tpc_dead_ends", "Turns no rule covered: the core fallback answered (action_default_fallback), by channel.", ["channel"]
)
TRACKER_STORE_ERRORS = Counter("tpc_tracker_store_errors", "Failed tracker-store calls, by operation.", ["operation"])

# -------------------------------------------------------------------------------- action server
ACTION_RUNS = Counter("tpc_action_runs", "Custom action calls answered by the action server, by action.", ["action"])
ACTION_ERRORS = Counter("tpc_action_errors", "Custom action calls that failed (HTTP 404 or 5xx), by action.", ["action"])
SCREENINGS = Counter(
    "tpc_screening_outcomes",
    "Screening results said to people, by level and by family (kind) of the safety rule behind it; none when no rule.",
    ["level", "family"],
)
FLAG_CHECKS = Counter("tpc_flag_check_questions", "Yes/no questions asked about a possible red flag (flag_check).")
REMINDERS = Counter("tpc_reminders", "Reminders by outcome: sent, failed (put back), skipped (over an hour late).", ["outcome"])
REMINDERS_LATE = Counter("tpc_reminders_late", "Reminders sent more than LATE_SECONDS (5 minutes) after they were due.")
REMINDER_LAG = Histogram(
    "tpc_reminder_lag_seconds",
    "Seconds between a reminder's due time and its sending.",
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600),
)
USERDATA_ERRORS = Counter("tpc_userdata_errors", "Failed user-data store work, by operation.", ["operation"])
DATA_REQUESTS = Counter("tpc_data_requests", "Data-rights requests carried out, by kind (deletion, export).", ["kind"])

LATE_SECONDS = 300.0
CHANNELS = ("rest", "socketio", "telegram", "slack")
LEVELS = ("clear", "caution", "refer", "emergency")
FAMILIES = ("contraindication", "warning_sign", "emergency_sign", "technique", "none")
OTHER = "other"
#: at most this many distinct action names are labels (a flood of made-up names becomes "other")
MAX_ACTION_LABELS = 200
_ACTION_NAME = re.compile(r"^[a-z][a-z0-9_]{0,79}$")


def one_of(value: Any, allowed: Collection[str]) -> str:
    """`value` when it is one of `allowed`, else "other": a label never carries free text."""
    return value if isinstance(value, str) and value in allowed else OTHER


class _ActionNames:
    """Action names seen as labels, bounded in shape and number."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def label(self, name: Any) -> str:
        if not isinstance(name, str) or not _ACTION_NAME.match(name):
            return OTHER
        with self._lock:
            if name in self._seen:
                return name
            if len(self._seen) >= MAX_ACTION_LABELS:
                return OTHER
            self._seen.add(name)
            return name


action_label = _ActionNames().label


def exposition() -> tuple[bytes, str]:
    """The metrics page: (body, content type)."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


# ------------------------------------------------------------------------------------- turns
@dataclass
class Turn:
    channel: str
    failed: bool = False
    fallback: bool = False
    dead_end: bool = False
    inspected: bool = False


_current_turn: ContextVar[Optional[Turn]] = ContextVar("tpc_turn", default=None)


class TurnErrorHandler(logging.Handler):
    """Marks the turn in progress as failed when Rasa logs an error during it: Rasa logs a failed
    custom action (action server down...) and carries on, so the turn itself does not raise."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        turn = _current_turn.get()
        if turn is not None:
            turn.failed = True


def start_counting_turn_errors(logger_name: str = "rasa") -> None:
    """Attach TurnErrorHandler to Rasa's loggers (once)."""
    target = logging.getLogger(logger_name)
    if not any(isinstance(h, TurnErrorHandler) for h in target.handlers):
        target.addHandler(TurnErrorHandler())


class _TurnSeries(NamedTuple):
    seconds: Histogram
    ok: Counter
    error: Counter
    fallbacks: Counter
    dead_ends: Counter


@functools.cache  # channel labels are a small fixed set (one_of)
def _turn_series(channel: str) -> _TurnSeries:
    """One channel's turn series, looked up once: `labels()` takes a lock and hashes the labels."""
    return _TurnSeries(
        TURN_SECONDS.labels(channel),
        TURNS.labels(channel, "ok"),
        TURNS.labels(channel, "error"),
        FALLBACKS.labels(channel),
        DEAD_ENDS.labels(channel),
    )


async def observe_turn(channel: str, handle: Callable[[], Awaitable[T]]) -> T:
    """Run one turn (`handle()`), timing it and counting it with what the tracker store saw."""
    turn = Turn(channel)
    token = _current_turn.set(turn)
    started = time.perf_counter()
    try:
        return await handle()
    except BaseException:
        turn.failed = True
        raise
    finally:
        _current_turn.reset(token)
        series = _turn_series(channel)
        series.seconds.observe(time.perf_counter() - started)
        (series.error if turn.failed else series.ok).inc()
        if turn.fallback:
            series.fallbacks.inc()
        if turn.dead_end:
            series.dead_ends.inc()


NLU_FALLBACK = "nlu_fallback"
CORE_FALLBACK = "action_default_fallback"


def observe_saved_turn(events: Sequence[Any]) -> None:
    """Called by the tracker store when it saves a conversation: during a channel turn, note whether
    the turn's message fell to the NLU fallback and whether the core fallback answered (a dead end).
    `events` are the tracker's Rasa event objects; only the ones after the last user message are read."""
    turn = _current_turn.get()
    if turn is None or turn.inspected:
        return
    turn.inspected = True
    for event in reversed(events):
        kind = getattr(event, "type_name", None)
        if kind == "action" and getattr(event, "action_name", None) == CORE_FALLBACK:
            turn.dead_end = True
        elif kind == "user":
            intent = (getattr(event, "intent", None) or {}).get("name")
            turn.fallback = intent == NLU_FALLBACK
            return


def tracker_store_error(operation: str) -> None:
    TRACKER_STORE_ERRORS.labels(one_of(operation, ("save", "retrieve", "forget"))).inc()


def prepare_rasa_metrics(channels: Iterable[str]) -> None:
    """Create the Rasa server's series at zero, so rates and alerts have them before the first event."""
    for channel in channels:
        _turn_series(channel)
    for operation in ("save", "retrieve", "forget"):
        TRACKER_STORE_ERRORS.labels(operation)


# ---------------------------------------------------------------------------- action server
def screening_outcome(level: Any, families: Iterable[Optional[str]]) -> None:
    """One count per family of the rules behind the result ("none" when no rule was)."""
    level_label = one_of(level, LEVELS)
    labels = {one_of(f, FAMILIES) for f in families if f} or {"none"}
    for family in sorted(labels):
        SCREENINGS.labels(level_label, family).inc()


def flag_check_asked() -> None:
    FLAG_CHECKS.inc()


def reminder_sent(lag_seconds: float) -> None:
    REMINDERS.labels("sent").inc()
    REMINDER_LAG.observe(max(0.0, lag_seconds))
    if lag_seconds > LATE_SECONDS:
        REMINDERS_LATE.inc()


def reminder_failed() -> None:
    REMINDERS.labels("failed").inc()


def reminders_skipped(count: int) -> None:
    if count > 0:
        REMINDERS.labels("skipped").inc(count)


USERDATA_OPERATIONS = ("action", "reminders")


def userdata_error(operation: str) -> None:
    USERDATA_ERRORS.labels(one_of(operation, USERDATA_OPERATIONS)).inc()


def data_request(kind: str) -> None:
    DATA_REQUESTS.labels(one_of(kind, ("deletion", "export"))).inc()


def prepare_action_metrics() -> None:
    """Create the action server's series at zero (see prepare_rasa_metrics)."""
    for outcome in ("sent", "failed", "skipped"):
        REMINDERS.labels(outcome)
    for operation in USERDATA_OPERATIONS:
        USERDATA_ERRORS.labels(operation)
    for kind in ("deletion", "export"):
        DATA_REQUESTS.labels(kind)


def counter_values(prefix: str = "tpc_") -> Dict[str, float]:
    """Every sample of the bot's metrics as {"name{labels}": value} (tests, the bench)."""
    out: Dict[str, float] = {}
    for family in REGISTRY.collect():
        for sample in family.samples:
            if sample.name.startswith(prefix):
                labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
                out[f"{sample.name}{{{labels}}}"] = sample.value
    return out
