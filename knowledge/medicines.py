"""Every name of the medicines in knowledge/content/medicines.yml, from a maintained dictionary.

The project lists generics by class (with the class's ATC group and safety rule); the names
people type (brands, synonyms, other spellings) come from the drug-named-entity-recognition
package's dictionary (DrugBank, MeSH, Wikipedia and NHS names; MIT). Only its exact table is
used: its fuzzy matching misreads everyday words and raises errors on ordinary sentences
(measured, docs/architecture.md), so misspellings are left to the red-flag detector's own
bounded speller. The dictionary is read at training time only (about 360 MB and 3 s to load);
the names end up in the model with the rest of the red-flag vocabulary.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Dict, List, Tuple

from knowledge.loader import Content

#: a usable name: letters (any script), digits, spaces and hyphens; no "sodium, warfarin"
_NAME = re.compile(r"^[^\W_][\w\- ]*$")
MIN_NAME_LENGTH = 4


def dictionary_names() -> Dict[str, List[str]]:
    """canonical entry -> the names the dictionary knows for it (lower case)."""
    from drug_named_entity_recognition.drugs_finder import drug_variant_to_canonical

    names: Dict[str, List[str]] = defaultdict(list)
    for variant, canonicals in drug_variant_to_canonical.items():
        for canonical in canonicals if isinstance(canonicals, list) else [canonicals]:
            names[canonical].append(variant)
    return names


def medicine_names(content: Content, dictionary: Dict[str, List[str]] | None = None) -> Dict[Tuple[str, str], List[str]]:
    """(class id, certainty) -> every name of the class's generics with that certainty."""
    dictionary = dictionary_names() if dictionary is None else dictionary
    classes = {str(c.id): c for c in content.medicine_classes}
    grouped: Dict[Tuple[str, str], set] = defaultdict(set)
    for medicine in content.medicines:
        certainty = medicine.certainty or classes[str(medicine.class_)].certainty
        found = {str(medicine.generic), *map(str, medicine.extra_names)}
        for canonical in [str(n) for n in medicine.names] or [str(medicine.generic)]:
            found.update(dictionary.get(str(canonical).lower(), []))
        grouped[(str(medicine.class_), certainty)].update(
            name.lower() for name in found if len(name) >= MIN_NAME_LENGTH and _NAME.match(name)
        )
    return {key: sorted(names) for key, names in sorted(grouped.items())}
