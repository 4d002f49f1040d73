"""Routine builder: areas + minutes + goal -> ordered exercises that fit the time.

With no areas named, the seeds' routine for the goal is the default; otherwise the
routine is composed from the named areas' exercises. Times come from the knowledge store
(per side where the exercise is one-sided) and are fitted to the budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.formatting import Reply, button, render
from actions.safety_policy import REMINDER
from actions.tracker_reading import input_channel
from knowledge.repository import KnowledgeRepository
from knowledge.views import ExerciseView, Span

DEFAULT_MINUTES = 10
MIN_MINUTES, MAX_MINUTES = 3, 30


@dataclass(frozen=True)
class PlannedItem:
    exercise: ExerciseView
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


def fit(candidates: Sequence[Tuple[ExerciseView, Span]], budget_s: float) -> Tuple[PlannedItem, ...]:
    """Take exercises in order while their minimum time fits, then stretch towards max."""
    chosen: List[Tuple[ExerciseView, Span]] = []
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


def build_routine(repo: KnowledgeRepository, goal: Optional[str], minutes: Optional[float], areas: Sequence[str]) -> Plan:
    """The routine for `goal` in `minutes` (default 10), over `areas` if given."""
    budget_minutes = max(MIN_MINUTES, min(MAX_MINUTES, minutes or DEFAULT_MINUTES))
    budget = budget_minutes * 60
    goal = goal or "general"
    if not areas:
        routines = repo.routines(goal) or repo.routines("general")
        if routines:
            routine = min(routines, key=lambda r: abs((r.minutes.min + r.minutes.max) / 2 - budget_minutes))
            items = fit([(i.exercise, i.seconds) for i in routine.items], budget)
            return Plan(routine.name, items, routine.finish, routine.id)
    candidates: List[Tuple[ExerciseView, Span]] = []
    per_area = [repo.exercises_for_area(a) for a in areas] if areas else [repo.exercises_for_goal(goal)]
    depth = max((len(options) for options in per_area), default=0)
    for level in range(depth):  # first exercise of each area, then the second...
        for options in per_area:
            if level < len(options):
                candidates.append((options[level], options[level].total))
    names = [a.short_name for a in (repo.body_area(i) for i in areas) if a]
    title = f"{' + '.join(names) if names else goal.replace('_', ' ').capitalize()} routine"
    return Plan(title, fit(candidates, budget), None, None)


def _time(seconds: float) -> str:
    if seconds >= 60 and seconds % 30 == 0:
        minutes = seconds / 60
        return f"{minutes:g} min"
    return f"{round(seconds / 5) * 5:.0f} s"


def plan_reply(plan: Plan, minutes: float, repo: KnowledgeRepository, gentle: bool) -> Reply:
    steps = []
    for item in plan.items:
        tool = repo.tool(item.exercise.tool)
        per = " per side" if item.exercise.per_side else ""
        steps.append(f"{item.exercise.name} ({tool.name.lower() if tool else item.exercise.tool}): {_time(item.seconds)}{per}")
    total = plan.total_seconds / 60
    facts = [("Total", f"about {total:.0f} min (you asked for {minutes:g})")]
    if gentle:
        facts.append(("Pressure", "keep it light, about 3-4/10, and hold spots for 15-30 s at most"))
    bullets = [plan.finish] if plan.finish else []
    return Reply(title=f"{plan.title} ({minutes:g} min)", steps=steps, facts=facts, bullets=bullets, reminder=REMINDER)


def deliver_routine(
    dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, outcome: Optional[str]
) -> List[Dict[str, Any]]:
    minutes_slot = tracker.get_slot("minutes")
    try:
        minutes = float(minutes_slot) if minutes_slot else DEFAULT_MINUTES
    except ValueError:
        minutes = DEFAULT_MINUTES
    minutes = max(MIN_MINUTES, min(MAX_MINUTES, minutes))
    plan = build_routine(repo, tracker.get_slot("goal"), minutes, tracker.get_slot("areas_in_focus") or [])
    reply = plan_reply(plan, minutes, repo, outcome == "caution")
    first = plan.items[0].exercise if plan.items else None
    buttons = [button("Steps for the first one", f'/ask_exercise{{"body_area": "{first.body_area}"}}')] if first else []
    dispatcher.utter_message(text=render(reply, input_channel(tracker)), buttons=buttons)
    return []
