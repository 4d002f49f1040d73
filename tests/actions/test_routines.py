"""Routine builder: time budgets, goals and areas."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.routines import build_routine, deliver_routine
from tests.actions.conftest import make_tracker

pytestmark = pytest.mark.usefixtures("use_knowledge_db")


def test_desk_work_uses_the_neck_and_upper_back_reset_within_budget(repo) -> None:
    plan = build_routine(repo, "desk_work", 10, [])
    assert plan.source_routine == "neck_upper_back_reset"
    assert plan.items and plan.total_seconds <= 10 * 60


def test_running_uses_a_seed_routine(repo) -> None:
    assert build_routine(repo, "running", 8, []).source_routine in ("feet_and_calves", "mid_back_hips_glutes")


@pytest.mark.parametrize("minutes", [3, 5, 10, 15, 30])
def test_routines_fit_the_time_asked(repo, minutes: int) -> None:
    for goal in ("desk_work", "running", "lifting", "general"):
        plan = build_routine(repo, goal, minutes, [])
        assert plan.items
        assert plan.total_seconds <= minutes * 60 or len(plan.items) == 1


def test_named_areas_are_covered_in_order(repo) -> None:
    plan = build_routine(repo, None, 10, ["neck", "calf"])
    areas = [i.exercise.body_area for i in plan.items]
    assert areas[:2] == ["neck", "calf"]
    assert plan.total_seconds <= 600


async def test_routine_reply_is_ordered_with_timings_and_safety_line(repo) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"goal": "desk_work", "minutes": "10", "areas_in_focus": []})
    assert deliver_routine(dispatcher, tracker, repo, "clear") == []
    text = dispatcher.messages[0]["text"]
    assert "1. " in text and "per side" in text and "Total: about" in text and "Safety:" in text
