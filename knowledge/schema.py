"""Schema of the curated knowledge YAML (knowledge/content/).

The YAML files are the source of truth, reviewed like code. These pydantic models are
what "valid content" means: the build refuses anything else, naming the file and entry.
Every entry carries `sources`: the seed file(s) it was curated from.
"""

from __future__ import annotations

from typing import List, Literal, Optional

from pydantic import BaseModel, Extra, conlist, constr, validator

Identifier = constr(regex=r"^[a-z][a-z0-9_]*$", min_length=2, max_length=64)
Text = constr(strip_whitespace=True, min_length=2)

BODY_AREA_IDS = (
    "foot",
    "calf",
    "hamstring",
    "quad",
    "it_band",
    "hip",
    "hip_flexor",
    "glute",
    "lower_back",
    "mid_back",
    "upper_back",
    "shoulder",
    "neck",
    "forearm",
    "chest",
)

SAFETY_LEVELS = ("caution", "refer", "emergency")
GOALS = ("desk_work", "running", "lifting", "general")


class Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


class Range(Strict):
    """An inclusive numeric range; min == max for a single figure."""

    min: float
    max: float

    @validator("max")
    def _ordered(cls, value: float, values: dict) -> float:
        if "min" in values and value < values["min"]:
            raise ValueError("max must be >= min")
        return value


class Entry(Strict):
    id: Identifier  # type: ignore[valid-type]
    sources: conlist(Text, min_items=1)  # type: ignore[valid-type]
    note: Optional[str] = None  # curator's note: conflicts between seeds, why a safe version


class Source(Strict):
    file: Text  # type: ignore[valid-type]
    title: Text  # type: ignore[valid-type]
    summary: Text  # type: ignore[valid-type]


class BodyArea(Entry):
    name: Text  # type: ignore[valid-type]
    aliases: List[Text] = []  # type: ignore[valid-type]
    description: Text  # type: ignore[valid-type]

    @validator("id")
    def _known_area(cls, value: str) -> str:
        if value not in BODY_AREA_IDS:
            raise ValueError(f"unknown body-area id {value!r}")
        return value


class Tool(Entry):
    name: Text  # type: ignore[valid-type]
    kind: Literal["ball", "double_ball", "roller", "stick", "handheld"]
    aliases: List[Text] = []  # type: ignore[valid-type]
    size: Text  # type: ignore[valid-type]  # as the seeds give it, e.g. '~2.5"'
    size_min_in: float
    size_max_in: float
    density: Literal["soft", "soft_medium", "medium", "medium_firm", "firm", "very_firm"]
    material: Text  # type: ignore[valid-type]
    texture: Literal["smooth", "textured", "spiky", "grooved"]
    best_for_areas: List[Identifier] = []  # type: ignore[valid-type]
    best_for: Text  # type: ignore[valid-type]
    good_to_know: Text  # type: ignore[valid-type]
    cautions: List[Text] = []  # type: ignore[valid-type]
    beginner_friendly: bool


class GuidanceOption(Entry):
    """One option of the seeds' 'how to choose' guidance (a size, a density...)."""

    dimension: Literal["size", "density", "material", "texture", "format"]
    name: Text  # type: ignore[valid-type]
    best_for: Text  # type: ignore[valid-type]
    pros: Text  # type: ignore[valid-type]
    cons: Text  # type: ignore[valid-type]
    tools: List[Identifier] = []  # type: ignore[valid-type]


class Preference(Entry):
    """A user preference the recommender understands (sensitive, beginner, ...)."""

    name: Text  # type: ignore[valid-type]
    aliases: List[Text] = []  # type: ignore[valid-type]
    prefer_tools: List[Identifier] = []  # type: ignore[valid-type]
    avoid_tools: List[Identifier] = []  # type: ignore[valid-type]
    reason: Text  # type: ignore[valid-type]


class Exercise(Entry):
    body_area: Identifier  # type: ignore[valid-type]
    name: Text  # type: ignore[valid-type]
    tool: Identifier  # type: ignore[valid-type]  # tool the seed describes
    also_with: List[Identifier] = []  # type: ignore[valid-type]  # other tools that work the same way
    steps: conlist(Text, min_items=1)  # type: ignore[valid-type]
    hold_seconds: Optional[Range] = None  # per tender spot
    roll_seconds: Optional[Range] = None  # rolling time per pass/direction
    total_seconds: Range  # time per side (or in total if not per_side) for routine budgets
    per_side: bool = True
    pressure: Text  # type: ignore[valid-type]
    more_pressure: List[Text] = []  # type: ignore[valid-type]
    less_pressure: List[Text] = []  # type: ignore[valid-type]
    cautions: List[Text] = []  # type: ignore[valid-type]
    goals: List[Literal["desk_work", "running", "lifting", "general"]] = []


class RoutineItem(Strict):
    exercise: Identifier  # type: ignore[valid-type]
    seconds: Range  # per side when the exercise is per_side
    note: Optional[Text] = None  # type: ignore[valid-type]


class Routine(Entry):
    name: Text  # type: ignore[valid-type]
    goals: conlist(Literal["desk_work", "running", "lifting", "general"], min_items=1)  # type: ignore[valid-type]
    minutes: Range
    best_for: Text  # type: ignore[valid-type]
    equipment: Text  # type: ignore[valid-type]
    items: conlist(RoutineItem, min_items=1)  # type: ignore[valid-type]
    finish: Text  # type: ignore[valid-type]


class DosingFigure(Entry):
    topic: Literal[
        "frequency",
        "time_per_muscle_group",
        "session_length",
        "hold_time",
        "roll_time",
        "pressure",
        "pre_workout",
        "post_workout",
        "rest_day",
        "daily_foot_work",
    ]
    value: Range
    unit: Literal["days_per_week", "minutes", "seconds", "pain_scale_0_10", "times_per_day"]
    summary: Text  # type: ignore[valid-type]
    default: bool = False  # the figure the bot uses when seeds disagree


class SafetyRule(Entry):
    level: Literal["caution", "refer", "emergency"]
    kind: Literal["contraindication", "warning_sign", "emergency_sign", "technique"]
    name: Text  # type: ignore[valid-type]
    description: Text  # type: ignore[valid-type]
    advice: Text  # type: ignore[valid-type]
    see: Optional[Text] = None  # type: ignore[valid-type]  # whom to see


class ScreeningQuestion(Entry):
    slot: Identifier  # type: ignore[valid-type]
    order: int
    question: Text  # type: ignore[valid-type]  # short yes/no question
    why: Text  # type: ignore[valid-type]  # answer to "why do you ask?"
    covers: conlist(Identifier, min_items=1)  # type: ignore[valid-type]  # safety rule ids
    yes_level: Literal["caution", "refer", "emergency"]
    partial_level: Literal["caution", "refer", "emergency"]  # "a bit", "not sure"
    area_specific: bool  # asked again for each newly mentioned area


class Concept(Strict):
    """A group of interchangeable words for the red-flag detector."""

    id: Identifier  # type: ignore[valid-type]
    terms: conlist(Text, min_items=1)  # type: ignore[valid-type]


class RedFlagPattern(Entry):
    """A deterministic red-flag trigger: any phrase, or all concepts in one sentence."""

    rule: Identifier  # type: ignore[valid-type]  # safety rule id it raises
    phrases: List[Text] = []  # type: ignore[valid-type]
    all_of: List[Identifier] = []  # type: ignore[valid-type]  # concept ids

    @validator("all_of", always=True)
    def _has_trigger(cls, value: list, values: dict) -> list:
        if not value and not values.get("phrases"):
            raise ValueError("needs phrases or all_of")
        return value


class Condition(Entry):
    name: Text  # type: ignore[valid-type]
    aliases: List[Text] = []  # type: ignore[valid-type]
    body_areas: List[Identifier] = []  # type: ignore[valid-type]
    description: Text  # type: ignore[valid-type]
    safety_rule: Optional[Identifier] = None  # type: ignore[valid-type]  # raised when mentioned


class Goal(Entry):
    name: Text  # type: ignore[valid-type]
    aliases: List[Text] = []  # type: ignore[valid-type]


class CareTip(Entry):
    topic: Literal["cleaning", "heat", "travel", "replace", "cold", "storage"]
    text: Text  # type: ignore[valid-type]


class Fact(Entry):
    topic: Literal[
        "what_is",
        "how_it_works",
        "benefits",
        "referred_pain",
        "back_pain_causes",
        "evidence",
        "evidence_limits",
        "when_to_do",
        "combining_care",
        "not_a_clinician",
    ]
    title: Text  # type: ignore[valid-type]
    text: Text  # type: ignore[valid-type]


#: file name (under knowledge/content/) -> (top-level key, entry model)
CONTENT_FILES = {
    "sources.yml": ("sources", Source),
    "body_areas.yml": ("body_areas", BodyArea),
    "tools.yml": ("tools", Tool),
    "ball_guidance.yml": ("guidance", GuidanceOption),
    "preferences.yml": ("preferences", Preference),
    "conditions.yml": ("conditions", Condition),
    "goals.yml": ("goals", Goal),
    "routines.yml": ("routines", Routine),
    "dosing.yml": ("dosing", DosingFigure),
    "safety.yml": ("safety_rules", SafetyRule),
    "screening.yml": ("questions", ScreeningQuestion),
    "red_flags.yml": ("patterns", RedFlagPattern),
    "care.yml": ("care", CareTip),
    "facts.yml": ("facts", Fact),
}
#: every *.yml under exercises/ holds a list under this key
EXERCISES_DIR = ("exercises", "exercises", Exercise)
#: red_flags.yml also holds concept groups under this key
CONCEPTS_KEY = ("concepts", Concept)
