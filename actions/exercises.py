"""Exercise instructions for an area, adapted to the tool owned and to caution.

With a tool in the `tool` slot only exercises that tool can do are shown (those written
for it first); when the store has none, the reply says what to get and why.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.formatting import Reply, button, render
from actions.safety_policy import REMINDER
from actions.tracker_reading import input_channel
from knowledge.repository import KnowledgeRepository
from knowledge.views import ExerciseView, Span

CAUTION_HOLD_MAX = 30.0  # seconds; caution means shorter holds


def _duration(span: Span) -> str:
    if span.max >= 60 and span.min % 60 == 0 and span.max % 60 == 0:
        return Span(span.min / 60, span.max / 60).describe(" min")
    return span.describe(" s")


def exercise_reply(
    exercise: ExerciseView, repo: KnowledgeRepository, outcome: Optional[str], side: Optional[str] = None
) -> Reply:
    """The chat-sized instructions for one exercise."""
    area = repo.body_area(exercise.body_area)
    tool = repo.tool(exercise.tool)
    gentle = outcome == "caution"
    title = f"{area.name if area else exercise.body_area}: {exercise.name}"
    if side in ("left", "right"):
        title += f" ({side} side)"
    intro = f"You'll need: {tool.name if tool else exercise.tool}."
    if gentle:
        intro += " Gentle version: light pressure, and a softer or larger ball if you have one."
    facts = []
    if exercise.hold:
        hold = Span(exercise.hold.min, min(exercise.hold.max, CAUTION_HOLD_MAX)) if gentle else exercise.hold
        if hold.min > hold.max:
            hold = Span(hold.max, hold.max)
        facts.append(("Hold", f"{_duration(hold)} per tender spot"))
    if exercise.roll:
        facts.append(("Roll", _duration(exercise.roll)))
    facts.append(("Time", f"{_duration(exercise.total)}{' per side' if exercise.per_side else ''}"))
    facts.append(("Pressure", "keep it light, about 3-4/10" if gentle else exercise.pressure))
    bullets = [f"Less pressure: {exercise.less_pressure[0]}"] if exercise.less_pressure else []
    if exercise.more_pressure and not gentle:
        bullets.append(f"More pressure: {exercise.more_pressure[0]}")
    bullets += [f"Careful: {c}" for c in exercise.cautions]
    return Reply(title=title, intro=intro, steps=list(exercise.steps), facts=facts, bullets=bullets, reminder=REMINDER)


def suggestion_for(area_id: str, tool_id: str, repo: KnowledgeRepository) -> str:
    """What to get for `area_id` when `tool_id` has no instructions there, and why."""
    options = repo.exercises_for_area(area_id)
    if not options:
        return "I don't have instructions for that area yet."
    needed = repo.tool(options[0].tool)
    if needed is None:
        return ""
    return f"For this area a {needed.name.lower()} works best: {needed.best_for[0].lower()}{needed.best_for[1:]}"


def deliver_next_exercise(
    dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, outcome: Optional[str]
) -> List[Dict[str, Any]]:
    """Show the next not-yet-shown exercise for the areas in focus."""
    areas = tracker.get_slot("areas_in_focus") or []
    shown = list(tracker.get_slot("shown_exercises") or [])
    tool = tracker.get_slot("tool")
    tool = None if tool in (None, "none") else tool
    for area_id in areas:
        options = repo.exercises_for_area(area_id, tool)
        if not options and tool:
            owned = repo.tool(tool)
            area = repo.body_area(area_id)
            dispatcher.utter_message(
                response="utter_no_exercise_for_tool",
                area=(area.name if area else area_id).lower(),
                tool=(owned.name if owned else tool).lower(),
                suggestion=suggestion_for(area_id, tool, repo),
                buttons=[button("Which ball should I get?", "/ask_ball_recommendation")],
            )
            return []
        remaining = [e for e in options if e.id not in shown]
        if remaining:
            exercise = remaining[0]
            reply = exercise_reply(exercise, repo, outcome, tracker.get_slot("side"))
            buttons = [button("Another exercise", "/next_exercise"), button("How often?", "/ask_dosage")]
            if not tool:
                buttons.append(button("I don't have that", "/no_tool"))
            dispatcher.utter_message(text=render(reply, input_channel(tracker)), buttons=buttons)
            return [SlotSet("shown_exercises", [*shown, exercise.id])]
    area = repo.body_area(areas[-1]) if areas else None
    dispatcher.utter_message(response="utter_no_more_exercises", area=(area.name if area else "this area").lower())
    return []
