"""Plain, immutable results of repository queries.

Built once from the validated content (knowledge/repository.py) and shared by every request.
They keep the shape actions want, which is not always the YAML's: resolved references (a
routine item holds its exercise), spans instead of ranges, tuples instead of lists, the seed
files of an entry sorted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Tuple


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
    estimates: Tuple[str, ...] = ()  # fields that are the project's estimate, not a seed figure


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
    estimates: Tuple[str, ...] = ()  # fields that are the project's estimate ("typical"), not a seed figure


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
    value: Optional[Span]  # None when the source gives no number
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
    confirm: Optional[str] = None  # the flag_check question for a possible sign of this rule
    stop_sign: bool = False  # listed for "which warning signs mean stop?"


@dataclass(frozen=True)
class ChecklistItemView:
    id: str
    label: str
    text: str
    why: str
    covers: Tuple[str, ...]
    level: str
    scope: str  # general | area
    areas: Tuple[str, ...]  # empty: shown for every area

    def applies_to(self, areas: Tuple[str, ...]) -> bool:
        """Shown for these areas in focus (an item limited to some areas needs one of them)."""
        return not self.areas or any(area in self.areas for area in areas)


@dataclass(frozen=True)
class ChecklistView:
    """The one-step safety checklist: its wording and its items, in order."""

    wording: Mapping[str, str]
    items: Tuple[ChecklistItemView, ...]

    def item(self, item_id: str) -> Optional[ChecklistItemView]:
        return next((i for i in self.items if i.id == item_id), None)

    def for_areas(self, areas: Tuple[str, ...], area_only: bool = False) -> Tuple[ChecklistItemView, ...]:
        """The items to show for `areas`; only the area-specific ones for a newly named area."""
        return tuple(i for i in self.items if i.applies_to(areas) and (not area_only or i.scope == "area"))


@dataclass(frozen=True)
class SourceView:
    """A seed article."""

    file: str
    title: str
    summary: str


@dataclass(frozen=True)
class GuidelineView:
    id: str
    title: str
    publisher: str
    year: int
    citation: str
    summary: str


@dataclass(frozen=True)
class Citations:
    """What an entry comes from: seed articles and clinical guidelines."""

    seeds: Tuple[SourceView, ...] = ()
    guidelines: Tuple[GuidelineView, ...] = ()


@dataclass(frozen=True)
class TextView:
    """A fact or a care tip."""

    id: str
    topic: str
    title: str
    text: str
    sources: Tuple[str, ...]
