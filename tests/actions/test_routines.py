"""Routine builder: time budgets, goals and areas."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.advice.routines import build_routine, deliver_routine
from knowledge.repository import KnowledgeRepository
from tests.actions.conftest import make_tracker, reply_of, wording


def test_desk_work_uses_the_seed_routine_within_budget(repo: KnowledgeRepository) -> None:
    plan = build_routine(repo, "desk_work", 10, [])
    assert plan.source_routine == "neck_upper_back_reset"
    assert plan.items and plan.total_seconds <= 10 * 60


def test_running_uses_a_seed_routine(repo: KnowledgeRepository) -> None:
    assert build_routine(repo, "running", 8, []).source_routine in ("feet_and_calves", "mid_back_hips_glutes")


@pytest.mark.parametrize("minutes", [3, 5, 10, 15, 30])
def test_routines_fit_the_time_asked(repo: KnowledgeRepository, minutes: int) -> None:
    for goal in ("desk_work", "running", "lifting", "general"):
        plan = build_routine(repo, goal, minutes, [])
        assert plan.items
        assert plan.total_seconds <= minutes * 60 or len(plan.items) == 1


def test_named_areas_are_covered_in_order(repo: KnowledgeRepository) -> None:
    plan = build_routine(repo, None, 10, ["neck", "calf"])
    assert [i.exercise.body_area for i in plan.items][:2] == ["neck", "calf"]
    assert plan.total_seconds <= 600


async def test_the_routine_reply_names_each_exercise_its_tool_and_time(repo: KnowledgeRepository, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"goal": "desk_work", "minutes": "10", "areas_in_focus": []})
    events = deliver_routine(dispatcher, tracker, repo, wording(), "clear")
    reply = reply_of(dispatcher, "routine")
    plan = build_routine(repo, "desk_work", 10, [])
    assert len(reply.steps) == len(plan.items)
    assert all(item.exercise.name in step for item, step in zip(plan.items, reply.steps, strict=True))
    assert reply.facts[0].label == "Total" and "you asked for 10" in reply.facts[0].text
    assert reply.safety == wording()("utter_safety_reminder")
    assert ["routine", "neck_upper_back_reset"] in events[0]["value"]["entries"]


async def test_a_gentle_routine_caps_holds(repo: KnowledgeRepository, domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    deliver_routine(dispatcher, make_tracker({"goal": "desk_work", "minutes": "10"}), repo, wording(), "caution")
    pressure = next(f.text for f in reply_of(dispatcher, "routine").facts if f.label == "Pressure")
    assert pressure.startswith(wording()("utter_gentle_pressure"))
