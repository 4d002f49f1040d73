"""The one-step safety checklist as replies: the list, "which ones?", "why do you ask?", and
the one targeted question about a possible sign (flag_check).

Every word comes from the knowledge store (knowledge/content/screening.yml), so the list
and its wording have one definition; each channel draws its own buttons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Sequence

from actions.plumbing.replying import Wording, join_names, payload
from knowledge.repository import KnowledgeRepository
from knowledge.views import ChecklistView
from replies.model import Button, Reply

if TYPE_CHECKING:
    from knowledge.schema import ChecklistItem

#: the entity a "which one?" button carries (payload /inform{"checklist_item": id})
ITEM_ENTITY = "checklist_item"


def area_names(repo: KnowledgeRepository, areas: Sequence[str]) -> List[str]:
    """Each area's short name in lower case (the id in words when the store has no such area)."""
    return [area.short_name.lower() if (area := repo.body_area(i)) else i.replace("_", " ") for i in areas]


def answer_buttons(checklist: ChecklistView) -> tuple:
    words = checklist.wording
    return (
        Button(words["none_button"], payload("deny")),
        Button(words["yes_button"], payload("affirm")),
        Button(words["why_button"], payload("ask_why")),
    )


def checklist_reply(
    checklist: ChecklistView,
    items: Sequence[ChecklistItem],
    area_only: bool,
    names: Sequence[str],
    wording: Wording,
) -> Reply:
    """The list of checks in one message, ending with "Does any of these apply to you?"."""
    words = checklist.wording
    intro = words["area_intro"].replace("{areas}", join_names(names, wording)) if area_only and names else words["intro"]
    return Reply(
        kind="checklist",
        title=words["title"],
        intro=intro,
        bullets=tuple(item.text for item in items),
        outro=words["question"],
        buttons=answer_buttons(checklist),
        data={"items": [item.id for item in items]},
    )


def unclear_reply(checklist: ChecklistView, hedged: bool = False) -> Reply:
    """ "Sorry, is that a yes or a no?" with the same three buttons; for a typed hedge, what
    each answer leads to."""
    intro = checklist.wording["unsure" if hedged else "unclear"]
    return Reply(kind="checklist_unclear", intro=intro, buttons=answer_buttons(checklist))


def which_reply(checklist: ChecklistView, items: Sequence[ChecklistItem], chosen: Sequence[str] = ()) -> Reply:
    """ "Which ones?": a button per item shown (not yet chosen), "Not sure", and once one is
    chosen, "That's all"."""
    words = checklist.wording
    buttons = [Button(item.label, payload("inform", **{ITEM_ENTITY: item.id})) for item in items if item.id not in chosen]
    if chosen:
        buttons.append(Button(words["done_button"], payload("deny")))
    buttons.append(Button(words["not_sure_button"], payload("unsure")))
    return Reply(
        kind="checklist_which",
        intro=words["more_question"] if chosen else words["which_question"],
        buttons=tuple(buttons),
        data={"chosen": list(chosen)},
    )


def flag_check_reply(
    checklist: ChecklistView,
    rule: str,
    level: str,
    quote: str,
    question: str,
    unclear: bool = False,
    intro: Optional[str] = None,
) -> Reply:
    """One yes/no question about a possible sign, quoting the person's words (kind flag_check);
    `intro` instead of the quote when given."""
    words = checklist.wording
    if unclear:
        intro = words["flag_unclear"]
    elif intro is None:
        intro = words["flag_intro"].replace("{quote}", quote) if quote else words["flag_intro_general"]
    return Reply(
        kind="flag_check",
        intro=intro,
        outro=question,
        buttons=(
            Button(words["flag_yes_button"], payload("affirm")),
            Button(words["flag_no_button"], payload("deny")),
            Button(words["flag_unsure_button"], payload("unsure")),
        ),
        data={"rule": rule, "level": level, "quote": quote},
    )


def why_reply(checklist: ChecklistView, items: Sequence[ChecklistItem]) -> Reply:
    """Why each check is asked, from the store."""
    return Reply(
        kind="checklist_why",
        intro=checklist.wording["why_intro"],
        bullets=tuple(f"{item.label}: {item.why}" for item in items),
        data={"items": [item.id for item in items]},
    )
