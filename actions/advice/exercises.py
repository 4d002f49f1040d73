"""Exercise instructions for an area, adapted to the tool owned and to caution.

With a tool in the `tool` slot only exercises that tool can do are shown (those written
for it first); when the store has none, the reply says what to get and why. Every sentence
comes from the domain (actions.plumbing.replying.Wording) or the knowledge store.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.coaching.session_log import open_session_events
from actions.plumbing.context import recall, remember
from actions.plumbing.knowledge_access import Events
from actions.plumbing.replying import Wording, lower_first, payload, send
from actions.plumbing.tracker_reading import entity_values, latest_text
from knowledge.repository import KnowledgeRepository
from replies.model import Button, Fact, Reply, Timer
from replies.pictures import placement_picture

if TYPE_CHECKING:
    from knowledge.schema import Exercise, Range


def duration(span: Range) -> str:
    if span.max >= 60 and span.min % 60 == 0 and span.max % 60 == 0:
        return span.describe(" min", per=60)
    return span.describe(" s")


def gentle_hold_max(repo: KnowledgeRepository) -> float:
    """Caution means holds no longer than the store's default hold time (15-30 s today)."""
    hold = repo.default_dosing().get("hold_time")
    return hold.value.max if hold and hold.value else 30.0


def exercise_reply(
    exercise: Exercise,
    repo: KnowledgeRepository,
    wording: Wording,
    outcome: Optional[str],
    side: Optional[str] = None,
    buttons: tuple = (),
) -> Reply:
    """The chat-sized instructions for one exercise."""
    area = repo.body_area(exercise.body_area)
    tool = repo.tool(exercise.tool)
    gentle = outcome == "caution"
    values = {"area": area.name if area else exercise.body_area, "name": exercise.name, "side": side}
    title = wording("utter_exercise_title_side" if side in ("left", "right") else "utter_exercise_title", **values)
    intro = wording("utter_exercise_needs", tool=tool.name if tool else exercise.tool)
    if gentle:
        intro = f"{intro} {wording('utter_exercise_gentle')}"
    facts: List[Fact] = []
    timer = None
    if exercise.hold_seconds:
        hold = exercise.hold_seconds.capped(gentle_hold_max(repo)) if gentle else exercise.hold_seconds
        # the middle of the hold to the nearest 5 s, within it: 30-60 s -> 45 s, 15-30 s -> 25 s
        seconds = int(min(hold.max, max(hold.min, 5 * math.floor((hold.min + hold.max) / 10 + 0.5))))
        timer = Timer(seconds, wording("utter_timer_start", seconds=seconds), wording("utter_timer_done"))
        facts.append(
            Fact(
                wording("utter_label_hold"),
                wording.typical(exercise.estimates, "hold_seconds", wording("utter_per_spot", duration=duration(hold))),
            )
        )
    if exercise.roll_seconds:
        roll = wording.typical(exercise.estimates, "roll_seconds", duration(exercise.roll_seconds))
        facts.append(Fact(wording("utter_label_roll"), roll))
    total = duration(exercise.total_seconds)
    total = wording("utter_per_side", duration=total) if exercise.per_side else total
    facts.append(Fact(wording("utter_label_time"), wording.typical(exercise.estimates, "total_seconds", total)))
    facts.append(Fact(wording("utter_label_pressure"), wording("utter_gentle_pressure") if gentle else exercise.pressure))
    bullets = [wording("utter_less_pressure", text=exercise.less_pressure[0])] if exercise.less_pressure else []
    if exercise.more_pressure and not gentle:
        bullets.append(wording("utter_more_pressure", text=exercise.more_pressure[0]))
    bullets += [wording("utter_careful", text=c) for c in exercise.cautions]
    return Reply(
        kind="exercise",
        title=title,
        intro=intro,
        steps=exercise.steps,
        facts=tuple(facts),
        bullets=tuple(bullets),
        outro=wording("utter_session_prompt"),
        safety=wording("utter_safety_reminder"),
        buttons=buttons,
        picture=placement_picture(exercise.id, exercise.body_area, exercise.name, exercise.steps),
        timer=timer,
        data={"exercise": exercise.id, "area": exercise.body_area, "tool": exercise.tool},
    )


def suggestion_for(area_id: str, repo: KnowledgeRepository, wording: Wording) -> str:
    """What to get for `area_id` when the tool owned has no instructions there, and why."""
    options = repo.exercises_for_area(area_id)
    if not options:
        return wording("utter_no_instructions_for_area")
    needed = repo.tool(options[0].tool)
    if needed is None:
        return ""
    return wording("utter_tool_works_best", tool=needed.name.lower(), why=lower_first(needed.best_for))


def exercise_buttons(wording: Wording, exercise: Exercise, owns_tool: bool) -> tuple:
    buttons = [
        Button(wording("utter_button_done"), payload("report_session")),
        Button(wording("utter_button_another"), payload("next_exercise")),
        Button(wording("utter_button_how_often"), payload("ask_dosage")),
    ]
    if not owns_tool:
        buttons.append(Button(wording("utter_button_no_tool"), payload("no_tool", tool=exercise.tool)))
    return tuple(buttons)


def _names(area_id: str, tool: str, repo: KnowledgeRepository) -> Dict[str, str]:
    owned, area = repo.tool(tool), repo.body_area(area_id)
    return {"area": (area.name if area else area_id).lower(), "tool": (owned.name if owned else tool).lower()}


def no_exercise_for_tool(area_id: str, tool: str, repo: KnowledgeRepository, wording: Wording) -> Reply:
    """Nothing for this area with the tool owned, nor with any other: what to get, and why."""
    return Reply(
        kind="no_exercise_for_tool",
        intro=wording(
            "utter_no_exercise_for_tool",
            **_names(area_id, tool, repo),
            suggestion=suggestion_for(area_id, repo, wording),
        ),
        buttons=(Button(wording("utter_button_which_ball"), payload("ask_ball_recommendation")),),
    )


def alternative_intro(
    area_id: str, tool: str, exercise: Exercise, had_some: bool, repo: KnowledgeRepository, wording: Wording
) -> Reply:
    """The tool owned has nothing (more) for this area: say so before an exercise with another tool."""
    other = repo.tool(exercise.tool)
    response = "utter_alternative_after_owned" if had_some else "utter_alternative_tool"
    return Reply(
        kind="alternative",
        intro=wording(response, **_names(area_id, tool, repo), other=(other.name if other else exercise.tool).lower()),
        data={"area": area_id, "tool": tool, "alternative_tool": exercise.tool},
    )


def _show(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    repo: KnowledgeRepository,
    wording: Wording,
    outcome: Optional[str],
    exercise: Exercise,
    area_id: str,
    side: Optional[str],
) -> Events:
    """Send `exercise`'s steps: the events that make it what we talk about and the session that is open."""
    tool = tracker.get_slot("tool")
    owns = bool(tool) and tool in exercise.tools
    send(dispatcher, exercise_reply(exercise, repo, wording, outcome, side, exercise_buttons(wording, exercise, owns)))
    return [
        *remember("exercise", [("exercise", exercise.id)], exercise=exercise.id, tool=exercise.tool, area=area_id),
        *open_session_events(tracker, exercise.id, area_id, exercise.tool),
    ]


#: "the other side", "now the opposite leg": the same exercise again, on the side not done yet
_OTHER_SIDE = re.compile(r"\b(?:other|opposite)\s+(?:side|leg|arm|foot|hip|shoulder)s?\b", re.I)
_FLIPPED = {"left": "right", "right": "left"}


def deliver_other_side(
    dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording, outcome: Optional[str]
) -> Optional[Events]:
    """Right after an exercise, "now the left side?" or "the other side" (and no new area): the
    same exercise for that side. None when the message is not such a request."""
    context = recall(tracker)
    exercise = repo.exercise(context.exercise) if context.kind == "exercise" and context.exercise else None
    if exercise is None or entity_values(tracker, "body_area"):
        return None
    sides = [s for s in entity_values(tracker, "side") if s in _FLIPPED]
    if sides:
        side: Optional[str] = sides[-1]
    elif _OTHER_SIDE.search(latest_text(tracker)):
        side = _FLIPPED.get(str(tracker.get_slot("side")))  # the side done so far, if it was said
    else:
        return None
    shown = list(tracker.get_slot("shown_exercises") or [])
    return [
        SlotSet("side", side),
        SlotSet("shown_exercises", shown if exercise.id in shown else [*shown, exercise.id]),
        *_show(dispatcher, tracker, repo, wording, outcome, exercise, context.area or exercise.body_area, side),
    ]


def deliver_next_exercise(
    dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording, outcome: Optional[str]
) -> Events:
    """Show the next not-yet-shown exercise for the areas in focus."""
    areas = tracker.get_slot("areas_in_focus") or []
    shown = list(tracker.get_slot("shown_exercises") or [])
    tool = tracker.get_slot("tool")
    tool = None if tool in (None, "none") else tool
    for area_id in areas:
        options = repo.exercises_for_area(area_id, tool)
        remaining = [e for e in options if e.id not in shown]
        alternatives = [] if not tool else [e for e in repo.exercises_for_area(area_id) if e not in options and e.id not in shown]
        if not remaining and alternatives:
            # the tool they own has nothing (more) here: the next exercise with another tool, said so
            remaining = alternatives
            send(dispatcher, alternative_intro(area_id, tool, alternatives[0], bool(options), repo, wording))
        elif tool and not repo.exercises_for_area(area_id):
            send(dispatcher, no_exercise_for_tool(area_id, tool, repo, wording))
            return []
        if remaining:
            exercise = remaining[0]
            shown_now = SlotSet("shown_exercises", [*shown, exercise.id])
            return [shown_now, *_show(dispatcher, tracker, repo, wording, outcome, exercise, area_id, tracker.get_slot("side"))]
    area = repo.body_area(areas[-1]) if areas else None
    first = _first_again(areas, tool, shown, repo)
    name = (area.name if area else wording("utter_this_area")).lower()
    if first is None:
        dispatcher.utter_message(response="utter_no_more_exercises", area=name)
        return []
    # every exercise for the area was shown: no dead end, the first one again, said so (#21)
    dispatcher.utter_message(response="utter_no_more_exercises_again", area=name)
    shown_now = SlotSet("shown_exercises", [first.id])
    return [shown_now, *_show(dispatcher, tracker, repo, wording, outcome, first, first.body_area, tracker.get_slot("side"))]


def _first_again(areas: List[str], tool: Optional[str], shown: List[str], repo: KnowledgeRepository) -> Optional[Exercise]:
    """The first exercise of the first area in focus whose exercises were all shown (None when none was)."""
    for area_id in areas:
        options = (repo.exercises_for_area(area_id, tool) if tool else []) or repo.exercises_for_area(area_id)
        if options and all(e.id in shown for e in options):
            return options[0]
    return None
