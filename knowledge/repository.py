"""Every query the assistant makes of the knowledge store, in one class.

No SQL lives outside this module. The repository is created with an engine (or from the
environment with `from_env`) and opens a short session per call, so it is safe to share
between concurrent action requests.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from knowledge import models as m
from knowledge.db import DEFAULT_URL, database_url, shared_engine
from knowledge.views import (
    AreaView,
    ChecklistItemView,
    ChecklistView,
    Citations,
    ConditionView,
    DosingView,
    ExerciseView,
    GuidanceView,
    GuidelineView,
    PreferenceView,
    RedFlagPatternView,
    RedFlagVocabulary,
    RoutineItemView,
    RoutineView,
    SafetyRuleView,
    SourceView,
    Span,
    TextView,
    ToolView,
)

#: alias kinds, named after the NLU entity they feed
ENTITY_KINDS = ("body_area", "tool", "condition", "goal", "preference", "topic", "feeling")


def _span(low: Optional[float], high: Optional[float]) -> Optional[Span]:
    return None if low is None or high is None else Span(low, high)


class KnowledgeRepository:
    """Read-only queries over the knowledge DB."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def from_env(cls) -> KnowledgeRepository:
        """Repository on `$DATABASE_URL` (or the SQLite default), engine shared per URL.

        The embedded default (var/knowledge.db) is built, or rebuilt when the content changed,
        on first use: `rasa train`, `rasa run actions` and `rasa shell` work from a fresh
        checkout. A configured DATABASE_URL is never written here (`python -m knowledge.build`).
        """
        url = database_url()
        engine = shared_engine(url)
        if url == DEFAULT_URL:
            from knowledge.build import build

            build(engine)  # idempotent: a fingerprint check when nothing changed
        return cls(engine)

    def _session(self) -> Session:
        return Session(self._engine, future=True)

    def _sources(self, session: Session, kind: str, ids: Iterable[str]) -> Dict[str, Tuple[str, ...]]:
        wanted = list(ids)
        found: Dict[str, List[str]] = defaultdict(list)
        if wanted:
            rows = session.execute(
                select(m.EntrySource.entry_id, m.EntrySource.source_file)
                .where(m.EntrySource.kind == kind, m.EntrySource.entry_id.in_(wanted))
                .order_by(m.EntrySource.entry_id, m.EntrySource.source_file)
            )
            for entry_id, source in rows:
                found[entry_id].append(source)
        return {i: tuple(found.get(i, ())) for i in wanted}

    def _estimates(self, session: Session, kind: str, ids: Iterable[str]) -> Dict[str, Tuple[str, ...]]:
        wanted = list(ids)
        found: Dict[str, List[str]] = defaultdict(list)
        if wanted:
            rows = session.execute(
                select(m.EntryEstimate.entry_id, m.EntryEstimate.field)
                .where(m.EntryEstimate.kind == kind, m.EntryEstimate.entry_id.in_(wanted))
                .order_by(m.EntryEstimate.entry_id, m.EntryEstimate.field)
            )
            for entry_id, name in rows:
                found[entry_id].append(name)
        return {i: tuple(found.get(i, ())) for i in wanted}

    # --- vocabulary (for the NLU) -------------------------------------------------
    def vocabulary(self) -> Dict[str, Dict[str, str]]:
        """entity kind -> {alias (lower-case): canonical id}."""
        out: Dict[str, Dict[str, str]] = {kind: {} for kind in ENTITY_KINDS}
        with self._session() as session:
            rows = session.execute(select(m.Alias.kind, m.Alias.alias, m.Alias.target_id).order_by(m.Alias.id))
            for kind, alias, target in rows:
                out.setdefault(kind, {})[alias] = target
            # canonical ids are always understood, written with spaces ("lower back")
            for kind, model in (("body_area", m.BodyArea), ("tool", m.Tool), ("condition", m.Condition), ("goal", m.Goal)):
                for (ident,) in session.execute(select(model.id)):
                    out[kind].setdefault(ident.replace("_", " "), ident)
        return out

    def red_flag_vocabulary(self) -> RedFlagVocabulary:
        """Concepts, patterns and levels for the red-flag detector.

        Conditions that carry a safety rule (sciatica, herniated disc...) become phrase
        patterns too, so naming them always raises their rule.
        """
        with self._session() as session:
            levels = dict(session.execute(select(m.SafetyRule.id, m.SafetyRule.level)).all())
            recent = set(session.execute(select(m.SafetyRule.id).where(m.SafetyRule.recent_only.is_(True))).scalars())
            concepts: Dict[str, List[str]] = defaultdict(list)
            for concept, term in session.execute(
                select(m.RedFlagTerm.concept_id, m.RedFlagTerm.term).order_by(m.RedFlagTerm.concept_id, m.RedFlagTerm.position)
            ):
                concepts[concept].append(term)
            phrases: Dict[str, List[str]] = defaultdict(list)
            for pattern_id, phrase in session.execute(
                select(m.RedFlagPhrase.pattern_id, m.RedFlagPhrase.phrase).order_by(
                    m.RedFlagPhrase.pattern_id, m.RedFlagPhrase.position
                )
            ):
                phrases[pattern_id].append(phrase)
            patterns = [
                RedFlagPatternView(
                    id=p.id,
                    rule=p.rule_id,
                    level=levels[p.rule_id],
                    phrases=tuple(phrases.get(p.id, ())),
                    all_of=tuple(p.all_of.split()),
                    recent_only=bool(p.recent_only) or p.rule_id in recent,
                    within=p.within,
                )
                for p in session.execute(select(m.RedFlagPattern).order_by(m.RedFlagPattern.id)).scalars()
            ]
            condition_aliases: Dict[str, List[str]] = defaultdict(list)
            for alias, target in session.execute(
                select(m.Alias.alias, m.Alias.target_id).where(m.Alias.kind == "condition").order_by(m.Alias.id)
            ):
                condition_aliases[target].append(alias)
            for cond in session.execute(
                select(m.Condition).where(m.Condition.safety_rule_id.is_not(None)).order_by(m.Condition.id)
            ).scalars():
                patterns.append(
                    RedFlagPatternView(
                        id=f"condition_{cond.id}",
                        rule=cond.safety_rule_id,
                        level=levels[cond.safety_rule_id],
                        phrases=tuple(condition_aliases.get(cond.id, ())),
                        all_of=(),
                        recent_only=cond.safety_rule_id in recent,
                    )
                )
        return RedFlagVocabulary(concepts={k: tuple(v) for k, v in concepts.items()}, patterns=tuple(patterns), levels=levels)

    # --- areas and exercises ------------------------------------------------------
    def body_area(self, area_id: str) -> Optional[AreaView]:
        with self._session() as session:
            area = session.get(m.BodyArea, area_id)
            return AreaView(area.id, area.name, area.description) if area else None

    def body_areas(self) -> List[AreaView]:
        with self._session() as session:
            rows = session.execute(select(m.BodyArea).order_by(m.BodyArea.id)).scalars()
            return [AreaView(a.id, a.name, a.description) for a in rows]

    def _exercise_views(self, session: Session, rows: Sequence[m.Exercise]) -> List[ExerciseView]:
        sources = self._sources(session, "exercise", (e.id for e in rows))
        estimates = self._estimates(session, "exercise", (e.id for e in rows))
        views = []
        for e in rows:
            notes: Dict[str, List[str]] = defaultdict(list)
            for note in e.notes:
                notes[note.kind].append(note.text)
            views.append(
                ExerciseView(
                    id=e.id,
                    body_area=e.body_area_id,
                    name=e.name,
                    tool=e.tool_id,
                    tools=tuple(t.tool_id for t in e.tools),
                    steps=tuple(s.text for s in e.steps),
                    hold=_span(e.hold_min, e.hold_max),
                    roll=_span(e.roll_min, e.roll_max),
                    total=Span(e.total_min, e.total_max),
                    per_side=e.per_side,
                    pressure=e.pressure,
                    more_pressure=tuple(notes["more_pressure"]),
                    less_pressure=tuple(notes["less_pressure"]),
                    cautions=tuple(notes["caution"]),
                    goals=tuple(sorted(g.goal_id for g in e.goals)),
                    sources=sources[e.id],
                    estimates=estimates[e.id],
                )
            )
        return views

    def _exercise_query(self):  # type: ignore[no-untyped-def]
        return select(m.Exercise).options(
            selectinload(m.Exercise.steps),
            selectinload(m.Exercise.notes),
            selectinload(m.Exercise.tools),
            selectinload(m.Exercise.goals),
        )

    def exercises_for_area(self, area_id: str, tool_id: Optional[str] = None) -> List[ExerciseView]:
        """Exercises for an area in curated order; with `tool_id`, only those that tool can do,
        the ones written for that tool first."""
        with self._session() as session:
            rows = (
                session.execute(self._exercise_query().where(m.Exercise.body_area_id == area_id).order_by(m.Exercise.position))
                .scalars()
                .all()
            )
            views = self._exercise_views(session, rows)
        if tool_id is None:
            return views
        usable = [v for v in views if tool_id in v.tools]
        return sorted(usable, key=lambda v: v.tool != tool_id)

    def exercise(self, exercise_id: str) -> Optional[ExerciseView]:
        with self._session() as session:
            rows = session.execute(self._exercise_query().where(m.Exercise.id == exercise_id)).scalars().all()
            views = self._exercise_views(session, rows)
        return views[0] if views else None

    def exercises_for_goal(self, goal_id: str) -> List[ExerciseView]:
        with self._session() as session:
            rows = (
                session.execute(
                    self._exercise_query()
                    .join(m.ExerciseGoal, m.ExerciseGoal.exercise_id == m.Exercise.id)
                    .where(m.ExerciseGoal.goal_id == goal_id)
                    .order_by(m.Exercise.body_area_id, m.Exercise.position)
                )
                .scalars()
                .all()
            )
            return self._exercise_views(session, rows)

    # --- tools and recommendation facts ---------------------------------------------
    def tools(self) -> List[ToolView]:
        return self._tool_views()

    def _tool_views(self, tool_id: Optional[str] = None) -> List[ToolView]:
        """Every tool, or just `tool_id` (one small query each, not the whole catalogue)."""
        with self._session() as session:
            query, area_query, caution_query = (
                select(m.Tool).order_by(m.Tool.id),
                select(m.ToolArea.tool_id, m.ToolArea.body_area_id).order_by(m.ToolArea.tool_id, m.ToolArea.position),
                select(m.ToolCaution.tool_id, m.ToolCaution.text).order_by(m.ToolCaution.tool_id, m.ToolCaution.position),
            )
            if tool_id is not None:
                query = query.where(m.Tool.id == tool_id)
                area_query = area_query.where(m.ToolArea.tool_id == tool_id)
                caution_query = caution_query.where(m.ToolCaution.tool_id == tool_id)
            rows = session.execute(query).scalars().all()
            sources = self._sources(session, "tool", (t.id for t in rows))
            estimates = self._estimates(session, "tool", (t.id for t in rows))
            areas: Dict[str, List[str]] = defaultdict(list)
            for owner, area in session.execute(area_query):
                areas[owner].append(area)
            cautions: Dict[str, List[str]] = defaultdict(list)
            for owner, text in session.execute(caution_query):
                cautions[owner].append(text)
            return [
                ToolView(
                    id=t.id,
                    name=t.name,
                    kind=t.kind,
                    size=t.size,
                    size_min_in=t.size_min_in,
                    size_max_in=t.size_max_in,
                    density=t.density,
                    material=t.material,
                    texture=t.texture,
                    best_for_areas=tuple(areas[t.id]),
                    best_for=t.best_for,
                    good_to_know=t.good_to_know,
                    cautions=tuple(cautions[t.id]),
                    beginner_friendly=t.beginner_friendly,
                    sources=sources[t.id],
                    estimates=estimates[t.id],
                )
                for t in rows
            ]

    def tool(self, tool_id: str) -> Optional[ToolView]:
        views = self._tool_views(tool_id)
        return views[0] if views else None

    def guidance(self, dimension: Optional[str] = None) -> List[GuidanceView]:
        with self._session() as session:
            query = select(m.GuidanceOption).order_by(m.GuidanceOption.dimension, m.GuidanceOption.id)
            if dimension:
                query = query.where(m.GuidanceOption.dimension == dimension)
            return [
                GuidanceView(g.id, g.dimension, g.name, g.best_for, g.pros, g.cons, tuple(g.tools.split()))
                for g in session.execute(query).scalars()
            ]

    def preferences(self, ids: Iterable[str]) -> List[PreferenceView]:
        wanted = list(dict.fromkeys(ids))
        with self._session() as session:
            rows = {p.id: p for p in session.execute(select(m.Preference).where(m.Preference.id.in_(wanted))).scalars()}
            stances: Dict[Tuple[str, str], List[str]] = defaultdict(list)
            for pref, tool, stance in session.execute(
                select(m.PreferenceTool.preference_id, m.PreferenceTool.tool_id, m.PreferenceTool.stance)
                .where(m.PreferenceTool.preference_id.in_(wanted))
                .order_by(m.PreferenceTool.preference_id, m.PreferenceTool.stance, m.PreferenceTool.position)
            ):
                stances[(pref, stance)].append(tool)
        return [
            PreferenceView(
                id=i,
                name=rows[i].name,
                prefer_tools=tuple(stances[(i, "prefer")]),
                avoid_tools=tuple(stances[(i, "avoid")]),
                reason=rows[i].reason,
            )
            for i in wanted
            if i in rows
        ]

    def condition(self, condition_id: str) -> Optional[ConditionView]:
        with self._session() as session:
            cond = session.get(m.Condition, condition_id)
            if cond is None:
                return None
            areas = (
                session.execute(
                    select(m.ConditionArea.body_area_id)
                    .where(m.ConditionArea.condition_id == condition_id)
                    .order_by(m.ConditionArea.position)
                )
                .scalars()
                .all()
            )
            return ConditionView(cond.id, cond.name, cond.description, tuple(areas), cond.safety_rule_id)

    # --- routines and dosing ----------------------------------------------------------
    def routines(self, goal_id: Optional[str] = None) -> List[RoutineView]:
        with self._session() as session:
            query = select(m.Routine).options(selectinload(m.Routine.items), selectinload(m.Routine.goals)).order_by(m.Routine.id)
            if goal_id:
                query = query.join(m.RoutineGoal, m.RoutineGoal.routine_id == m.Routine.id).where(
                    m.RoutineGoal.goal_id == goal_id
                )
            rows = session.execute(query).scalars().unique().all()
            sources = self._sources(session, "routine", (r.id for r in rows))
            exercise_ids = {item.exercise_id for r in rows for item in r.items}
            exercise_rows = session.execute(self._exercise_query().where(m.Exercise.id.in_(exercise_ids))).scalars().all()
            exercises = {e.id: e for e in self._exercise_views(session, exercise_rows)}
            return [
                RoutineView(
                    id=r.id,
                    name=r.name,
                    goals=tuple(sorted(g.goal_id for g in r.goals)),
                    minutes=Span(r.minutes_min, r.minutes_max),
                    best_for=r.best_for,
                    equipment=r.equipment,
                    items=tuple(
                        RoutineItemView(exercises[i.exercise_id], Span(i.seconds_min, i.seconds_max), i.note) for i in r.items
                    ),
                    finish=r.finish,
                    sources=sources[r.id],
                )
                for r in rows
            ]

    def dosing(self, topic: Optional[str] = None) -> List[DosingView]:
        with self._session() as session:
            query = select(m.DosingFigure).order_by(m.DosingFigure.topic, m.DosingFigure.is_default.desc(), m.DosingFigure.id)
            if topic:
                query = query.where(m.DosingFigure.topic == topic)
            rows = session.execute(query).scalars().all()
            sources = self._sources(session, "dosing", (d.id for d in rows))
            return [
                DosingView(d.id, d.topic, _span(d.value_min, d.value_max), d.unit, d.summary, d.is_default, sources[d.id])
                for d in rows
            ]

    def default_dosing(self) -> Dict[str, DosingView]:
        """topic -> the figure the bot uses (the conservative default)."""
        return {d.topic: d for d in self.dosing() if d.is_default}

    # --- safety -------------------------------------------------------------------------
    def safety_rules(self, level: Optional[str] = None) -> List[SafetyRuleView]:
        with self._session() as session:
            query = select(m.SafetyRule).order_by(m.SafetyRule.id)
            if level:
                query = query.where(m.SafetyRule.level == level)
            return [
                SafetyRuleView(r.id, r.level, r.kind, r.name, r.description, r.advice, r.see)
                for r in session.execute(query).scalars()
            ]

    def safety_rule(self, rule_id: str) -> Optional[SafetyRuleView]:
        with self._session() as session:
            r = session.get(m.SafetyRule, rule_id)
            return SafetyRuleView(r.id, r.level, r.kind, r.name, r.description, r.advice, r.see) if r else None

    def checklist(self) -> ChecklistView:
        """The safety checklist's wording and items, in order."""
        with self._session() as session:
            wording = dict(session.execute(select(m.ChecklistWording.key, m.ChecklistWording.text)).all())
            items = tuple(
                ChecklistItemView(
                    id=i.id,
                    label=i.label,
                    text=i.text,
                    why=i.why,
                    covers=tuple(i.covers.split()),
                    level=i.level,
                    scope=i.scope,
                    areas=tuple(i.areas.split()),
                )
                for i in session.execute(select(m.ChecklistItem).order_by(m.ChecklistItem.position)).scalars()
            )
        return ChecklistView(wording=wording, items=items)

    def topic_kinds(self) -> Dict[str, str]:
        """topic id -> fact | care."""
        with self._session() as session:
            return dict(session.execute(select(m.Topic.id, m.Topic.kind)).all())

    # --- facts and care -------------------------------------------------------------------
    def facts(self, topic: Optional[str] = None) -> List[TextView]:
        with self._session() as session:
            query = select(m.Fact).order_by(m.Fact.topic, m.Fact.id)
            if topic:
                query = query.where(m.Fact.topic == topic)
            rows = session.execute(query).scalars().all()
            sources = self._sources(session, "fact", (f.id for f in rows))
            return [TextView(f.id, f.topic, f.title, f.text, sources[f.id]) for f in rows]

    def care_tips(self, topic: Optional[str] = None) -> List[TextView]:
        with self._session() as session:
            query = select(m.CareTip).order_by(m.CareTip.topic, m.CareTip.id)
            if topic:
                query = query.where(m.CareTip.topic == topic)
            rows = session.execute(query).scalars().all()
            sources = self._sources(session, "care_tip", (c.id for c in rows))
            return [TextView(c.id, c.topic, c.topic.replace("_", " ").capitalize(), c.text, sources[c.id]) for c in rows]

    def sources_of(self, kind: str, entry_id: str) -> Tuple[str, ...]:
        with self._session() as session:
            return self._sources(session, kind, [entry_id])[entry_id]

    def citations(self, kind: str, entry_ids: Iterable[str]) -> Citations:
        """The seed articles and guidelines behind these entries of one kind, each once, in order."""
        wanted = list(dict.fromkeys(entry_ids))
        if not wanted:
            return Citations()
        with self._session() as session:
            seeds = (
                session.execute(
                    select(m.Source)
                    .join(m.EntrySource, m.EntrySource.source_file == m.Source.file)
                    .where(m.EntrySource.kind == kind, m.EntrySource.entry_id.in_(wanted))
                    .order_by(m.Source.file)
                )
                .scalars()
                .unique()
                .all()
            )
            guidelines = (
                session.execute(
                    select(m.Guideline)
                    .join(m.EntryGuideline, m.EntryGuideline.guideline_id == m.Guideline.id)
                    .where(m.EntryGuideline.kind == kind, m.EntryGuideline.entry_id.in_(wanted))
                    .order_by(m.Guideline.id)
                )
                .scalars()
                .unique()
                .all()
            )
            return Citations(
                seeds=tuple(SourceView(s.file, s.title, s.summary) for s in seeds),
                guidelines=tuple(GuidelineView(g.id, g.title, g.publisher, g.year, g.citation, g.summary) for g in guidelines),
            )

    def seed_articles(self) -> List[SourceView]:
        with self._session() as session:
            return [
                SourceView(s.file, s.title, s.summary)
                for s in session.execute(select(m.Source).order_by(m.Source.file)).scalars()
            ]
