"""What the red-flag detector matches, built from the validated content (not the knowledge DB).

Read at training time by components/red_flags.py and persisted in the model: concept terms,
patterns (with each rule's level, whether the sign only counts when recent, and how certain a
match is), conditions that carry a safety rule (naming one raises it), and one concept and
pattern per medicine class and certainty, whose terms are every name of its medicines
(knowledge/medicines.py).
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

from knowledge.loader import SLOT, Content, medicine_concept
from knowledge.medicines import medicine_names

#: the concept of a medicine taken long term (red_flags.yml)
LONG_USE = "long_use"


def content() -> Content:
    """The validated content, read once per process (the shared repository's)."""
    from knowledge.repository import KnowledgeRepository

    return KnowledgeRepository.shared().content


def red_flag_vocabulary(source: Content | None = None, with_medicines: bool = True) -> Dict[str, Any]:
    """{"concepts": {id: [terms]}, "patterns": [...], "levels": {rule: level}} (JSON-ready)."""
    source = source or content()
    levels = {rule.id: rule.level for rule in source.safety_rules}
    recent = {rule.id for rule in source.safety_rules if rule.recent_only}
    plain: Dict[str, List[str]] = {c.id: list(c.terms) for c in source.concepts}
    concepts = {concept: filled(terms, plain) for concept, terms in plain.items()}
    patterns: List[Dict[str, Any]] = [
        {
            "id": p.id,
            "rule": p.rule,
            "level": levels[p.rule],
            "phrases": filled(p.phrases, plain),
            "all_of": list(p.all_of),
            "recent_only": p.recent_only or p.rule in recent,
            "within": p.within,
            "certainty": p.certainty,
            "stoppable": p.stoppable,
            "unless": list(p.unless),
            "past_counts": list(p.past_counts),
        }
        for p in source.patterns
    ]
    for condition in source.conditions:
        if condition.safety_rule:
            patterns.append(
                {
                    "id": f"condition_{condition.id}",
                    "rule": condition.safety_rule,
                    "level": levels[condition.safety_rule],
                    "phrases": list(condition.aliases),
                    "all_of": [],
                    "recent_only": condition.safety_rule in recent,
                    "within": None,
                    "certainty": "certain",
                    "stoppable": False,
                }
            )
    if with_medicines:
        classes = {str(c.id): c for c in source.medicine_classes}
        for (class_id, certainty), names in medicine_names(source).items():
            concept = f"medicine_{class_id}_{certainty}"
            concepts[concept] = names
            # every name of the class, for red_flags.yml patterns (e.g. steroids with a sudden back pain)
            whole_class = medicine_concept(class_id)
            concepts[whole_class] = sorted({*concepts.get(whole_class, []), *names})
            rule = classes[class_id].rule
            # a medicine stopped long ago does not count ("came off warfarin in 2019"); one stopped lately is asked about
            patterns.append(
                {
                    "id": concept,
                    "rule": rule,
                    "level": levels[rule],
                    "phrases": [],
                    "all_of": [concept],
                    "recent_only": False,
                    "within": None,
                    "certainty": certainty,
                    "stoppable": True,
                }
            )
            if certainty == "possible" and LONG_USE in concepts:
                # a medicine only asked about by name is certain when taken long term ("on prednisone for years")
                long_term = {"id": f"{concept}_long_term", "all_of": [concept, LONG_USE], "certainty": "certain"}
                patterns.append({**patterns[-1], **long_term})
    return {"concepts": concepts, "patterns": patterns, "levels": levels}


def filled(terms: Sequence[str], concepts: Dict[str, List[str]]) -> List[str]:
    """Terms with each `{concept}` slot written out as every term of that concept (one level:
    a slot's own terms hold no slots; knowledge/loader.py checks the names)."""
    out: List[str] = []
    for term in terms:
        names = SLOT.findall(term)
        if not names:
            out.append(term)
            continue
        written = [term]
        for name in dict.fromkeys(names):
            written = [w.replace("{" + name + "}", member) for w in written for member in concepts[name]]
        out.extend(written)
    return list(dict.fromkeys(out))


def medicine_class_names() -> Dict[str, str]:
    """medicine concept id -> how the bot names the class ("blood thinner")."""
    return {f"medicine_{c.id}_{certainty}": c.name for c in content().medicine_classes for certainty in ("certain", "possible")}
