"""Schema of the curated knowledge YAML (knowledge/content/).

The YAML files are the source of truth, reviewed like code. These pydantic models are
what "valid content" means: the build refuses anything else, naming the file and entry.
Every entry carries `sources`: the seed file(s) it was curated from.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Dict, List, Literal, Optional, Tuple, get_args

from pydantic import BaseModel, ConstrainedFloat, ConstrainedInt, ConstrainedStr, Extra, Field, errors, root_validator, validator


# Constrained strings as classes, not `constr(...)` calls: a type checker reads a class as a
# type, and pydantic 1.10 applies its constraints inside List and Optional too, where an
# `Annotated[str, Field(...)]` item would silently lose them (only a field's outer Annotated
# is read). The entries' lists are tuples (`Texts`, `Ids`): the repository hands the models
# themselves to every request, so nothing in them can change; pydantic does not enforce
# `min_items` on a tuple, so a tuple that must not be empty says so with `_non_empty`. The body
# figure's nested point lists stay `Annotated[List[...], Field(min_items=...)]`.
class Identifier(ConstrainedStr):
    """A lower snake_case id."""

    regex = re.compile(r"^[a-z][a-z0-9_]*$")
    min_length = 2
    max_length = 64


class Text(ConstrainedStr):
    """Words people read. Strict: a YAML `off` or `no` (a boolean) is refused, not read as "False"."""

    strip_whitespace = True
    min_length = 2
    strict = True


class ButtonLabel(ConstrainedStr):
    """A checklist button's label: short."""

    strip_whitespace = True
    min_length = 2
    max_length = 32


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
FEELING_IDS = ("better", "same", "worse")
GoalId = Literal["desk_work", "running", "lifting", "general"]
Certainty = Literal["certain", "possible"]
Texts = Tuple[Text, ...]
Ids = Tuple[Identifier, ...]


def _one_of(field: str, known: Tuple[str, ...], what: str) -> Any:
    """A validator of `field` that names the known ids when a value is not one of them."""

    def check(cls: type, value: str) -> str:
        if value not in known:
            raise ValueError(f"unknown {what} id {value!r} (one of {', '.join(known)})")
        return value

    return validator(field, allow_reuse=True)(check)


def _non_empty(*fields: str) -> Any:
    """A validator refusing an empty tuple in `fields`, with pydantic's own message for lists."""

    def check(cls: type, value: tuple) -> tuple:
        if not value:
            raise errors.ListMinLengthError(limit_value=1)
        return value

    return validator(*fields, allow_reuse=True)(check)


class Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True
        frozen = True  # loaded once per process and handed to every request: read-only


class Range(Strict):
    """An inclusive numeric range; min == max for a single figure."""

    min: float
    max: float

    @validator("max")
    def _ordered(cls, value: float, values: dict) -> float:
        if "min" in values and value < values["min"]:
            raise ValueError("max must be >= min")
        return value

    def describe(self, unit: str = "s", per: float = 1) -> str:
        """Like "15-30s", or "30s" when min == max; with `per` 60, seconds are given in minutes."""
        low, high = _num(self.min / per), _num(self.max / per)
        return f"{low}{unit}" if low == high else f"{low}-{high}{unit}"

    def capped(self, top: float) -> Range:
        """The range held to at most `top`."""
        return Range(min=min(self.min, top), max=min(self.max, top))


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


#: a curator's note saying the entry goes beyond the seed articles
NOT_FROM_SEED = re.compile(r"not (?:from|in) (?:the|a|any) seed", re.I)


class Entry(Strict):
    id: Identifier
    sources: Texts = ()  # seed files (sources.yml `seeds`)
    guidelines: Ids = ()  # clinical guidelines (sources.yml `guidelines`)
    #: fields whose values are the project's own estimate, not a figure from a source
    estimates: Ids = ()
    note: Optional[str] = None  # curator's note: conflicts between seeds, why a safe version

    @validator("guidelines", always=True)
    def _cited(cls, value: tuple, values: dict) -> tuple:
        if not value and not values.get("sources"):
            raise ValueError("needs `sources` (seed files) or `guidelines`")
        return value

    @validator("estimates", each_item=True)
    def _estimated_field(cls, value: str) -> str:
        if value not in cls.__fields__ or value in {"id", "sources", "guidelines", "estimates", "note"}:
            raise ValueError(f"estimates names '{value}', which is not a content field of this entry")
        return value

    @root_validator(skip_on_failure=True)
    def _not_from_seed_needs_a_guideline(cls, values: dict) -> dict:
        if NOT_FROM_SEED.search(values.get("note") or "") and not values.get("guidelines"):
            raise ValueError("the note says this is not from a seed, so it must cite `guidelines`, not only seeds")
        return values


class Source(Strict):
    """A seed article (the five files in ../shared/seeds/)."""

    file: Text
    title: Text
    summary: Text


class Guideline(Strict):
    """A published clinical framework that safety rules beyond the seeds come from."""

    id: Identifier
    title: Text
    publisher: Text
    year: int
    citation: Text  # how to find it (authors, journal or URL)
    summary: Text  # what the project takes from it


class Named(Entry):
    """An entry people name: its aliases (and for some kinds its id) feed an NLU entity."""

    name: Text
    aliases: Texts = ()


class BodyArea(Named):
    description: Text

    _known_area = _one_of("id", BODY_AREA_IDS, "body-area")

    @property
    def short_name(self) -> str:
        """The name without its gloss: "Hip flexor (psoas)" -> "Hip flexor"."""
        return self.name.split(" (")[0]


class Tool(Named):
    kind: Literal["ball", "double_ball", "roller", "stick", "handheld"]
    size: Text  # as the seeds give it, e.g. '~2.5"'
    size_min_in: float
    size_max_in: float
    density: Literal["soft", "soft_medium", "medium", "medium_firm", "firm", "very_firm"]
    material: Text
    texture: Literal["smooth", "textured", "spiky", "grooved"]
    best_for_areas: Ids = ()
    best_for: Text
    good_to_know: Text
    cautions: Texts = ()
    beginner_friendly: bool


class GuidanceOption(Entry):
    """One option of the seeds' 'how to choose' guidance (a size, a density...)."""

    dimension: Literal["size", "density", "material", "texture", "format"]
    name: Text
    best_for: Text
    pros: Text
    cons: Text
    tools: Ids = ()


class Preference(Named):
    """A user preference the recommender understands (sensitive, beginner, ...)."""

    prefer_tools: Ids = ()
    avoid_tools: Ids = ()
    reason: Text


class Exercise(Entry):
    body_area: Identifier
    name: Text
    tool: Identifier  # tool the seed describes
    also_with: Ids = ()  # other tools that work the same way
    steps: Texts
    hold_seconds: Optional[Range] = None  # per tender spot
    roll_seconds: Optional[Range] = None  # rolling time per pass/direction
    total_seconds: Range  # time per side (or in total if not per_side) for routine budgets
    per_side: bool = True
    pressure: Text
    more_pressure: Texts = ()
    less_pressure: Texts = ()
    cautions: Texts = ()
    goals: Tuple[GoalId, ...] = ()

    _has_steps = _non_empty("steps")

    @property
    def tools(self) -> Tuple[str, ...]:
        """Every tool it works with, the seed's first."""
        return tuple(dict.fromkeys([self.tool, *self.also_with]))


class RoutineItem(Strict):
    exercise: Identifier
    seconds: Range  # per side when the exercise is per_side
    note: Optional[Text] = None


class Routine(Entry):
    name: Text
    goals: Tuple[GoalId, ...]
    minutes: Range
    best_for: Text
    equipment: Text
    items: Tuple[RoutineItem, ...]
    finish: Text

    _has_goals_and_items = _non_empty("goals", "items")


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
    #: the figure; None when the source gives no number (then only `summary` says it)
    value: Optional[Range] = None
    unit: Literal["days_per_week", "minutes", "seconds", "pain_scale_0_10", "times_per_day"]
    summary: Text
    default: bool = False  # the figure the bot uses when seeds disagree


#: how serious a safety rule is: carry on gently < see a clinician first < see a GP or urgent
#: care today < call the emergency number now
LEVEL = Literal["caution", "refer", "urgent", "emergency"]


class SafetyRule(Entry):
    level: LEVEL
    kind: Literal["contraindication", "warning_sign", "emergency_sign", "technique"]
    name: Text
    description: Text
    advice: Text
    see: Optional[Text] = None  # whom to see
    #: about recent events only (surgery, injury, injection, childbirth): every sign of this
    #: rule stops counting when its sentence dates it long ago ("15 years ago", "as a kid")
    recent_only: bool = False
    #: the yes/no question that confirms a possible sign of this rule (flag_check), after the
    #: person's own words are quoted: "Is this happening to you now?"
    confirm: Optional[Text] = None
    #: a sign to stop and get checked that can show up while rolling: listed, by its name and
    #: description, when someone asks "which warning signs mean I should stop?" (kind warning_signs)
    stop_sign: bool = False


class ChecklistItem(Entry):
    """One line of the one-step safety checklist shown before hands-on advice."""

    label: ButtonLabel  # its button
    text: Text  # the line itself, in plain words
    why: Text  # answer to "why do you ask?"
    covers: Ids  # safety rule ids; the first is the reason given
    level: LEVEL  # what "this one applies" leads to
    #: general: asked once per screening; area: asked again for each newly named area
    scope: Literal["general", "area"]
    areas: Ids = ()  # shown only when one of these areas is in focus (empty: always)

    _covers_a_rule = _non_empty("covers")

    def applies_to(self, areas: Tuple[str, ...]) -> bool:
        """Shown for these areas in focus (an item limited to some areas needs one of them)."""
        return not self.areas or any(area in self.areas for area in areas)


class ChecklistWording(Strict):
    """The words around the checklist items (screening.yml `checklist`)."""

    title: Text
    intro: Text
    area_intro: Text  # for a newly named area: "For your {areas}, a quick check:"
    question: Text
    none_button: Text
    yes_button: Text
    why_button: Text
    which_question: Text
    not_sure_button: Text
    why_intro: Text
    unclear: Text  # "Sorry, is that a yes or a no?"
    unsure: Text  # a typed hedge ("hmm, maybe?") to "does any apply?": neither a yes nor a no, so asked plainly
    unsure_rule: Identifier  # safety rule for "not sure which one"
    more_question: Text  # after one item: "Anything else on the list?"
    done_button: Text  # "That's all"
    #: the targeted question about a possible sign (flag_check): the person's own words, then the rule's question
    flag_intro: Text  # "You mentioned {quote}."
    flag_intro_general: Text  # when no words can be quoted
    flag_if_emergency: Text  # a possible emergency: "If this is happening to you now: {advice}"
    #: a message in a language the coach does not read: its safety rule, the emergency signs
    #: ("Sorry, I can only read English... {advice}") and the words before its question
    unread_rule: Identifier
    flag_if_unread: Text
    flag_intro_unread: Text
    flag_yes_button: Text
    flag_no_button: Text
    flag_unsure_button: Text
    flag_unclear: Text


class ConceptCategory(Strict):
    """One category of a concept written from a taxonomy, with its members."""

    name: Text
    terms: Texts

    _has_terms = _non_empty("terms")


class Concept(Strict):
    """A group of interchangeable words for the red-flag detector.

    Either `terms`, or `categories` named from a published taxonomy (`source`), each with its
    members: then `terms` is every category's members. A term may hold `#` for any number
    ("# weeks ago"). A `computed` concept is read by code instead of words (the ages people give)."""

    id: Identifier
    source: Optional[Text] = None  # the taxonomy the categories come from
    computed: Optional[Literal["age_50_plus", "age_70_plus"]] = None
    categories: Tuple[ConceptCategory, ...] = ()
    terms: Texts = ()

    @validator("terms", always=True)
    def _terms_or_categories(cls, value: tuple, values: dict) -> tuple:
        members = tuple(term for category in values.get("categories") or () for term in category.terms)
        if value and members:
            raise ValueError("give terms or categories, not both")
        if not value and not members and not values.get("computed"):
            raise ValueError("needs terms, categories or computed")
        return value or members


class RedFlagPattern(Entry):
    """A deterministic red-flag trigger: any phrase, or all concepts in one sentence."""

    rule: Identifier  # safety rule id it raises
    phrases: Texts = ()
    all_of: Ids = ()  # concept ids
    #: the sign only counts when recent ("years ago" or "as a child" in its sentence cancels it);
    #: always true when the rule itself is recent_only
    recent_only: bool = False
    #: for all_of: the concepts must occur within this many words of each other (None: anywhere)
    within: Optional[int] = None
    #: certain: a match is a stated sign; possible: a match is asked about first (flag_check)
    certainty: Certainty = "certain"
    #: a medicine: stopped long ago it does not count, stopped lately it is asked about
    stoppable: bool = False
    #: concepts that, said in the same message, mean the pattern does not apply ("the same old back for years")
    unless: Ids = ()
    #: all_of concepts that count however long ago they were and though they cleared up (a past cancer
    #: with a new back pain); a concept listed here is used by no other pattern
    past_counts: Ids = ()

    @validator("all_of", always=True)
    def _has_trigger(cls, value: tuple, values: dict) -> tuple:
        if not value and not values.get("phrases"):
            raise ValueError("needs phrases or all_of")
        return value


class Condition(Named):
    body_areas: Ids = ()
    description: Text
    safety_rule: Optional[Identifier] = None  # raised when mentioned


class Goal(Named):
    """What someone rolls for (desk work, running, lifting, general)."""


class Feeling(Named):
    """How a session felt afterwards (better / same / worse); its aliases feed the NLU `feeling` entity."""

    safety_rule: Optional[Identifier] = None  # raised for the area when reported

    _known_feeling = _one_of("id", FEELING_IDS, "feeling")


class Topic(Named):
    """What a fact or a care tip is about; its aliases feed the NLU `topic` entity."""

    kind: Literal["fact", "care"]


class CareTip(Entry):
    topic: Identifier  # a topics.yml id of kind care
    text: Text


class Fact(Entry):
    topic: Identifier  # a topics.yml id of kind fact
    title: Text
    text: Text


#: file name (under knowledge/content/) -> (top-level key, entry model)
class AtcCode(ConstrainedStr):
    """An ATC group ("B01A", "H02AB", "L04")."""

    regex = re.compile(r"^[A-Z][0-9]{2}[A-Z]{0,2}$")


class MedicineClass(Strict):
    """A class of medicines that changes the screening (medicines.yml `classes`)."""

    id: Identifier
    atc: AtcCode  # its ATC group
    name: Text  # how the bot names it ("blood thinner")
    rule: Identifier  # the safety rule it raises
    certainty: Certainty


class Medicine(Strict):
    """A generic medicine of a class (medicines.yml `medicines`)."""

    generic: Identifier
    class_: Identifier = Field(alias="class")
    #: the drug dictionary's entries that are this generic, when more than the generic itself
    names: Texts = ()
    extra_names: Texts = ()  # names the dictionary lacks
    certainty: Optional[Certainty] = None  # overrides the class's


CONTENT_FILES = {
    "sources.yml": ("seeds", Source),
    "body_areas.yml": ("body_areas", BodyArea),
    "tools.yml": ("tools", Tool),
    "ball_guidance.yml": ("guidance", GuidanceOption),
    "preferences.yml": ("preferences", Preference),
    "conditions.yml": ("conditions", Condition),
    "goals.yml": ("goals", Goal),
    "topics.yml": ("topics", Topic),
    "feelings.yml": ("feelings", Feeling),
    "routines.yml": ("routines", Routine),
    "dosing.yml": ("dosing", DosingFigure),
    "safety.yml": ("safety_rules", SafetyRule),
    "screening.yml": ("items", ChecklistItem),
    "red_flags.yml": ("patterns", RedFlagPattern),
    "care.yml": ("care", CareTip),
    "facts.yml": ("facts", Fact),
}
#: every *.yml under exercises/ holds a list under this key
EXERCISES_DIR = ("exercises", "exercises", Exercise)
#: red_flags.yml also holds concept groups under this key
CONCEPTS_KEY = ("concepts", Concept)
#: sources.yml also holds the clinical guidelines under this key
GUIDELINES_KEY = ("guidelines", Guideline)
#: screening.yml also holds the checklist wording (one mapping) under this key
CHECKLIST_KEY = ("checklist", ChecklistWording)
#: medicines.yml: medicine classes and generics (they feed the red-flag detector at training time)
MEDICINES_FILE = "medicines.yml"
MEDICINE_KEYS = (("classes", MedicineClass), ("medicines", Medicine))


# --- The body figure and the placement pictures (body_figure.yml, placements.yml) ---------------


class Unit(ConstrainedFloat):
    """A coordinate of the figure's unit system: 0 (left, top) to 1 (right, bottom)."""

    ge = 0.0
    le = 1.0
    strict = False


ViewId = Literal["front", "back"]
PostureId = Literal[
    "lying_face_up",
    "lying_face_down",
    "lying_on_side",
    "sitting_floor",
    "sitting_chair",
    "standing_back_to_wall",
    "standing_facing_wall",
    "standing",
]
VIEW_IDS: Tuple[str, ...] = get_args(ViewId)
POSTURE_IDS: Tuple[str, ...] = get_args(PostureId)
Point2 = Tuple[Unit, Unit]


class StepNumber(ConstrainedInt):
    """A step of an exercise, counted from 1."""

    ge = 1


class Shape(Strict):
    """A polygon (`points`, at least 3) or an ellipse (`ellipse`: centre x, centre y, radius x, radius y)."""

    points: Optional[Annotated[List[Point2], Field(min_items=3)]] = None
    ellipse: Optional[Tuple[Unit, Unit, Unit, Unit]] = None

    @root_validator(skip_on_failure=True)
    def _one_kind(cls, values: dict) -> dict:
        if (values.get("points") is None) == (values.get("ellipse") is None):
            raise ValueError("a shape is either `points` or `ellipse`")
        return values


class FigureView(Strict):
    id: ViewId
    label: Text
    silhouette: Annotated[List[Shape], Field(min_items=1)]


class Zone(Strict):
    """A body area on the figure; zones are numbered in file order."""

    area: Identifier
    view: ViewId
    label_at: Point2  # where its number is drawn
    shapes: Annotated[List[Shape], Field(min_items=1)]

    _known_area = _one_of("area", BODY_AREA_IDS, "body-area")


class Posture(Strict):
    """A stick-figure pictogram: head circle (x, y, radius), body polylines, prop polylines."""

    label: Text
    head: Tuple[Unit, Unit, Unit]
    body: Annotated[List[Annotated[List[Point2], Field(min_items=2)]], Field(min_items=1)]
    props: List[Annotated[List[Point2], Field(min_items=2)]] = []


class BodyFigure(Strict):
    """body_figure.yml: the views, one zone per body area, the posture pictograms."""

    aspect: float = Field(gt=0)  # a view's height over its width
    views: Annotated[List[FigureView], Field(min_items=2, max_items=2)]
    zones: List[Zone]
    postures: Dict[PostureId, Posture]

    @validator("views")
    def _both_views(cls, value: List[FigureView]) -> List[FigureView]:
        if sorted(v.id for v in value) != sorted(VIEW_IDS):
            raise ValueError("needs exactly the views front and back")
        return value

    @validator("zones")
    def _one_zone_per_area(cls, value: List[Zone]) -> List[Zone]:
        areas = [z.area for z in value]
        duplicates = sorted({a for a in areas if areas.count(a) > 1})
        if duplicates:
            raise ValueError(f"areas with more than one zone: {duplicates}")
        missing = sorted(set(BODY_AREA_IDS) - set(areas))
        if missing:
            raise ValueError(f"areas without a zone: {missing}")
        return value

    @validator("postures")
    def _every_posture(cls, value: dict) -> dict:
        missing = sorted(set(POSTURE_IDS) - set(value))
        if missing:
            raise ValueError(f"postures without a pictogram: {missing}")
        return value


class Arrow(Strict):
    at: Point2
    direction: Literal["up_down", "left_right", "circles", "up", "down", "left", "right"]


class Placement(Strict):
    """placements.yml: where the tool goes for one exercise, and how the body moves."""

    exercise: Identifier
    view: ViewId
    posture: PostureId
    tool: Literal["ball", "double_ball", "roller", "stick"] = "ball"
    spots: Annotated[List[Point2], Field(min_items=1)]
    arrows: List[Arrow] = []  # none: hold still
    position_steps: Annotated[List[StepNumber], Field(min_items=1)] = [StepNumber(1)]


FIGURE_FILE = "body_figure.yml"
PLACEMENTS_FILE = ("placements.yml", "placements", Placement)
