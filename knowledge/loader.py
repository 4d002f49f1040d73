"""Load and validate the curated YAML into typed entries.

Any problem raises `ContentError` naming the file and the entry, so a reviewer can fix
the content without reading code: missing fields, unknown ids, duplicates, empty step
lists, sources that are not seed files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple, Type, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge import schema

#: a concept named in braces inside a red-flag term or phrase ("rolled the {vehicle}") stands for each of its terms
SLOT = re.compile(r"\{(\w+)\}")

M = TypeVar("M", bound=BaseModel)
CONTENT_DIR = Path(__file__).resolve().parent / "content"


class ContentError(ValueError):
    """Invalid knowledge content; the message names the file and entry."""


@dataclass
class Content:
    """Everything in knowledge/content/, validated and cross-checked."""

    sources: List[schema.Source] = field(default_factory=list)  # the seed articles
    guidelines: List[schema.Guideline] = field(default_factory=list)
    body_areas: List[schema.BodyArea] = field(default_factory=list)
    tools: List[schema.Tool] = field(default_factory=list)
    guidance: List[schema.GuidanceOption] = field(default_factory=list)
    preferences: List[schema.Preference] = field(default_factory=list)
    conditions: List[schema.Condition] = field(default_factory=list)
    goals: List[schema.Goal] = field(default_factory=list)
    topics: List[schema.Topic] = field(default_factory=list)
    feelings: List[schema.Feeling] = field(default_factory=list)
    exercises: List[schema.Exercise] = field(default_factory=list)
    routines: List[schema.Routine] = field(default_factory=list)
    dosing: List[schema.DosingFigure] = field(default_factory=list)
    safety_rules: List[schema.SafetyRule] = field(default_factory=list)
    checklist_items: List[schema.ChecklistItem] = field(default_factory=list)
    checklist: Optional[schema.ChecklistWording] = None
    concepts: List[schema.Concept] = field(default_factory=list)
    patterns: List[schema.RedFlagPattern] = field(default_factory=list)
    medicine_classes: List[schema.MedicineClass] = field(default_factory=list)
    medicines: List[schema.Medicine] = field(default_factory=list)
    care: List[schema.CareTip] = field(default_factory=list)
    facts: List[schema.Fact] = field(default_factory=list)
    figure: Optional[schema.BodyFigure] = None  # the body figure (body_figure.yml)
    placements: List[schema.Placement] = field(default_factory=list)  # one per exercise (placements.yml)


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def _read_yaml(path: Path, root: Path) -> Dict[str, Any]:
    try:
        # libyaml's safe loader (the locked PyYAML wheel bundles it): the same result as
        # yaml.safe_load, several times faster, which was most of the first request's second
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.relative_to(root)}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ContentError(f"{path.relative_to(root)}: expected a mapping at top level")
    return data


def _entries(path: Path, root: Path, data: Dict[str, Any], key: str, model: Type[M]) -> List[M]:
    rel = path.relative_to(root)
    raw = data.get(key)
    if not isinstance(raw, list):
        raise ContentError(f"{rel}: expected a list under '{key}'")
    out: List[M] = []
    for index, item in enumerate(raw):
        label = item.get("id", item.get("file", f"#{index + 1}")) if isinstance(item, dict) else f"#{index + 1}"
        if not isinstance(item, dict):
            raise ContentError(f"{rel}: entry '{label}': expected a mapping")
        try:
            out.append(model(**item))
        except ValidationError as exc:
            raise ContentError(f"{rel}: entry '{label}': {_describe(exc)}") from exc
    return out


def _mapping(path: Path, root: Path, data: Dict[str, Any], key: str, model: Type[M]) -> M:
    rel = path.relative_to(root)
    raw = data.get(key)
    if not isinstance(raw, dict):
        raise ContentError(f"{rel}: expected a mapping under '{key}'")
    try:
        return model(**raw)
    except ValidationError as exc:
        raise ContentError(f"{rel}: '{key}': {_describe(exc)}") from exc


def load_content(content_dir: Path, root: Path | None = None) -> Content:
    """Read, validate and cross-check every content file under `content_dir`."""
    root = root or content_dir.parent.parent
    content = Content()
    origin: Dict[Tuple[str, str], Path] = {}  # (kind, id) -> file, for messages

    files: List[Tuple[Path, str, Any, str]] = []
    attributes = {"seeds": "sources", "items": "checklist_items"}
    for name, (key, model) in schema.CONTENT_FILES.items():
        files.append((content_dir / name, key, model, attributes.get(key, key)))
    exercises_dir = content_dir / schema.EXERCISES_DIR[0]
    for path in sorted(exercises_dir.glob("*.yml")):
        files.append((path, schema.EXERCISES_DIR[1], schema.EXERCISES_DIR[2], "exercises"))

    for path, key, model, attr in files:
        if not path.exists():
            raise ContentError(f"{path.relative_to(root)}: file missing")
        data = _read_yaml(path, root)
        entries: List[Any] = _entries(path, root, data, key, model)
        _register(origin, attr, entries, path, root)
        getattr(content, attr).extend(entries)
        if path.name == "red_flags.yml":
            concept_key, concept_model = schema.CONCEPTS_KEY
            content.concepts = _entries(path, root, data, concept_key, concept_model)
            _register(origin, "concepts", content.concepts, path, root)
        if path.name == "sources.yml":
            guideline_key, guideline_model = schema.GUIDELINES_KEY
            content.guidelines = _entries(path, root, data, guideline_key, guideline_model)
            _register(origin, "guidelines", content.guidelines, path, root)
        if path.name == "screening.yml":
            content.checklist = _mapping(path, root, data, *schema.CHECKLIST_KEY)

    medicines = content_dir / schema.MEDICINES_FILE
    if medicines.exists():
        data = _read_yaml(medicines, root)
        (class_key, class_model), (medicine_key, medicine_model) = schema.MEDICINE_KEYS
        content.medicine_classes = _entries(medicines, root, data, class_key, class_model)
        content.medicines = _entries(medicines, root, data, medicine_key, medicine_model)

    content.figure, content.placements = load_pictures(content_dir, root)
    _cross_check(content, origin, root)
    _check_placements(content, root)
    return content


def load_pictures(content_dir: Path, root: Path | None = None) -> Tuple[schema.BodyFigure, List[schema.Placement]]:
    """Only the body figure and the placements, validated (what the channels draw pictures from)."""
    root = root or content_dir.parent.parent
    path = content_dir / schema.FIGURE_FILE
    if not path.exists():
        raise ContentError(f"{path.relative_to(root)}: file missing")
    try:
        figure = schema.BodyFigure(**_read_yaml(path, root))
    except ValidationError as exc:
        raise ContentError(f"{path.relative_to(root)}: {_describe(exc)}") from exc
    name, key, model = schema.PLACEMENTS_FILE
    placements_path = content_dir / name
    if not placements_path.exists():
        raise ContentError(f"{placements_path.relative_to(root)}: file missing")
    placements = _entries(placements_path, root, _read_yaml(placements_path, root), key, model)
    seen = set()
    for placement in placements:
        if placement.exercise in seen:
            raise ContentError(f"{name}: exercise '{placement.exercise}' placed twice")
        seen.add(placement.exercise)
    return figure, placements


def _check_placements(content: Content, root: Path) -> None:
    """Every exercise has exactly one placement, and its position steps exist."""
    name = schema.PLACEMENTS_FILE[0]
    exercises = {e.id: e for e in content.exercises}
    placed = {p.exercise: p for p in content.placements}
    unknown = sorted(placed.keys() - exercises.keys())
    if unknown:
        raise ContentError(f"{name}: {unknown} are not exercises")
    for ident, exercise in exercises.items():
        placement = placed.get(ident)
        if placement is None:
            raise ContentError(f"{name}: exercise '{ident}' has no placement (view, posture, spots)")
        beyond = [n for n in placement.position_steps if n > len(exercise.steps)]
        if beyond:
            raise ContentError(f"{name}: exercise '{ident}': position_steps {beyond} beyond its {len(exercise.steps)} steps")


def _register(origin: Dict[Tuple[str, str], Path], attr: str, entries: List[Any], path: Path, root: Path) -> None:
    """Notes where each entry comes from; a second entry with the same id is refused (a later
    concept of the same id would otherwise replace the first without a word)."""
    for entry in entries:
        ident = entry.dict().get("id") or entry.dict()["file"]
        if (attr, ident) in origin:
            raise ContentError(
                f"{path.relative_to(root)}: entry '{ident}': duplicate id (also in {origin[(attr, ident)].relative_to(root)})"
            )
        origin[(attr, ident)] = path


def medicine_concept(class_id: str) -> str:
    """The red-flag concept holding every name of a medicine class, for red_flags.yml patterns."""
    return f"medicine_{class_id}"


def _cross_check(content: Content, origin: Dict[Tuple[str, str], Path], root: Path) -> None:
    ids = {
        kind: {e.id for e in getattr(content, kind)}
        for kind in (
            "body_areas",
            "tools",
            "goals",
            "exercises",
            "safety_rules",
            "concepts",
        )
    }
    topic_kinds = {t.id: t.kind for t in content.topics}
    seed_files = {s.file for s in content.sources}
    guideline_ids = {g.id for g in content.guidelines}

    def fail(kind: str, ident: str, message: str) -> None:
        where = origin.get((kind, ident))
        prefix = f"{where.relative_to(root)}: " if where else ""
        raise ContentError(f"{prefix}entry '{ident}': {message}")

    def check(kind: str, ident: str, what: str, values: Iterable[str], known: str) -> None:
        for value in values:
            if value not in ids[known]:
                fail(kind, ident, f"unknown {what} id '{value}'")

    kinds = [k for k in vars(content) if k not in ("sources", "guidelines", "checklist")]
    for kind in kinds:
        for entry in getattr(content, kind):
            for source in getattr(entry, "sources", []):
                if source not in seed_files:
                    fail(kind, entry.id, f"source '{source}' is not one of the seed files")
            for guideline in getattr(entry, "guidelines", []):
                if guideline not in guideline_ids:
                    fail(kind, entry.id, f"guideline '{guideline}' is not in sources.yml `guidelines`")

    for kind in ("body_areas", "tools", "conditions", "goals", "preferences", "topics", "feelings"):
        seen: Dict[str, str] = {}
        for entry in getattr(content, kind):
            for alias in entry.aliases:
                key = alias.lower()
                if seen.get(key, entry.id) != entry.id:
                    fail(kind, entry.id, f"alias '{alias}' already used by '{seen[key]}'")
                seen[key] = entry.id
    for tool in content.tools:
        check("tools", tool.id, "body-area", tool.best_for_areas, "body_areas")
    for option in content.guidance:
        check("guidance", option.id, "tool", option.tools, "tools")
    for pref in content.preferences:
        check("preferences", pref.id, "tool", pref.prefer_tools + pref.avoid_tools, "tools")
    for cond in content.conditions:
        check("conditions", cond.id, "body-area", cond.body_areas, "body_areas")
        if cond.safety_rule:
            check("conditions", cond.id, "safety rule", [cond.safety_rule], "safety_rules")
    for feeling in content.feelings:
        if feeling.safety_rule:
            check("feelings", feeling.id, "safety rule", [feeling.safety_rule], "safety_rules")
    for ex in content.exercises:
        check("exercises", ex.id, "body-area", [ex.body_area], "body_areas")
        check("exercises", ex.id, "tool", [ex.tool, *ex.also_with], "tools")
    for routine in content.routines:
        check("routines", routine.id, "exercise", [i.exercise for i in routine.items], "exercises")
    for kind, entries, topic_kind in (("facts", content.facts, "fact"), ("care", content.care, "care")):
        for entry in entries:
            if topic_kinds.get(entry.topic) != topic_kind:
                fail(kind, entry.id, f"topic '{entry.topic}' is not a topics.yml id of kind {topic_kind}")
    for item in content.checklist_items:
        check("checklist_items", item.id, "safety rule", item.covers, "safety_rules")
        check("checklist_items", item.id, "body-area", item.areas, "body_areas")
    if content.checklist is not None and content.checklist.unsure_rule not in ids["safety_rules"]:
        raise ContentError(f"screening.yml: checklist.unsure_rule '{content.checklist.unsure_rule}' is not a safety rule")
    classes = {c.id for c in content.medicine_classes}
    medicine_concepts = {medicine_concept(str(c)) for c in classes}  # made from medicines.yml (knowledge/red_flag_vocabulary.py)
    plain = {c.id for c in content.concepts if not any(SLOT.search(t) for t in c.terms)}

    def check_slots(kind: str, ident: str, texts: Iterable[str]) -> None:
        for text in texts:
            unknown = [name for name in SLOT.findall(text) if name not in plain]
            if unknown:
                fail(kind, ident, f"term '{text}': {unknown} is not a concept without slots")

    for entry in content.concepts:
        check_slots("concepts", entry.id, entry.terms)
    for pattern in content.patterns:
        check("patterns", pattern.id, "safety rule", [pattern.rule], "safety_rules")
        check_slots("patterns", pattern.id, pattern.phrases)
        own = [c for c in [*pattern.all_of, *pattern.unless] if c not in medicine_concepts]
        check("patterns", pattern.id, "concept", own, "concepts")
        for concept in pattern.past_counts:
            # the matcher reads a concept's context once per message, so "the past counts" is the concept's
            others = [p.id for p in content.patterns if p is not pattern and concept in [*p.all_of, *p.unless]]
            if concept not in pattern.all_of or others:
                fail("patterns", pattern.id, f"past_counts '{concept}' must be in its all_of and in no other pattern {others}")
    for medicine_class in content.medicine_classes:
        if medicine_class.rule not in ids["safety_rules"]:
            raise ContentError(f"medicines.yml: class '{medicine_class.id}': unknown safety rule id '{medicine_class.rule}'")
    generics = [m.generic for m in content.medicines]
    for medicine in content.medicines:
        if medicine.class_ not in classes:
            raise ContentError(f"medicines.yml: medicine '{medicine.generic}': unknown class '{medicine.class_}'")
        if generics.count(medicine.generic) > 1:
            raise ContentError(f"medicines.yml: medicine '{medicine.generic}': listed twice")
    for topic in {d.topic for d in content.dosing}:
        defaults = [d.id for d in content.dosing if d.topic == topic and d.default]
        if len(defaults) != 1:
            first = next(d.id for d in content.dosing if d.topic == topic)
            fail("dosing", first, f"topic '{topic}' needs exactly one default, has {defaults}")
    missing = set(schema.BODY_AREA_IDS) - ids["body_areas"]
    if missing:
        raise ContentError(f"body_areas.yml: missing canonical areas {sorted(missing)}")
