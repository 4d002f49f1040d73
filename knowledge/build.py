"""Build the knowledge DB from the curated YAML: `python -m knowledge.build`.

Idempotent: the DB records the fingerprint of the content it was built from and the build
is skipped when nothing changed (`--force` rebuilds anyway). A rebuild replaces every
table in one transaction, so readers never see half a build.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from knowledge import models as m
from knowledge.db import CONTENT_DIR, database_url, make_engine
from knowledge.loader import Content, ContentError, load_content

SCHEMA_VERSION = "3"


def _rows(content: Content) -> List[object]:
    """Every ORM row for `content`, parents before children."""
    rows: List[object] = [m.Source(file=s.file, title=s.title, summary=s.summary) for s in content.sources]
    rows += [
        m.Guideline(id=g.id, title=g.title, publisher=g.publisher, year=g.year, citation=g.citation, summary=g.summary)
        for g in content.guidelines
    ]

    def sources(kind: str, entry) -> None:  # type: ignore[no-untyped-def]
        """The entry's citations (seeds and guidelines) and the fields that are estimates."""
        for source in dict.fromkeys(entry.sources):
            rows.append(m.EntrySource(kind=kind, entry_id=entry.id, source_file=source))
        for guideline in dict.fromkeys(entry.guidelines):
            rows.append(m.EntryGuideline(kind=kind, entry_id=entry.id, guideline_id=guideline))
        for name in dict.fromkeys(entry.estimates):
            rows.append(m.EntryEstimate(kind=kind, entry_id=entry.id, field=name))

    def aliases(kind: str, entry) -> None:  # type: ignore[no-untyped-def]
        for alias in dict.fromkeys(a.lower() for a in entry.aliases):
            rows.append(m.Alias(kind=kind, alias=alias, target_id=entry.id))

    for a in content.body_areas:
        rows.append(m.BodyArea(id=a.id, name=a.name, description=a.description, note=a.note))
        aliases("body_area", a)
        sources("body_area", a)
    for g in content.goals:
        rows.append(m.Goal(id=g.id, name=g.name, note=g.note))
        aliases("goal", g)
        sources("goal", g)
    for feeling in content.feelings:
        rows.append(m.Feeling(id=feeling.id, name=feeling.name, safety_rule_id=feeling.safety_rule, note=feeling.note))
        aliases("feeling", feeling)
        sources("feeling", feeling)
    for topic in content.topics:
        rows.append(m.Topic(id=topic.id, kind=topic.kind, name=topic.name, note=topic.note))
        aliases("topic", topic)
        sources("topic", topic)
    for t in content.tools:
        rows.append(
            m.Tool(
                id=t.id,
                name=t.name,
                kind=t.kind,
                size=t.size,
                size_min_in=t.size_min_in,
                size_max_in=t.size_max_in,
                density=t.density,
                material=t.material,
                texture=t.texture,
                best_for=t.best_for,
                good_to_know=t.good_to_know,
                beginner_friendly=t.beginner_friendly,
                note=t.note,
            )
        )
        rows += [m.ToolArea(tool_id=t.id, body_area_id=b, position=i) for i, b in enumerate(t.best_for_areas)]
        rows += [m.ToolCaution(tool_id=t.id, position=i, text=c) for i, c in enumerate(t.cautions)]
        aliases("tool", t)
        sources("tool", t)
    for s in content.safety_rules:
        rows.append(
            m.SafetyRule(
                id=s.id,
                level=s.level,
                kind=s.kind,
                name=s.name,
                description=s.description,
                advice=s.advice,
                see=s.see,
                recent_only=s.recent_only,
                note=s.note,
            )
        )
        sources("safety_rule", s)
    for o in content.guidance:
        rows.append(
            m.GuidanceOption(
                id=o.id,
                dimension=o.dimension,
                name=o.name,
                best_for=o.best_for,
                pros=o.pros,
                cons=o.cons,
                tools=" ".join(o.tools),
                note=o.note,
            )
        )
        sources("guidance", o)
    for p in content.preferences:
        rows.append(m.Preference(id=p.id, name=p.name, reason=p.reason, note=p.note))
        rows += [
            m.PreferenceTool(preference_id=p.id, tool_id=t, stance="prefer", position=i) for i, t in enumerate(p.prefer_tools)
        ]
        rows += [m.PreferenceTool(preference_id=p.id, tool_id=t, stance="avoid", position=i) for i, t in enumerate(p.avoid_tools)]
        aliases("preference", p)
        sources("preference", p)
    for c in content.conditions:
        rows.append(m.Condition(id=c.id, name=c.name, description=c.description, safety_rule_id=c.safety_rule, note=c.note))
        rows += [m.ConditionArea(condition_id=c.id, body_area_id=b, position=i) for i, b in enumerate(c.body_areas)]
        aliases("condition", c)
        sources("condition", c)
    per_area: Counter = Counter()
    for e in content.exercises:
        exercise = m.Exercise(
            id=e.id,
            body_area_id=e.body_area,
            position=per_area[e.body_area],
            name=e.name,
            tool_id=e.tool,
            hold_min=e.hold_seconds.min if e.hold_seconds else None,
            hold_max=e.hold_seconds.max if e.hold_seconds else None,
            roll_min=e.roll_seconds.min if e.roll_seconds else None,
            roll_max=e.roll_seconds.max if e.roll_seconds else None,
            total_min=e.total_seconds.min,
            total_max=e.total_seconds.max,
            per_side=e.per_side,
            pressure=e.pressure,
            note=e.note,
        )
        per_area[e.body_area] += 1
        exercise.steps = [m.ExerciseStep(position=i, text=t) for i, t in enumerate(e.steps)]
        exercise.notes = (
            [m.ExerciseNote(kind="more_pressure", position=i, text=t) for i, t in enumerate(e.more_pressure)]
            + [m.ExerciseNote(kind="less_pressure", position=i, text=t) for i, t in enumerate(e.less_pressure)]
            + [m.ExerciseNote(kind="caution", position=i, text=t) for i, t in enumerate(e.cautions)]
        )
        exercise.tools = [m.ExerciseTool(tool_id=t, position=i) for i, t in enumerate(dict.fromkeys([e.tool, *e.also_with]))]
        exercise.goals = [m.ExerciseGoal(goal_id=g) for g in dict.fromkeys(e.goals)]
        rows.append(exercise)
        sources("exercise", e)
    for r in content.routines:
        routine = m.Routine(
            id=r.id,
            name=r.name,
            minutes_min=r.minutes.min,
            minutes_max=r.minutes.max,
            best_for=r.best_for,
            equipment=r.equipment,
            finish=r.finish,
            note=r.note,
        )
        routine.items = [
            m.RoutineItem(
                position=i, exercise_id=it.exercise, seconds_min=it.seconds.min, seconds_max=it.seconds.max, note=it.note
            )
            for i, it in enumerate(r.items)
        ]
        routine.goals = [m.RoutineGoal(goal_id=g) for g in dict.fromkeys(r.goals)]
        rows.append(routine)
        sources("routine", r)
    for d in content.dosing:
        rows.append(
            m.DosingFigure(
                id=d.id,
                topic=d.topic,
                value_min=d.value.min if d.value else None,
                value_max=d.value.max if d.value else None,
                unit=d.unit,
                summary=d.summary,
                is_default=d.default,
                note=d.note,
            )
        )
        sources("dosing", d)
    for position, item in enumerate(content.checklist_items):
        rows.append(
            m.ChecklistItem(
                id=item.id,
                position=position,
                label=item.label,
                text=item.text,
                why=item.why,
                covers=" ".join(item.covers),
                level=item.level,
                scope=item.scope,
                areas=" ".join(item.areas),
                note=item.note,
            )
        )
        sources("checklist_item", item)
    if content.checklist is not None:
        rows += [m.ChecklistWording(key=key, text=str(text)) for key, text in content.checklist.dict().items()]
    for concept in content.concepts:
        rows += [m.RedFlagTerm(concept_id=concept.id, position=i, term=t) for i, t in enumerate(concept.terms)]
    for pattern in content.patterns:
        rows.append(
            m.RedFlagPattern(
                id=pattern.id,
                rule_id=pattern.rule,
                all_of=" ".join(pattern.all_of),
                recent_only=pattern.recent_only,
                within=pattern.within,
                note=pattern.note,
            )
        )
        rows += [m.RedFlagPhrase(pattern_id=pattern.id, position=i, phrase=t) for i, t in enumerate(pattern.phrases)]
        sources("red_flag_pattern", pattern)
    for tip in content.care:
        rows.append(m.CareTip(id=tip.id, topic=tip.topic, text=tip.text, note=tip.note))
        sources("care_tip", tip)
    for f in content.facts:
        rows.append(m.Fact(id=f.id, topic=f.topic, title=f.title, text=f.text, note=f.note))
        sources("fact", f)
    return rows


@lru_cache(maxsize=1)
def _table_order() -> Dict[str, int]:
    return {table.name: i for i, table in enumerate(m.Base.metadata.sorted_tables)}


def _insert_order(row: object) -> int:
    """Position of the row's table in foreign-key order, counting the child rows it
    cascades to (an Exercise is inserted with its steps, a Routine with its items)."""
    order = _table_order()
    table = row.__table__.name  # type: ignore[attr-defined]
    children = {
        "exercises": ("exercise_steps", "exercise_notes", "exercise_tools", "exercise_goals"),
        "routines": ("routine_items", "routine_goals"),
    }.get(table, ())
    return max(order[name] for name in (table, *children))


def built_fingerprint(engine: Engine) -> Optional[str]:
    """The fingerprint the DB was last built from, or None if it was never built."""
    try:
        with Session(engine) as session:
            info = session.execute(select(m.BuildInfo).where(m.BuildInfo.key == "fingerprint")).scalar_one_or_none()
            return info.value if info else None
    except (OperationalError, ProgrammingError):
        return None


def build(engine: Engine, content_dir: Path = CONTENT_DIR, force: bool = False) -> Dict[str, int]:
    """Load `content_dir` into `engine`'s DB; returns the count of entries per kind."""
    content = load_content(content_dir)
    fingerprint = f"{SCHEMA_VERSION}:{content.fingerprint}"
    counts = {
        kind: len(getattr(content, kind))
        for kind in (
            "body_areas",
            "tools",
            "guidance",
            "preferences",
            "conditions",
            "goals",
            "topics",
            "feelings",
            "exercises",
            "routines",
            "dosing",
            "safety_rules",
            "checklist_items",
            "patterns",
            "care",
            "facts",
        )
    }
    if not force and built_fingerprint(engine) == fingerprint:
        return counts
    rows = _rows(content)
    with engine.begin() as connection:
        m.Base.metadata.drop_all(connection)
        m.Base.metadata.create_all(connection)
        with Session(bind=connection) as session:
            # parents before children: insert table by table in foreign-key order
            for _, group in itertools.groupby(sorted(rows, key=_insert_order), key=_insert_order):
                session.add_all(list(group))
                session.flush()
            session.add(m.BuildInfo(key="fingerprint", value=fingerprint))
            session.flush()
    return counts


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: $DATABASE_URL or var/knowledge.db")
    parser.add_argument("--force", action="store_true", help="rebuild even if the content is unchanged")
    args = parser.parse_args(argv)
    url = args.database_url or database_url()
    started = time.perf_counter()
    engine = make_engine(url)
    try:
        counts = build(engine, force=args.force)
    except ContentError as exc:
        print(f"knowledge build failed: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    summary = ", ".join(f"{k}={v}" for k, v in counts.items())
    print(
        f"knowledge DB ready at {engine.url.render_as_string(hide_password=True)} "
        f"in {time.perf_counter() - started:.2f}s: {summary}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
