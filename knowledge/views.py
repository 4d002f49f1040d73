"""Plain, immutable results of repository queries.

Actions get these instead of ORM objects, so no session or lazy load escapes the
repository and the values are safe to share between concurrent requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple


@dataclass(frozen=True)
class Span:
    min: float
    max: float

    def describe(self, unit: str = "s") -> str:
        low, high = _num(self.min), _num(self.max)
        return f"{low}{unit}" if low == high else f"{low}-{high}{unit}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class AreaView:
    id: str
    name: str
    description: str

    @property
    def short_name(self) -> str:
        """The name without its gloss: "Hip flexor (psoas)" -> "Hip flexor"."""
        return self.name.split(" (")[0]


@dataclass(frozen=True)
class ExerciseView:
    id: str
    body_area: str
    name: str
    tool: str  # the tool the seed describes
    tools: Tuple[str, ...]  # every tool it works with, seed's first
    steps: Tuple[str, ...]
    hold: Optional[Span]
    roll: Optional[Span]
    total: Span
    per_side: bool
    pressure: str
    more_pressure: Tuple[str, ...]
    less_pressure: Tuple[str, ...]
    cautions: Tuple[str, ...]
    goals: Tuple[str, ...]
    sources: Tuple[str, ...]


@dataclass(frozen=True)
class ToolView:
    id: str
    name: str
    kind: str
    size: str
    size_min_in: float
    size_max_in: float
    density: str
    material: str
    texture: str
    best_for_areas: Tuple[str, ...]
    best_for: str
    good_to_know: str
    cautions: Tuple[str, ...]
    beginner_friendly: bool
    sources: Tuple[str, ...]


@dataclass(frozen=True)
class GuidanceView:
    id: str
    dimension: str
    name: str
    best_for: str
    pros: str
    cons: str
    tools: Tuple[str, ...]


@dataclass(frozen=True)
class PreferenceView:
    id: str
    name: str
    prefer_tools: Tuple[str, ...]
    avoid_tools: Tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ConditionView:
    id: str
    name: str
    description: str
    body_areas: Tuple[str, ...]
    safety_rule: Optional[str]


@dataclass(frozen=True)
class RoutineItemView:
    exercise: ExerciseView
    seconds: Span
    note: Optional[str]


@dataclass(frozen=True)
class RoutineView:
    id: str
    name: str
    goals: Tuple[str, ...]
    minutes: Span
    best_for: str
    equipment: str
    items: Tuple[RoutineItemView, ...]
    finish: str
    sources: Tuple[str, ...]


@dataclass(frozen=True)
class DosingView:
    id: str
    topic: str
    value: Span
    unit: str
    summary: str
    is_default: bool
    sources: Tuple[str, ...]


@dataclass(frozen=True)
class SafetyRuleView:
    id: str
    level: str
    kind: str
    name: str
    description: str
    advice: str
    see: Optional[str]


@dataclass(frozen=True)
class QuestionView:
    id: str
    slot: str
    order: int
    question: str
    why: str
    covers: Tuple[str, ...]
    yes_level: str
    partial_level: str
    area_specific: bool


@dataclass(frozen=True)
class TextView:
    """A fact or a care tip."""

    id: str
    topic: str
    title: str
    text: str
    sources: Tuple[str, ...]


@dataclass(frozen=True)
class RedFlagPatternView:
    id: str
    rule: str
    level: str
    phrases: Tuple[str, ...]
    all_of: Tuple[str, ...]


@dataclass(frozen=True)
class RedFlagVocabulary:
    """What the deterministic red-flag detector matches, all from the knowledge store."""

    concepts: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    patterns: Tuple[RedFlagPatternView, ...] = ()
    levels: Dict[str, str] = field(default_factory=dict)  # safety rule id -> level
