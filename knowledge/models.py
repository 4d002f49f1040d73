"""SQLAlchemy models of the knowledge store.

The YAML under knowledge/content/ is the source of truth; these tables are its queryable
copy, rebuilt by `python -m knowledge.build`. Ordered lists (steps, routine items) keep an
explicit `position`. Every entry's seed files live in `entry_sources`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import registry, relationship
from sqlalchemy.orm.decl_api import DeclarativeMeta

mapper_registry = registry()


class Base(metaclass=DeclarativeMeta):
    """Declarative base spelled out so type checkers understand it (SQLAlchemy 1.4)."""

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor


ID = String(64)


class BuildInfo(Base):
    __tablename__ = "build_info"
    key = Column(String(64), primary_key=True)
    value = Column(Text, nullable=False)


class Source(Base):
    __tablename__ = "sources"
    file = Column(String(128), primary_key=True)
    title = Column(Text, nullable=False)
    summary = Column(Text, nullable=False)


class EntrySource(Base):
    """Which seed file(s) an entry of any kind was curated from."""

    __tablename__ = "entry_sources"
    kind = Column(String(32), primary_key=True)
    entry_id = Column(ID, primary_key=True)
    source_file = Column(String(128), ForeignKey("sources.file"), primary_key=True)


class Guideline(Base):
    """A published clinical framework that safety rules beyond the seeds cite."""

    __tablename__ = "guidelines"
    id = Column(ID, primary_key=True)
    title = Column(Text, nullable=False)
    publisher = Column(Text, nullable=False)
    year = Column(Integer, nullable=False)
    citation = Column(Text, nullable=False)
    summary = Column(Text, nullable=False)


class EntryGuideline(Base):
    """Which guideline(s) an entry of any kind comes from."""

    __tablename__ = "entry_guidelines"
    kind = Column(String(32), primary_key=True)
    entry_id = Column(ID, primary_key=True)
    guideline_id = Column(ID, ForeignKey("guidelines.id"), primary_key=True)


class EntryEstimate(Base):
    """A field of an entry whose value is the project's own estimate, not a source's figure."""

    __tablename__ = "entry_estimates"
    kind = Column(String(32), primary_key=True)
    entry_id = Column(ID, primary_key=True)
    field = Column(String(64), primary_key=True)


class Alias(Base):
    """A phrase people use for a canonical value (body area, tool, condition...)."""

    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("kind", "alias"),)
    id = Column(Integer, primary_key=True, autoincrement=True)
    kind = Column(String(32), nullable=False, index=True)
    alias = Column(String(128), nullable=False)
    target_id = Column(ID, nullable=False)


class BodyArea(Base):
    __tablename__ = "body_areas"
    id = Column(ID, primary_key=True)
    name = Column(Text, nullable=False)
    description = Column(Text, nullable=False)
    note = Column(Text)


class Tool(Base):
    __tablename__ = "tools"
    id = Column(ID, primary_key=True)
    name = Column(Text, nullable=False)
    kind = Column(String(32), nullable=False)
    size = Column(Text, nullable=False)
    size_min_in = Column(Float, nullable=False)
    size_max_in = Column(Float, nullable=False)
    density = Column(String(32), nullable=False)
    material = Column(Text, nullable=False)
    texture = Column(String(32), nullable=False)
    best_for = Column(Text, nullable=False)
    good_to_know = Column(Text, nullable=False)
    beginner_friendly = Column(Boolean, nullable=False)
    note = Column(Text)


class ToolArea(Base):
    __tablename__ = "tool_best_for_areas"
    tool_id = Column(ID, ForeignKey("tools.id"), primary_key=True)
    body_area_id = Column(ID, ForeignKey("body_areas.id"), primary_key=True)
    position = Column(Integer, nullable=False)


class ToolCaution(Base):
    __tablename__ = "tool_cautions"
    tool_id = Column(ID, ForeignKey("tools.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)


class GuidanceOption(Base):
    __tablename__ = "guidance_options"
    id = Column(ID, primary_key=True)
    dimension = Column(String(32), nullable=False)
    name = Column(Text, nullable=False)
    best_for = Column(Text, nullable=False)
    pros = Column(Text, nullable=False)
    cons = Column(Text, nullable=False)
    tools = Column(Text, nullable=False)  # space-separated tool ids, in order
    note = Column(Text)


class Preference(Base):
    __tablename__ = "preferences"
    id = Column(ID, primary_key=True)
    name = Column(Text, nullable=False)
    reason = Column(Text, nullable=False)
    note = Column(Text)


class PreferenceTool(Base):
    __tablename__ = "preference_tools"
    preference_id = Column(ID, ForeignKey("preferences.id"), primary_key=True)
    tool_id = Column(ID, ForeignKey("tools.id"), primary_key=True)
    stance = Column(String(8), nullable=False)  # prefer | avoid
    position = Column(Integer, nullable=False)


class Condition(Base):
    __tablename__ = "conditions"
    id = Column(ID, primary_key=True)
    name = Column(Text, nullable=False)
    description = Column(Text, nullable=False)
    safety_rule_id = Column(ID, ForeignKey("safety_rules.id"))
    note = Column(Text)


class ConditionArea(Base):
    __tablename__ = "condition_areas"
    condition_id = Column(ID, ForeignKey("conditions.id"), primary_key=True)
    body_area_id = Column(ID, ForeignKey("body_areas.id"), primary_key=True)
    position = Column(Integer, nullable=False)


class Topic(Base):
    __tablename__ = "topics"
    id = Column(ID, primary_key=True)
    kind = Column(String(16), nullable=False)
    name = Column(Text, nullable=False)
    note = Column(Text)


class Feeling(Base):
    __tablename__ = "feelings"
    id = Column(ID, primary_key=True)
    name = Column(Text, nullable=False)
    safety_rule_id = Column(ID, ForeignKey("safety_rules.id"))
    note = Column(Text)


class Goal(Base):
    __tablename__ = "goals"
    id = Column(ID, primary_key=True)
    name = Column(Text, nullable=False)
    note = Column(Text)


class Exercise(Base):
    __tablename__ = "exercises"
    id = Column(ID, primary_key=True)
    body_area_id = Column(ID, ForeignKey("body_areas.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)  # order within its area, as curated
    name = Column(Text, nullable=False)
    tool_id = Column(ID, ForeignKey("tools.id"), nullable=False)
    hold_min = Column(Float)
    hold_max = Column(Float)
    roll_min = Column(Float)
    roll_max = Column(Float)
    total_min = Column(Float, nullable=False)
    total_max = Column(Float, nullable=False)
    per_side = Column(Boolean, nullable=False)
    pressure = Column(Text, nullable=False)
    note = Column(Text)
    steps = relationship("ExerciseStep", order_by="ExerciseStep.position", cascade="all, delete-orphan")
    notes = relationship("ExerciseNote", order_by="ExerciseNote.position", cascade="all, delete-orphan")
    tools = relationship("ExerciseTool", order_by="ExerciseTool.position", cascade="all, delete-orphan")
    goals = relationship("ExerciseGoal", cascade="all, delete-orphan")


class ExerciseStep(Base):
    __tablename__ = "exercise_steps"
    exercise_id = Column(ID, ForeignKey("exercises.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)


class ExerciseNote(Base):
    """A more-pressure or less-pressure variation, or a caution, in order."""

    __tablename__ = "exercise_notes"
    exercise_id = Column(ID, ForeignKey("exercises.id"), primary_key=True)
    kind = Column(String(16), primary_key=True)  # more_pressure | less_pressure | caution
    position = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)


class ExerciseTool(Base):
    """Tools an exercise works with; position 0 is the tool the seed describes."""

    __tablename__ = "exercise_tools"
    exercise_id = Column(ID, ForeignKey("exercises.id"), primary_key=True)
    tool_id = Column(ID, ForeignKey("tools.id"), primary_key=True)
    position = Column(Integer, nullable=False)


class ExerciseGoal(Base):
    __tablename__ = "exercise_goals"
    exercise_id = Column(ID, ForeignKey("exercises.id"), primary_key=True)
    goal_id = Column(ID, ForeignKey("goals.id"), primary_key=True)


class Routine(Base):
    __tablename__ = "routines"
    id = Column(ID, primary_key=True)
    name = Column(Text, nullable=False)
    minutes_min = Column(Float, nullable=False)
    minutes_max = Column(Float, nullable=False)
    best_for = Column(Text, nullable=False)
    equipment = Column(Text, nullable=False)
    finish = Column(Text, nullable=False)
    note = Column(Text)
    items = relationship("RoutineItem", order_by="RoutineItem.position", cascade="all, delete-orphan")
    goals = relationship("RoutineGoal", cascade="all, delete-orphan")


class RoutineGoal(Base):
    __tablename__ = "routine_goals"
    routine_id = Column(ID, ForeignKey("routines.id"), primary_key=True)
    goal_id = Column(ID, ForeignKey("goals.id"), primary_key=True)


class RoutineItem(Base):
    __tablename__ = "routine_items"
    routine_id = Column(ID, ForeignKey("routines.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    exercise_id = Column(ID, ForeignKey("exercises.id"), nullable=False)
    seconds_min = Column(Float, nullable=False)
    seconds_max = Column(Float, nullable=False)
    note = Column(Text)


class DosingFigure(Base):
    __tablename__ = "dosing_figures"
    id = Column(ID, primary_key=True)
    topic = Column(String(32), nullable=False, index=True)
    value_min = Column(Float)  # null: the source gives no number
    value_max = Column(Float)
    unit = Column(String(32), nullable=False)
    summary = Column(Text, nullable=False)
    is_default = Column(Boolean, nullable=False)
    note = Column(Text)


class SafetyRule(Base):
    __tablename__ = "safety_rules"
    id = Column(ID, primary_key=True)
    level = Column(String(16), nullable=False)
    kind = Column(String(32), nullable=False)
    name = Column(Text, nullable=False)
    description = Column(Text, nullable=False)
    advice = Column(Text, nullable=False)
    see = Column(Text)
    recent_only = Column(Boolean, nullable=False, default=False)
    note = Column(Text)


class ChecklistItem(Base):
    __tablename__ = "checklist_items"
    id = Column(ID, primary_key=True)
    position = Column(Integer, nullable=False)
    label = Column(Text, nullable=False)
    text = Column(Text, nullable=False)
    why = Column(Text, nullable=False)
    covers = Column(Text, nullable=False)  # space-separated safety rule ids
    level = Column(String(16), nullable=False)
    scope = Column(String(16), nullable=False)
    areas = Column(Text, nullable=False)  # space-separated body-area ids ("" = every area)
    note = Column(Text)


class ChecklistWording(Base):
    """The words around the checklist items: one row per key of screening.yml `checklist`."""

    __tablename__ = "checklist_wording"
    key = Column(String(32), primary_key=True)
    text = Column(Text, nullable=False)


class RedFlagTerm(Base):
    """One term of a red-flag concept (a group of interchangeable words)."""

    __tablename__ = "red_flag_terms"
    concept_id = Column(ID, primary_key=True)
    position = Column(Integer, primary_key=True)
    term = Column(Text, nullable=False)


class RedFlagPattern(Base):
    __tablename__ = "red_flag_patterns"
    id = Column(ID, primary_key=True)
    rule_id = Column(ID, ForeignKey("safety_rules.id"), nullable=False)
    all_of = Column(Text, nullable=False)  # space-separated concept ids ("" if none)
    recent_only = Column(Boolean, nullable=False, default=False)
    within = Column(Integer)  # all_of concepts within this many words (null: anywhere)
    note = Column(Text)


class RedFlagPhrase(Base):
    __tablename__ = "red_flag_phrases"
    pattern_id = Column(ID, ForeignKey("red_flag_patterns.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    phrase = Column(Text, nullable=False)


class CareTip(Base):
    __tablename__ = "care_tips"
    id = Column(ID, primary_key=True)
    topic = Column(String(32), nullable=False)
    text = Column(Text, nullable=False)
    note = Column(Text)


class Fact(Base):
    __tablename__ = "facts"
    id = Column(ID, primary_key=True)
    topic = Column(String(32), nullable=False, index=True)
    title = Column(Text, nullable=False)
    text = Column(Text, nullable=False)
    note = Column(Text)
