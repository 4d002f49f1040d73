"""Progress and "welcome back": what the session log says, in words and as a chart.

The summary counts sessions in the last 7 and 30 days, names the areas, averages the pain
before and after, and gives each area's trend (first against latest pain after). The chart
(replies.model.Chart) carries the same numbers; each channel draws it (replies/chart.py) and
shows the summary as its text alternative.
"""

from __future__ import annotations

from datetime import timedelta
from statistics import mean
from typing import Any, Dict, List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.plumbing.knowledge_access import CoachAction, Events
from actions.plumbing.replying import Wording, join_names, payload, send
from actions.plumbing.userdata_access import person, with_userdata
from actions.screening.checklist import area_names
from knowledge.repository import KnowledgeRepository
from replies.model import Button, Chart, Fact, Point, Reply, Series
from userdata.repository import LoggedSession, UserDataRepository

#: at most this many sessions per area on the chart (the latest ones)
CHART_POINTS = 30


def _average(values: Sequence[Optional[int]]) -> Optional[float]:
    known = [v for v in values if v is not None]
    return round(float(mean(known)), 1) if known else None


def _number(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:g}"


def trend(wording: Wording, sessions: Sequence[LoggedSession]) -> str:
    """One area's trend: first against latest pain after ("down 3 points"), or "not enough data"."""
    after = [s.pain_after for s in sessions if s.pain_after is not None]
    if len(after) < 2:
        return wording("utter_trend_unknown")
    change = after[-1] - after[0]
    if change < 0:
        return wording("utter_trend_down", points=-change)
    if change > 0:
        return wording("utter_trend_up", points=change)
    return wording("utter_trend_steady")


def start_button(wording: Wording) -> Button:
    return wording.button("utter_button_start_session", payload("ask_exercise"))


def progress_reply(repo: KnowledgeRepository, wording: Wording, sessions: Sequence[LoggedSession], now: Any) -> Reply:
    """The summary and the chart, or how to start when nothing is logged yet."""
    if not sessions:
        return Reply(kind="progress_empty", intro=wording("utter_progress_none"), buttons=(start_button(wording),))
    by_area: Dict[str, List[LoggedSession]] = {}
    for session in sessions:
        by_area.setdefault(session.area or "other", []).append(session)
    names = dict(zip(by_area, area_names(repo, list(by_area)), strict=False))
    week = sum(1 for s in sessions if now - s.logged_at <= timedelta(days=7))
    month = sum(1 for s in sessions if now - s.logged_at <= timedelta(days=30))
    before, after = _average([s.pain_before for s in sessions]), _average([s.pain_after for s in sessions])
    facts = [
        Fact(wording("utter_label_this_week"), wording("utter_sessions_count", count=week)),
        Fact(wording("utter_label_this_month"), wording("utter_sessions_count", count=month)),
        Fact(wording("utter_label_areas"), join_names(names.values(), wording)),
    ]
    if before is not None or after is not None:
        average = wording("utter_average_pain", before=_number(before), after=_number(after))
        facts.append(Fact(wording("utter_label_average_pain"), average))
    trends = [f"{names[area]}: {trend(wording, items)}" for area, items in by_area.items()]
    facts.append(Fact(wording("utter_label_trend"), "; ".join(trends)))
    summary = (
        wording("utter_progress_alt", total=len(sessions), week=week, month=month)
        + " "
        + ". ".join(f"{f.label}: {f.text}" for f in facts[2:])
    )
    chart = Chart(
        title=wording("utter_progress_chart_title"),
        alt=summary,
        series=tuple(
            Series(
                names[area].capitalize(),
                tuple(Point(s.logged_at.date().isoformat(), s.pain_before, s.pain_after) for s in items[-CHART_POINTS:]),
            )
            for area, items in by_area.items()
        ),
    )
    return Reply(
        kind="progress",
        title=wording("utter_progress_title"),
        facts=tuple(facts),
        chart=chart,
        buttons=(start_button(wording),),
        data={"sessions": len(sessions), "week": week, "month": month, "average_before": before, "average_after": after},
    )


class ActionShowProgress(CoachAction):
    """ "how am I doing?": the summary and the chart, or how to start when there is nothing yet."""

    NAME = "action_show_progress"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        def show(store: UserDataRepository) -> Events:
            send(dispatcher, progress_reply(repo, wording, store.sessions(*person(tracker)), store.clock()))
            return []

        return await with_userdata(self.name(), dispatcher, show)


def welcome_back_reply(repo: KnowledgeRepository, wording: Wording, last: LoggedSession) -> Reply:
    """ "Welcome back: last time you worked on your calves (pain 6 → 3). How are they today?" """
    area = last.area
    name = (area_names(repo, [area])[0] if area else wording("utter_this_area")).lower()
    numbers = ""
    if last.pain_before is not None and last.pain_after is not None:
        numbers = wording("utter_welcome_numbers", before=last.pain_before, after=last.pain_after)
    buttons = [Button(wording("utter_button_repeat"), payload("ask_exercise", body_area=area))] if area else []
    buttons += [
        Button(wording("utter_button_other_area"), payload("ask_exercise")),
        Button(wording("utter_button_progress"), payload("ask_progress")),
    ]
    return Reply(
        kind="welcome_back",
        intro=wording("utter_welcome_back", area=name, numbers=numbers),
        buttons=tuple(buttons),
        data={"area": area},
    )
