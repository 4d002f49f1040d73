"""Every question the assistant asks of the knowledge store, in one class.

The store is read-only content that ships with the code: `knowledge/content/*.yml`, read and
validated into pydantic models once per process, on first use (`KnowledgeRepository.shared()`).
The repository hands out those models themselves (frozen, their lists tuples), indexed by id
and in curated order, so a query is a dictionary lookup or a short scan, and the same objects
are safe to share between concurrent action requests.
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, TypeVar

from knowledge.views import ChecklistView, Citations

#: alias kinds, named after the NLU entity they feed
ENTITY_KINDS = ("body_area", "tool", "condition", "goal", "preference", "topic", "feeling")
#: kinds whose canonical ids are understood as words too ("lower back")
CANONICAL_WORDS = ("body_area", "tool", "condition", "goal")
#: citation kind (as actions name it) -> the Content attribute holding those entries
CITED_KINDS = {
    "body_area": "body_areas",
    "goal": "goals",
    "feeling": "feelings",
    "topic": "topics",
    "tool": "tools",
    "safety_rule": "safety_rules",
    "guidance": "guidance",
    "preference": "preferences",
    "condition": "conditions",
    "exercise": "exercises",
    "routine": "routines",
    "dosing": "dosing",
    "checklist_item": "checklist_items",
    "red_flag_pattern": "patterns",
    "care_tip": "care",
    "fact": "facts",
}

if TYPE_CHECKING:  # at run time pydantic, the schema and YAML are imported on first use (_shared)
    from knowledge import schema
    from knowledge.loader import Content

E = TypeVar("E", bound="schema.Entry | schema.Guideline")


def _by_id(entries: Iterable[E]) -> Mapping[str, E]:
    return MappingProxyType({entry.id: entry for entry in entries})


class KnowledgeRepository:
    """Read-only queries over the validated content."""

    def __init__(self, content: Content) -> None:
        self._content = content
        self._cited: Dict[Tuple[str, str], schema.Entry] = {
            (kind, entry.id): entry for kind, attr in CITED_KINDS.items() for entry in getattr(content, attr)
        }
        self._seeds = MappingProxyType({s.file: s for s in sorted(content.sources, key=lambda s: s.file)})
        self._guidelines = _by_id(sorted(content.guidelines, key=lambda g: g.id))
        self._areas = _by_id(sorted(content.body_areas, key=lambda a: a.id))
        self._exercises = _by_id(content.exercises)  # curated order: file by file, as listed
        self._tools = _by_id(sorted(content.tools, key=lambda t: t.id))
        self._preferences = _by_id(content.preferences)
        self._conditions = _by_id(content.conditions)
        self._routines = sorted(content.routines, key=lambda r: r.id)
        self._dosing = sorted(content.dosing, key=lambda d: (d.topic, not d.default, d.id))
        self._rules = _by_id(sorted(content.safety_rules, key=lambda r: r.id))
        wording = MappingProxyType(content.checklist.dict() if content.checklist else {})
        self._checklist = ChecklistView(wording, tuple(content.checklist_items))
        self._facts = sorted(content.facts, key=lambda f: (f.topic, f.id))
        self._care = sorted(content.care, key=lambda c: (c.topic, c.id))

    @classmethod
    def shared(cls) -> KnowledgeRepository:
        """The process-wide repository over knowledge/content/, loaded and validated on first use."""
        return _shared()

    # --- vocabulary (for the NLU) -------------------------------------------------
    def vocabulary(self) -> Dict[str, Dict[str, str]]:
        """entity kind -> {alias (lower-case): canonical id}."""
        content = self._content
        entries: Dict[str, Sequence[schema.Named]] = {
            "body_area": content.body_areas,
            "tool": content.tools,
            "condition": content.conditions,
            "goal": content.goals,
            "preference": content.preferences,
            "topic": content.topics,
            "feeling": content.feelings,
        }
        out: Dict[str, Dict[str, str]] = {kind: {} for kind in ENTITY_KINDS}
        for kind in ENTITY_KINDS:
            for entry in entries[kind]:
                for alias in entry.aliases:
                    out[kind].setdefault(alias.lower(), entry.id)
        # canonical ids are always understood, written with spaces ("lower back")
        for kind in CANONICAL_WORDS:
            for ident in sorted(entry.id for entry in entries[kind]):
                out[kind].setdefault(ident.replace("_", " "), ident)
        return out

    @property
    def content(self) -> Content:
        """The validated content itself (the red-flag detector builds its vocabulary from it:
        knowledge/red_flag_vocabulary.py)."""
        return self._content

    # --- areas and exercises ------------------------------------------------------
    def body_area(self, area_id: str) -> Optional[schema.BodyArea]:
        return self._areas.get(area_id)

    def body_areas(self) -> List[schema.BodyArea]:
        return list(self._areas.values())

    def exercises_for_area(self, area_id: str, tool_id: Optional[str] = None) -> List[schema.Exercise]:
        """Exercises for an area in curated order; with `tool_id`, only those that tool can do,
        the ones written for that tool first."""
        exercises = [e for e in self._exercises.values() if e.body_area == area_id]
        if tool_id is None:
            return exercises
        usable = [e for e in exercises if tool_id in e.tools]
        return sorted(usable, key=lambda e: e.tool != tool_id)

    def exercise(self, exercise_id: str) -> Optional[schema.Exercise]:
        return self._exercises.get(exercise_id)

    def exercises_for_goal(self, goal_id: str) -> List[schema.Exercise]:
        """By area, then in curated order."""
        return sorted((e for e in self._exercises.values() if goal_id in e.goals), key=lambda e: e.body_area)

    # --- tools and recommendation facts ---------------------------------------------
    def tools(self) -> List[schema.Tool]:
        return list(self._tools.values())

    def tool(self, tool_id: str) -> Optional[schema.Tool]:
        return self._tools.get(tool_id)

    def preferences(self, ids: Iterable[str]) -> List[schema.Preference]:
        return [self._preferences[i] for i in dict.fromkeys(ids) if i in self._preferences]

    def condition(self, condition_id: str) -> Optional[schema.Condition]:
        return self._conditions.get(condition_id)

    # --- routines and dosing ----------------------------------------------------------
    def routines(self, goal_id: Optional[str] = None) -> List[schema.Routine]:
        return [r for r in self._routines if not goal_id or goal_id in r.goals]

    def routine_items(self, routine: schema.Routine) -> List[Tuple[schema.Exercise, schema.Range]]:
        """Each item's exercise and its time, in order (the loader checked that every exercise exists)."""
        return [(self._exercises[item.exercise], item.seconds) for item in routine.items]

    def dosing(self, topic: Optional[str] = None) -> List[schema.DosingFigure]:
        """By topic, the default first."""
        return [d for d in self._dosing if not topic or d.topic == topic]

    def default_dosing(self) -> Dict[str, schema.DosingFigure]:
        """topic -> the figure the bot uses (the conservative default)."""
        return {d.topic: d for d in self._dosing if d.default}

    # --- safety -------------------------------------------------------------------------
    def safety_rules(self, level: Optional[str] = None) -> List[schema.SafetyRule]:
        return [r for r in self._rules.values() if not level or r.level == level]

    def safety_rule(self, rule_id: str) -> Optional[schema.SafetyRule]:
        return self._rules.get(rule_id)

    def checklist(self) -> ChecklistView:
        """The safety checklist's wording and items, in order."""
        return self._checklist

    def topic_kinds(self) -> Dict[str, str]:
        """topic id -> fact | care."""
        return {t.id: t.kind for t in self._content.topics}

    # --- facts and care -------------------------------------------------------------------
    def facts(self, topic: Optional[str] = None) -> List[schema.Fact]:
        return [f for f in self._facts if not topic or f.topic == topic]

    def care_tips(self, topic: Optional[str] = None) -> List[schema.CareTip]:
        return [c for c in self._care if not topic or c.topic == topic]

    # --- where it comes from ----------------------------------------------------------------
    def sources_of(self, kind: str, entry_id: str) -> Tuple[str, ...]:
        """The seed files of one entry, sorted."""
        entry = self._cited.get((kind, entry_id))
        return tuple(sorted(set(entry.sources))) if entry else ()

    def citations(self, kind: str, entry_ids: Iterable[str]) -> Citations:
        """The seed articles and guidelines behind these entries of one kind, each once, in order."""
        entries = [self._cited[(kind, i)] for i in dict.fromkeys(entry_ids) if (kind, i) in self._cited]
        seeds = {source for entry in entries for source in entry.sources}
        guidelines = {guideline for entry in entries for guideline in entry.guidelines}
        return Citations(
            seeds=tuple(self._seeds[s] for s in sorted(seeds)),
            guidelines=tuple(self._guidelines[g] for g in sorted(guidelines)),
        )

    def seed_articles(self) -> List[schema.Source]:
        return list(self._seeds.values())


@lru_cache(maxsize=1)
def _shared() -> KnowledgeRepository:
    from knowledge.loader import CONTENT_DIR, load_content

    return KnowledgeRepository(load_content(CONTENT_DIR))
