"""Routine builder: areas + minutes + goal -> ordered exercises that fit the time.

With no areas named, the seeds' routine for the goal is the default; otherwise the
routine is composed from the named areas' exercises. Times come from the knowledge store
(per side where the exercise is one-sided) and are fitted to the budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.advice.exercises import gentle_hold_max
from actions.plumbing.context import remember
from actions.plumbing.knowledge_access import Events
from actions.plumbing.replying import Wording, payload, send
from knowledge.repository import KnowledgeRepository
from replies.model import Fact, Reply

if TYPE_CHECKING:
    from knowledge.schema import Exercise, Range

DEFAULT_MINUTES = 10
MIN_MINUTES, MAX_MINUTES = 3, 30


@dataclass(frozen=True)
class PlannedItem:
    exercise: Exercise
    seconds: float  # per side when the exercise is one-sided

    @property
    def total_seconds(self) -> float:
        return self.seconds * (2 if self.exercise.per_side else 1)


@dataclass(frozen=True)
class Plan:
    title: str
    items: Tuple[PlannedItem, ...]
    finish: Optional[str]
    source_routine: Optional[str]

    @property
    def total_seconds(self) -> float:
        return sum(i.total_seconds for i in self.items)


def fit(candidates: Sequence[Tuple[Exercise, Range]], budget_s: float) -> Tuple[PlannedItem, ...]:
    """Take exercises in order while their minimum time fits, then stretch towards max."""
    chosen: List[Tuple[Exercise, Range]] = []
    used = 0.0
    for exercise, span in candidates:
        cost = span.min * (2 if exercise.per_side else 1)
        if used + cost <= budget_s:
            chosen.append((exercise, span))
            used += cost
    if not chosen and candidates:
        exercise, span = candidates[0]
        chosen, used = [(exercise, span)], span.min * (2 if exercise.per_side else 1)
    spare = budget_s - used
    items = []
    for exercise, span in chosen:
        sides = 2 if exercise.per_side else 1
        extra = min(span.max - span.min, max(spare, 0) / sides)
        spare -= extra * sides
        items.append(PlannedItem(exercise, span.min + extra))
    return tuple(items)


def _within_limits(minutes: float) -> float:
    return max(MIN_MINUTES, min(MAX_MINUTES, minutes))


def build_routine(repo: KnowledgeRepository, goal: Optional[str], minutes: Optional[float], areas: Sequence[str]) -> Plan:
    """The routine for `goal` in `minutes` (default 10), over `areas` if given."""
    budget_minutes = _within_limits(minutes or DEFAULT_MINUTES)
    budget = budget_minutes * 60
    goal = goal or "general"
    if not areas:
        routines = repo.routines(goal) or repo.routines("general")
        if routines:
            routine = min(routines, key=lambda r: abs((r.minutes.min + r.minutes.max) / 2 - budget_minutes))
            items = fit(repo.routine_items(routine), budget)
            return Plan(routine.name, items, routine.finish, routine.id)
    candidates: List[Tuple[Exercise, Range]] = []
    per_area = [repo.exercises_for_area(a) for a in areas] if areas else [repo.exercises_for_goal(goal)]
    depth = max((len(options) for options in per_area), default=0)
    for level in range(depth):  # first exercise of each area, then the second...
        for options in per_area:
            if level < len(options):
                candidates.append((options[level], options[level].total_seconds))
    names = [a.short_name for a in (repo.body_area(i) for i in areas) if a]
    label = " + ".join(names) if names else goal.replace("_", " ").capitalize()
    return Plan(label, fit(candidates, budget), None, None)


def planned_areas(repo: KnowledgeRepository, goal: Optional[str], minutes: Optional[float], areas: Sequence[str]) -> List[str]:
    """The body areas the routine would work (what its safety check must cover)."""
    plan = build_routine(repo, goal, minutes, areas)
    return list(dict.fromkeys(item.exercise.body_area for item in plan.items))


def _time(seconds: float) -> str:
    if seconds >= 60 and seconds % 30 == 0:
        return f"{seconds / 60:g} min"
    return f"{round(seconds / 5) * 5:.0f} s"


def plan_reply(plan: Plan, minutes: float, repo: KnowledgeRepository, wording: Wording, gentle: bool) -> Reply:
    steps = []
    for item in plan.items:
        tool = repo.tool(item.exercise.tool)
        step_time = _time(item.seconds)
        if item.exercise.per_side:
            step_time = wording("utter_per_side", duration=step_time)
        tool_name = (tool.name if tool else item.exercise.tool).lower()
        steps.append(wording("utter_routine_step", name=item.exercise.name, tool=tool_name, time=step_time))
    total = plan.total_seconds / 60
    facts = [Fact(wording("utter_label_total"), wording("utter_routine_total", total=f"{total:.0f}", asked=f"{minutes:g}"))]
    if gentle:
        pressure = wording("utter_routine_gentle", gentle=wording("utter_gentle_pressure"), hold=f"{gentle_hold_max(repo):g} s")
        facts.append(Fact(wording("utter_label_pressure"), pressure))
    title_response = "utter_routine_title" if plan.source_routine else "utter_routine_title_composed"
    title = wording(title_response, name=plan.title, minutes=f"{minutes:g}")
    first = plan.items[0].exercise if plan.items else None
    buttons = (wording.button("utter_button_first_steps", payload("ask_exercise", body_area=first.body_area)),) if first else ()
    return Reply(
        kind="routine",
        title=title,
        steps=tuple(steps),
        facts=tuple(facts),
        bullets=(plan.finish,) if plan.finish else (),
        safety=wording("utter_safety_reminder"),
        buttons=buttons,
        data={"routine": plan.source_routine, "exercises": [i.exercise.id for i in plan.items], "minutes": minutes},
    )


def requested_minutes(tracker: Tracker) -> float:
    minutes_slot = tracker.get_slot("minutes")
    try:
        minutes = float(minutes_slot) if minutes_slot else DEFAULT_MINUTES
    except ValueError:
        minutes = DEFAULT_MINUTES
    return _within_limits(minutes)


def deliver_routine(
    dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording, outcome: Optional[str]
) -> Events:
    minutes = requested_minutes(tracker)
    plan = build_routine(repo, tracker.get_slot("goal"), minutes, tracker.get_slot("areas_in_focus") or [])
    send(dispatcher, plan_reply(plan, minutes, repo, wording, outcome == "caution"))
    entries = [("routine", plan.source_routine)] if plan.source_routine else []
    entries += [("exercise", item.exercise.id) for item in plan.items]
    return remember("routine", entries)
