"""Exercise replies: steps, timing, pressure, variations, cautions, tool, safety line."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.exercises import deliver_next_exercise, exercise_reply
from actions.formatting import render
from actions.safety_policy import REMINDER
from tests.actions.conftest import make_tracker

pytestmark = pytest.mark.usefixtures("use_knowledge_db")


def test_every_exercise_reply_carries_steps_and_the_safety_line(repo) -> None:
    for area in repo.body_areas():
        for exercise in repo.exercises_for_area(area.id):
            reply = exercise_reply(exercise, repo, "clear")
            assert reply.steps == list(exercise.steps)
            assert reply.reminder == REMINDER
            assert ("Pressure", exercise.pressure) in reply.facts


def test_caution_means_lighter_pressure_shorter_holds_and_no_deeper_variation(repo) -> None:
    exercise = next(e for e in repo.exercises_for_area("glute") if e.hold and e.hold.max > 30)
    reply = exercise_reply(exercise, repo, "caution")
    hold = dict(reply.facts)["Hold"]
    assert hold.endswith("per tender spot") and "60" not in hold
    assert dict(reply.facts)["Pressure"].startswith("keep it light")
    assert not any(b.startswith("More pressure") for b in reply.bullets)
    assert "softer" in reply.intro


async def test_only_a_foam_roller_gets_foam_roller_instructions(repo) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"areas_in_focus": ["quad"], "tool": "foam_roller", "shown_exercises": []})
    events = deliver_next_exercise(dispatcher, tracker, repo, "clear")
    exercise = repo.exercise(events[0]["value"][0])
    assert exercise.tool == "foam_roller"
    assert "Foam roller" in dispatcher.messages[0]["text"]


async def test_a_tool_without_instructions_for_the_area_says_what_to_get(repo) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"areas_in_focus": ["neck"], "tool": "massage_stick", "shown_exercises": []})
    assert deliver_next_exercise(dispatcher, tracker, repo, "clear") == []
    message = dispatcher.messages[0]
    assert message["response"] == "utter_no_exercise_for_tool"
    assert message["tool"] == "massage stick (roller stick)"
    assert "works best" in message["suggestion"]


async def test_side_is_shown_in_the_title(repo) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"areas_in_focus": ["calf"], "side": "left", "shown_exercises": []})
    events = deliver_next_exercise(dispatcher, tracker, repo, "clear")
    assert events == [SlotSet("shown_exercises", [repo.exercises_for_area("calf")[0].id])]
    assert "(left side)" in dispatcher.messages[0]["text"].splitlines()[0]


def test_rendering_is_chat_sized(repo) -> None:
    for area in repo.body_areas():
        for exercise in repo.exercises_for_area(area.id):
            text = render(exercise_reply(exercise, repo, "clear"), "rest")
            assert len(text) < 1500, exercise.id
