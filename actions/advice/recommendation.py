"""Ball recommendation, tool comparisons, and "I don't have that tool".

Scoring follows the seeds' choosing guidance: match the area, respect preferences
(sensitive/beginner -> softer, smooth, medium or larger; experienced/deep -> small, firm),
and default to the versatile medium, smooth ball for a first purchase. Two tools named
("foam roller or massage ball for my calves?", "X vs Y") get a side-by-side comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.plumbing.context import recall, remember
from actions.plumbing.knowledge_access import CoachAction, Events
from actions.plumbing.replying import Wording, lower_first, payload, send
from actions.plumbing.tracker_reading import entity_values, first_entity, latest_text
from actions.screening.policy import OUTCOME_SLOT, SENSITIVE_FROM_PAIN, pain_at_least
from knowledge.repository import KnowledgeRepository
from replies.model import Button, Fact, Reply

if TYPE_CHECKING:
    from knowledge.schema import Preference, Tool

BALL_KINDS = ("ball", "double_ball", "handheld")
_BALL_WORD = re.compile(r"\bballs?\b", re.I)
# The score's weights: the project's own choice (no source gives numbers), set so that their
# order is the seeds' order of concerns. An area the tool is best for counts most, less the
# further down its list the area is; a preference (sensitive, beginner...) next, less for each
# later tool it names; a tool a preference avoids scores below any match it might have; and a
# first purchase favours a beginner-friendly ball, by less when an area already decides.
AREA_MATCH, AREA_RANK_STEP = 4.0, 0.3
PREFERENCE_MATCH, PREFERENCE_RANK_STEP = 3.0, 0.5
AVOIDED = -5.0  # larger than an area match: an avoided tool scores below zero on one area
FIRST_BALL, FIRST_BALL_WITH_AREA = 1.0, 0.5
#: exercises named per tool in a comparison line ("has steps for your calf: A, B")
EXERCISES_NAMED = 2


@dataclass(frozen=True)
class Recommendation:
    tool: Tool
    reasons: Tuple[str, ...]
    alternative: Optional[Tool]


def recommend(
    repo: KnowledgeRepository,
    wording: Wording,
    areas: Sequence[str],
    preferences: Sequence[str],
    balls_only: bool = True,
    condition_id: Optional[str] = None,
) -> Recommendation:
    """Best tool for the person, with the reasons that picked it (home-made tools are never a purchase)."""
    areas = list(areas)
    reasons: List[str] = []
    if condition_id:
        condition = repo.condition(condition_id)
        if condition and not areas:
            areas = list(condition.body_areas[:1])
    prefs: List[Preference] = repo.preferences(preferences)
    tools = [t for t in repo.tools() if (not balls_only or t.kind in BALL_KINDS) and not t.id.startswith("diy_")]

    def score(tool: Tool) -> float:
        value = 0.0
        for area in areas:
            if area in tool.best_for_areas:
                value += AREA_MATCH - AREA_RANK_STEP * tool.best_for_areas.index(area)
        for pref in prefs:
            if tool.id in pref.prefer_tools:
                value += PREFERENCE_MATCH - PREFERENCE_RANK_STEP * pref.prefer_tools.index(tool.id)
            if tool.id in pref.avoid_tools:
                value += AVOIDED
        if not prefs and tool.beginner_friendly:
            value += FIRST_BALL_WITH_AREA if areas else FIRST_BALL  # a first ball: versatile and forgiving
        return value

    ranked = sorted(tools, key=lambda t: (-score(t), t.id))
    best = ranked[0]
    for area in areas:
        if area in best.best_for_areas:
            area_view = repo.body_area(area)
            reasons.append(wording("utter_reason_suits_area", area=(area_view.short_name if area_view else area).lower()))
    reasons += [p.reason for p in prefs if best.id in p.prefer_tools]
    if not reasons:
        reasons.append(wording("utter_reason_first_ball"))
    alternative = next((t for t in ranked[1:] if t.density != best.density), None)
    return Recommendation(best, tuple(reasons), alternative)


def tool_facts(tool: Tool, wording: Wording) -> Tuple[Fact, ...]:
    """Size, density, material, texture and best use; the project's estimates marked "typical"."""
    shown = {
        "size": tool.size,
        "density": wording(f"utter_density_{tool.density}"),
        "material": tool.material,
        "texture": wording(f"utter_texture_{tool.texture}"),
        "best_for": tool.best_for,
    }
    return tuple(Fact(wording(f"utter_label_{key}"), wording.typical(tool.estimates, key, text)) for key, text in shown.items())


def recommendation_reply(rec: Recommendation, wording: Wording) -> Reply:
    tool = rec.tool
    why = rec.reasons[0].rstrip(".")
    bullets: List[str] = [tool.good_to_know, *tool.cautions[:1]]
    if rec.alternative:
        alt = rec.alternative
        bullets.append(wording("utter_also_worth_a_look", tool=alt.name, why=lower_first(alt.best_for)))
    return Reply(
        kind="recommendation",
        title=wording("utter_recommend_title", tool=tool.name.lower()),
        intro=wording("utter_recommend_why", why=why[0].upper() + why[1:]),
        facts=tool_facts(tool, wording),
        bullets=tuple(bullets),
        buttons=(
            Button(wording("utter_button_how_to_use", tool=tool.name.lower()), payload("ask_exercise", tool=tool.id)),
            Button(wording("utter_button_compare"), payload("ask_tool_info")),
        ),
        data={"tool": tool.id},
    )


def comparison_reply(tools: Sequence[Tool], area: Optional[str], repo: KnowledgeRepository, wording: Wording) -> Reply:
    """Tools side by side, for an area when one is named, with the store's advice on choosing."""
    area_view = repo.body_area(area) if area else None
    facts = []
    for tool in tools:
        density = wording.typical(tool.estimates, "density", wording(f"utter_density_{tool.density}"))
        text = wording(
            "utter_compare_line", density=density, size=wording.typical(tool.estimates, "size", tool.size), best_for=tool.best_for
        )
        if area_view:
            exercises = repo.exercises_for_area(area_view.id, tool.id)
            text += " " + (
                wording(
                    "utter_compare_has_steps",
                    area=area_view.short_name.lower(),
                    exercises=", ".join(e.name for e in exercises[:EXERCISES_NAMED]),
                )
                if exercises
                else wording("utter_compare_no_steps", area=area_view.short_name.lower())
            )
        facts.append(Fact(tool.name, text))
    advice = [f.text for f in repo.facts("ball_choice")]
    names = [t.name for t in tools]
    title = wording("utter_compare_title_area" if area_view else "utter_compare_title", tools=" vs ".join(names),
                    area=area_view.short_name.lower() if area_view else "")  # fmt: skip
    return Reply(
        kind="comparison",
        title=title,
        facts=tuple(facts),
        bullets=tuple(advice),
        buttons=tuple(
            Button(
                wording("utter_button_how_to_use", tool=t.name.lower()),
                payload("ask_exercise", tool=t.id, **({"body_area": area} if area else {})),
            )
            for t in tools
        ),
        data={"tools": [t.id for t in tools], "area": area},
    )


def named_tools(tracker: Tracker, repo: KnowledgeRepository) -> List[Tool]:
    return [t for t in (repo.tool(i) for i in entity_values(tracker, "tool")) if t]


def asked_areas(tracker: Tracker) -> List[str]:
    """The areas named now, else the areas in focus."""
    return entity_values(tracker, "body_area") or list(tracker.get_slot("areas_in_focus") or [])


def send_comparison(
    dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording, tools: Sequence[Tool]
) -> Events:
    area = next(iter(asked_areas(tracker)), None)
    send(dispatcher, comparison_reply(tools, area, repo, wording))
    entries = [("tool", t.id) for t in tools] + [("fact", f.id) for f in repo.facts("ball_choice")]
    return remember("comparison", entries, area=area)


class ActionRecommendBall(CoachAction):
    NAME = "action_recommend_ball"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        tools = named_tools(tracker, repo)
        if len(tools) >= 2:
            return send_comparison(dispatcher, tracker, repo, wording, tools)
        areas = asked_areas(tracker)
        preferences = list(tracker.get_slot("preference") or [])
        if pain_at_least(tracker.get_slot("pain_level"), SENSITIVE_FROM_PAIN) or tracker.get_slot(OUTCOME_SLOT) == "caution":
            preferences.append("sensitive")
        text = latest_text(tracker)
        balls_only = not text or text.startswith("/") or bool(_BALL_WORD.search(text))  # "which ball" vs "what should I use"
        rec = recommend(
            repo, wording, areas, preferences, balls_only, first_entity(tracker, "condition") or tracker.get_slot("condition")
        )
        send(dispatcher, recommendation_reply(rec, wording))
        events = remember("recommendation", [("tool", rec.tool.id)], tool=rec.tool.id, area=areas[0] if areas else None)
        return [*events, SlotSet("areas_in_focus", areas[:1])] if areas else events


class ActionNoTool(CoachAction):
    """ "I don't have a ball" / "I don't have a peanut ball": what works instead, from the store."""

    NAME = "action_no_tool"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        missing = first_entity(tracker, "tool") or recall(tracker).tool
        missing_tool = repo.tool(missing) if missing else None
        if missing_tool and missing_tool.kind == "double_ball":
            diy = next((t for t in repo.tools() if t.id.startswith("diy_") and t.kind == "double_ball"), None)
            if diy:
                send(
                    dispatcher,
                    Reply(
                        kind="alternative",
                        title=wording("utter_no_tool_alternative_title", tool=missing_tool.name.lower()),
                        intro=wording("utter_no_tool_alternative", alternative=diy.name, how=diy.good_to_know),
                        buttons=(wording.button("utter_button_use_alternative", payload("ask_exercise", tool=diy.id)),),
                        data={"missing": missing_tool.id, "alternative": diy.id},
                    ),
                )
                return [SlotSet("tool", diy.id), *remember("alternative", [("tool", diy.id)], tool=diy.id)]
        areas = list(tracker.get_slot("areas_in_focus") or [])
        rec = recommend(repo, wording, areas, ["beginner"])
        tennis = repo.tool("tennis_ball")
        intro = wording("utter_no_tool_first_buy", tool=rec.tool.name.lower(), why=rec.reasons[0].rstrip("."))
        if tennis:
            intro += " " + wording("utter_no_tool_meanwhile", tool=tennis.name.lower(), how=lower_first(tennis.good_to_know))
        compare = wording.button("utter_button_compare", payload("ask_tool_info"))
        send(dispatcher, Reply(kind="no_tool", intro=intro, buttons=(compare,), data={"tool": rec.tool.id}))
        return [
            SlotSet("tool", "tennis_ball" if tennis else None),
            *remember("recommendation", [("tool", rec.tool.id)], tool=rec.tool.id),
        ]
