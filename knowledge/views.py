"""The two query results that are not one content entry, but composed from several.

Every other query returns the validated models themselves (`knowledge/schema.py`: frozen,
their lists tuples), so the same objects are shared by every request. The schema is imported
for type checking only: actions import this module at start, the content loads on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Optional, Tuple

if TYPE_CHECKING:
    from knowledge.schema import ChecklistItem, Guideline, Source


@dataclass(frozen=True)
class ChecklistView:
    """The one-step safety checklist: its wording and its items, in order."""

    wording: Mapping[str, str]
    items: Tuple[ChecklistItem, ...]

    def item(self, item_id: str) -> Optional[ChecklistItem]:
        return next((i for i in self.items if i.id == item_id), None)

    def for_areas(self, areas: Tuple[str, ...], area_only: bool = False) -> Tuple[ChecklistItem, ...]:
        """The items to show for `areas`; only the area-specific ones for a newly named area."""
        return tuple(i for i in self.items if i.applies_to(areas) and (not area_only or i.scope == "area"))


@dataclass(frozen=True)
class Citations:
    """What an entry comes from: seed articles and clinical guidelines."""

    seeds: Tuple[Source, ...] = ()
    guidelines: Tuple[Guideline, ...] = ()
