"""Answers that are not hands-on: tool info, dosing, trigger point facts, care tips."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Pattern, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.formatting import Reply, button, render
from actions.knowledge_access import KnowledgeAction
from actions.tracker_reading import entity_values, input_channel, latest_text
from knowledge.repository import KnowledgeRepository
from knowledge.views import ToolView

DOSING_ORDER = (
    "frequency",
    "time_per_muscle_group",
    "session_length",
    "hold_time",
    "pressure",
    "pre_workout",
    "post_workout",
    "rest_day",
)
DOSING_LABELS = {
    "frequency": "How often",
    "time_per_muscle_group": "Per muscle group",
    "session_length": "Session",
    "hold_time": "Hold a tender spot",
    "pressure": "Pressure",
    "pre_workout": "Before a workout",
    "post_workout": "After a workout",
    "rest_day": "Rest days",
    "roll_time": "Rolling",
}

FACT_TOPICS: Tuple[Tuple[Pattern[str], Tuple[str, ...]], ...] = (
    (re.compile(r"\brefer", re.I), ("referred_pain",)),
    (re.compile(r"\b(evidence|science|research|stud(y|ies)|proof|proven|really work|does it work|legit)\b", re.I), ("evidence",)),
    (re.compile(r"\b(cause|causes|why does my back|why is my back)\b", re.I), ("back_pain_causes",)),
    (re.compile(r"\b(benefit|benefits|good for|help with|why should)\b", re.I), ("benefits",)),
    (re.compile(r"\b(when|before or after|time of day)\b", re.I), ("when_to_do",)),
    (re.compile(r"\b(physio|chiropract|acupunct|combine|other treatment|doctor)\b", re.I), ("combining_care",)),
)
CARE_TOPICS: Tuple[Tuple[Pattern[str], str], ...] = (
    (re.compile(r"\b(clean|wash|disinfect|dirty|germs|hygien)", re.I), "cleaning"),
    (re.compile(r"\b(travel|trip|flight|plane|pack|bag|carry)", re.I), "travel"),
    (re.compile(r"\b(replace|worn|flat|crack|sticky|flak|last|old)", re.I), "replace"),
    (re.compile(r"\b(heat|hot car|sun|warp|melt)", re.I), "heat"),
    (re.compile(r"\b(freez|cold|ice|fridge)", re.I), "cold"),
    (re.compile(r"\b(store|storage|keep it)", re.I), "storage"),
)


def tool_facts(tool: ToolView) -> List[Tuple[str, str]]:
    """Type, size, density, material, texture and best use, as labelled facts."""
    return [
        ("Size", tool.size),
        ("Density", tool.density.replace("_", "-")),
        ("Material", tool.material),
        ("Texture", tool.texture),
        ("Best for", tool.best_for),
    ]


def tool_reply(tool: ToolView) -> Reply:
    return Reply(
        title=tool.name, intro=tool.good_to_know, facts=tool_facts(tool), bullets=[f"Careful: {c}" for c in tool.cautions]
    )


def comparison_reply(tools: Sequence[ToolView]) -> Reply:
    bullets = [f"{t.name} ({t.size}, {t.density.replace('_', '-')}): {t.best_for}" for t in tools]
    return Reply(
        title="Balls compared",
        intro=(
            "Many people end up with two: a softer or larger ball for broad areas "
            "and a firmer, smaller one for stubborn spots."
        ),
        bullets=bullets,
    )


class ActionToolInfo(KnowledgeAction):
    def name(self) -> str:
        return "action_tool_info"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        channel = input_channel(tracker)
        named = [t for t in (repo.tool(i) for i in entity_values(tracker, "tool")) if t]
        if len(named) == 1:
            dispatcher.utter_message(
                text=render(tool_reply(named[0]), channel),
                buttons=[button(f"How to use a {named[0].name.lower()}", f'/ask_exercise{{"tool": "{named[0].id}"}}')],
            )
        else:
            tools = named or [t for t in repo.tools() if t.kind in ("ball", "double_ball")]
            dispatcher.utter_message(
                text=render(comparison_reply(tools), channel), buttons=[button("Which one for me?", "/ask_ball_recommendation")]
            )
        return []


class ActionDosage(KnowledgeAction):
    def name(self) -> str:
        return "action_dosage"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        defaults = repo.default_dosing()
        facts = [(DOSING_LABELS[t], defaults[t].summary) for t in DOSING_ORDER if t in defaults]
        reply = Reply(
            title="How often and how long",
            intro="Consistency beats intensity: a little, most days.",
            facts=facts,
            bullets=["The articles differ on hold times (10-20 s up to 60 s); I use the conservative figures above."],
        )
        dispatcher.utter_message(text=render(reply, input_channel(tracker)))
        return []


class ActionTriggerPointInfo(KnowledgeAction):
    def name(self) -> str:
        return "action_trigger_point_info"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        text = latest_text(tracker)
        topics = next((topics for pattern, topics in FACT_TOPICS if pattern.search(text)), ("what_is", "how_it_works"))
        facts = [f for topic in topics for f in repo.facts(topic)][:2]
        limits = repo.facts("evidence_limits")
        bullets = [f"Honestly: {limits[0].text}"] if limits else []
        reply = Reply(title=facts[0].title if facts else "Trigger points", intro=" ".join(f.text for f in facts), bullets=bullets)
        dispatcher.utter_message(
            text=render(reply, input_channel(tracker)),
            buttons=[button("Does it really work?", "/ask_trigger_point_info"), button("Show me an exercise", "/ask_exercise")],
        )
        return []


class ActionCareTips(KnowledgeAction):
    def name(self) -> str:
        return "action_care_tips"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        text = latest_text(tracker)
        topic = next((topic for pattern, topic in CARE_TOPICS if pattern.search(text)), None)
        tips = repo.care_tips(topic) if topic else repo.care_tips()
        reply = Reply(title="Looking after your ball", bullets=[t.text for t in tips])
        dispatcher.utter_message(text=render(reply, input_channel(tracker)))
        return []
