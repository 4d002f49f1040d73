"""The metrics module on its own (observability/metrics.py): a turn is timed and counted once,
Rasa's error logs during it make it an error, the tracker store's view of it finds the fallbacks,
and no label can take free text."""

from __future__ import annotations

import logging

import pytest
from prometheus_client import REGISTRY
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from observability import metrics


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def turn_counts(channel: str) -> dict:
    return {
        "ok": value("tpc_turns_total", channel=channel, outcome="ok"),
        "error": value("tpc_turns_total", channel=channel, outcome="error"),
        "timed": value("tpc_turn_seconds_count", channel=channel),
        "fallback": value("tpc_fallbacks_total", channel=channel),
        "dead_end": value("tpc_dead_ends_total", channel=channel),
    }


def moved(before: dict, after: dict) -> dict:
    return {k: after[k] - before[k] for k in before}


def user(intent: str) -> UserUttered:
    return UserUttered("some words", intent={"name": intent, "confidence": 0.9})


async def test_a_turn_that_falls_to_the_nlu_fallback_is_one_ok_turn_and_one_fallback() -> None:
    before = turn_counts("rest")

    async def handle() -> str:
        metrics.observe_saved_turn([user("greet"), ActionExecuted("action_listen"), user("nlu_fallback"), BotUttered("?")])
        metrics.observe_saved_turn([user("greet")])  # a second save in the same turn changes nothing
        return "done"

    assert await metrics.observe_turn("rest", handle) == "done"
    assert moved(before, turn_counts("rest")) == {"ok": 1, "error": 0, "timed": 1, "fallback": 1, "dead_end": 0}


async def test_the_core_fallback_after_the_last_message_is_a_dead_end() -> None:
    before = turn_counts("telegram")

    async def handle() -> None:
        fallback = ActionExecuted("action_default_fallback")
        metrics.observe_saved_turn([fallback, user("greet"), fallback])

    await metrics.observe_turn("telegram", handle)
    assert moved(before, turn_counts("telegram")) == {"ok": 1, "error": 0, "timed": 1, "fallback": 0, "dead_end": 1}


async def test_an_error_logged_by_rasa_during_the_turn_or_an_exception_makes_it_an_error() -> None:
    metrics.start_counting_turn_errors()
    metrics.start_counting_turn_errors()  # once only
    assert sum(isinstance(h, metrics.TurnErrorHandler) for h in logging.getLogger("rasa").handlers) == 1
    before = turn_counts("slack")

    async def logs_an_error() -> None:
        logging.getLogger("rasa.core.processor").error("Encountered an exception while running action")

    async def raises() -> None:
        raise RuntimeError("tracker store down")

    await metrics.observe_turn("slack", logs_an_error)
    with pytest.raises(RuntimeError):
        await metrics.observe_turn("slack", raises)
    logging.getLogger("rasa.core.processor").error("outside any turn: not counted")
    assert moved(before, turn_counts("slack")) == {"ok": 0, "error": 2, "timed": 2, "fallback": 0, "dead_end": 0}


def test_saves_outside_a_turn_count_nothing() -> None:
    before = value("tpc_fallbacks_total", channel="rest")
    metrics.observe_saved_turn([user("nlu_fallback")])
    assert value("tpc_fallbacks_total", channel="rest") == before


def test_labels_come_from_fixed_sets() -> None:
    assert metrics.one_of("rest", metrics.CHANNELS) == "rest"
    assert metrics.one_of("my name is Ann", metrics.CHANNELS) == "other"
    assert metrics.one_of(None, metrics.LEVELS) == "other"
    names = metrics._ActionNames()
    assert names.label("action_screening_result") == "action_screening_result"
    assert names.label("Hello, I am Ann") == "other" and names.label(42) == "other"
    for i in range(metrics.MAX_ACTION_LABELS + 5):
        names.label(f"action_{i}")
    assert names.label("action_new_one") == "other" and names.label("action_1") == "action_1"
    before = value("tpc_screening_outcomes_total", level="other", family="other")
    metrics.screening_outcome("I am not a level", ["nor a family"])
    assert value("tpc_screening_outcomes_total", level="other", family="other") - before == 1
