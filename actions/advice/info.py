"""Answers that are not hands-on: tool info, dosing, trigger point facts, care tips.

Topics are `topic` entities from the knowledge vocabulary (knowledge/content/topics.yml), so
a typed question and a button payload (/ask_trigger_point_info{"topic": "evidence"}) get
the same answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.advice.recommendation import named_tools, send_comparison, tool_facts
from actions.plumbing.context import remember
from actions.plumbing.knowledge_access import CoachAction, Events
from actions.plumbing.replying import Wording, join_names, payload, send
from actions.plumbing.tracker_reading import entity_values
from actions.screening.policy import LEVELS, REASONS_SLOT, emergency_stands, referral_stands
from knowledge.repository import KnowledgeRepository
from replies.model import Button, Fact, Reply

if TYPE_CHECKING:
    from knowledge.schema import Tool

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
DEFAULT_FACT_TOPICS = ("what_is", "how_it_works")


def topic_of(tracker: Tracker, repo: KnowledgeRepository, kind: str) -> Optional[str]:
    """The first `topic` entity of this kind (fact | care) in the latest message."""
    kinds = repo.topic_kinds()
    return next((t for t in entity_values(tracker, "topic") if kinds.get(t) == kind), None)


def tool_reply(tool: Tool, wording: Wording) -> Reply:
    return Reply(
        kind="tool_info",
        title=tool.name,
        intro=tool.good_to_know,
        facts=tool_facts(tool, wording),
        bullets=tuple(wording("utter_careful", text=c) for c in tool.cautions),
        buttons=(Button(wording("utter_button_how_to_use", tool=tool.name.lower()), payload("ask_exercise", tool=tool.id)),),
        data={"tool": tool.id},
    )


class ActionToolInfo(CoachAction):
    NAME = "action_tool_info"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        named = named_tools(tracker, repo)
        if len(named) == 1:
            send(dispatcher, tool_reply(named[0], wording))
            return remember("tool_info", [("tool", named[0].id)], tool=named[0].id)
        tools = named or [t for t in repo.tools() if t.kind in ("ball", "double_ball") and not t.id.startswith("diy_")]
        return send_comparison(dispatcher, tracker, repo, wording, tools)


class ActionDosage(CoachAction):
    NAME = "action_dosage"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        if referral_stands(dispatcher, tracker, repo, wording):
            return remember("referral", [("safety_rule", r) for r in tracker.get_slot(REASONS_SLOT) or []])
        defaults = repo.default_dosing()
        topics = [t for t in DOSING_ORDER if t in defaults]
        send(
            dispatcher,
            Reply(
                kind="dosing",
                title=wording("utter_dosing_title"),
                intro=wording("utter_dosing_intro"),
                facts=tuple(Fact(wording(f"utter_dosing_label_{t}"), defaults[t].summary) for t in topics),
                bullets=(wording("utter_dosing_sources_differ"),),
                data={"dosing": [defaults[t].id for t in topics]},
            ),
        )
        return remember("dosing", [("dosing", defaults[t].id) for t in topics])


class ActionTriggerPointInfo(CoachAction):
    NAME = "action_trigger_point_info"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        topic = topic_of(tracker, repo, "fact")
        topics = (topic,) if topic else DEFAULT_FACT_TOPICS
        facts = [f for t in topics for f in repo.facts(t)][:2]
        limits = repo.facts("evidence_limits")
        shown = topic or DEFAULT_FACT_TOPICS[0]
        send(
            dispatcher,
            Reply(
                kind="facts",
                title=facts[0].title if facts else wording("utter_facts_title"),
                intro=" ".join(f.text for f in facts),
                bullets=tuple(wording("utter_honestly", text=f.text) for f in limits[:1]),
                buttons=(
                    wording.button("utter_button_does_it_work", payload("ask_trigger_point_info", topic="evidence")),
                    wording.button("utter_button_show_exercise", payload("ask_exercise")),
                ),
                data={"topic": shown},
            ),
        )
        return remember("facts", [("fact", f.id) for f in [*facts, *limits[:1]]], topic=shown)


class ActionWarningSigns(CoachAction):
    """ "Which warning signs mean I should stop?": the store's stop signs (safety rules marked
    `stop_sign`), the most serious first; the emergencies named together last."""

    NAME = "action_warning_signs"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        signs = [rule for rule in repo.safety_rules() if rule.stop_sign]
        urgent = [rule for rule in signs if rule.level == "emergency"]
        others = sorted((rule for rule in signs if rule.level != "emergency"), key=lambda r: -LEVELS.index(r.level))
        lines = [wording("utter_warning_sign_line", name=r.name, description=r.description) for r in others]
        if urgent:
            lines.append(wording("utter_warning_signs_emergency", names=join_names([r.name.lower() for r in urgent], wording)))
        ids = [r.id for r in [*others, *urgent]]
        title, outro = wording("utter_warning_signs_title"), wording("utter_warning_signs_outro")
        send(dispatcher, Reply(kind="warning_signs", title=title, bullets=tuple(lines), outro=outro, data={"rules": ids}))
        return remember("warning_signs", [("safety_rule", i) for i in ids])


class ActionCareTips(CoachAction):
    NAME = "action_care_tips"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        if emergency_stands(dispatcher, tracker, repo, wording):
            return []
        topic = topic_of(tracker, repo, "care")
        if topic is None and "travel" in entity_values(tracker, "preference"):
            topic = "travel"  # "plane", "flight", "trip" are aliases of the travel preference
        tips = repo.care_tips(topic) if topic else repo.care_tips()
        send(
            dispatcher,
            Reply(kind="care", title=wording("utter_care_title"), bullets=tuple(t.text for t in tips), data={"topic": topic}),
        )
        return remember("care", [("care_tip", t.id) for t in tips], topic=topic)
