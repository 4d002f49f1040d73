"""The safety screening: possible signs asked about, a one-step checklist, and the outcome.

Only `validate_screening_form` writes `screening_outcome` (clear | caution | refer | urgent |
emergency) and its reasons: the slot has a custom mapping, so no entity, intent or
`/intent{...}` payload can set it. One validation loop reads the checklist from the knowledge
store; there are no per-question methods.

Each run of the form (activation, an answer, the return after an aside) is one call here:
1. a red flag in the latest message, or one stated earlier, ends the screening at once (an
   unknown or malformed red-flag code counts as "not sure", which refers: never as clear);
2. a possible sign not answered yet (the detector's `possible_flag`, from any message) is asked
   about first, one yes/no question quoting the person's words (kind flag_check); a possible
   emergency comes with the emergency advice worded conditionally; yes (or not sure) leads to
   the sign's level, no goes on, anything else asks again. A possible sign never clears the
   screening silently: a "none of these" waits until every pending one is answered;
3. on activation or return, the current step is asked again (the question, the list, or
   "which ones?");
4. otherwise the latest message is read as an answer (actions/screening/answers.py):
   "none" clears it and the advice follows in the same turn (unless the last logged session
   on an area of the checklist felt worse, or the pain was rated 8 or more: then it refers);
   "yes" (or a tapped "not sure") asks which items; a typed hedge ("hmm, maybe?") gets what
   each answer leads to, and the list's question again; each tapped item is kept and the list asked again
   until "That's all", and the most serious item decides (an emergency item at once); a
   correction asks the list again; anything unreadable gets "is that a yes or a no?"; an aside
   (a question, a new request) is left to the rules, and the form then asks again.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.advice.delivery import deliver
from actions.coaching.session_log import WORSE_RULE, WORSE_SLOT
from actions.plumbing.context import remember
from actions.plumbing.knowledge_access import KnowledgeAction, repository
from actions.plumbing.replying import Wording, send
from actions.plumbing.tracker_reading import latest_text
from actions.screening import checklist as lists
from actions.screening import state
from actions.screening.answers import ASIDE, ITEM, Reading, read_turn
from actions.screening.policy import (
    OUTCOME_SLOT,
    REASONS_SLOT,
    SEVERE_FROM_PAIN,
    SEVERE_PAIN_RULE,
    STATED_SLOT,
    conditional_emergency,
    is_blocking,
    known_or_unsure,
    pain_at_least,
    red_flag_rules,
    referral_reply,
    worst,
)
from components.answers import CORRECTION, NO, UNSURE, YES
from knowledge.repository import KnowledgeRepository
from knowledge.views import ChecklistView
from observability import metrics

FORM = "screening_form"


def heard_the_user(tracker: Tracker) -> bool:
    """This run answers a user message (no other action ran since it), not an activation or a return."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in (FORM, "action_listen", None):
            return False
    return False


def outcome_events(tracker: Tracker, level: str, reasons: Sequence[str]) -> List[EventType]:
    """The screening's result: outcome, reasons, the areas it covered and when."""
    screened = list(
        dict.fromkeys(
            [
                *(tracker.get_slot(state.SCREENED_AREAS_SLOT) or []),
                *(tracker.get_slot(state.AREAS_SLOT) or []),
                *(tracker.get_slot("areas_in_focus") or []),
            ]
        )
    )
    return [
        SlotSet(OUTCOME_SLOT, level),
        SlotSet(REASONS_SLOT, list(dict.fromkeys(reasons))),
        SlotSet(state.SCREENED_AREAS_SLOT, screened),
        SlotSet(state.SCREENED_AT_SLOT, time.time()),
        SlotSet(REQUESTED_SLOT, None),
    ]


def stated_block(repo: KnowledgeRepository, tracker: Tracker, flagged: Sequence[str]) -> Optional[List[EventType]]:
    """Events ending the screening for red flags the person stated (now or earlier), or None."""
    earlier = [r for r in tracker.get_slot(STATED_SLOT) or [] if r]
    if not flagged and not earlier:
        return None
    flagged = known_or_unsure(repo, flagged)
    rules = [rule for rule in (repo.safety_rule(r) for r in flagged) if rule]
    previous = tracker.get_slot(OUTCOME_SLOT)
    level = worst([previous if is_blocking(previous) else None, *(r.level for r in rules), "refer" if earlier else None])
    reasons = list(dict.fromkeys([*flagged, *(tracker.get_slot(REASONS_SLOT) or [])]))
    return [
        SlotSet(OUTCOME_SLOT, level),
        SlotSet(REASONS_SLOT, reasons),
        SlotSet(STATED_SLOT, list(dict.fromkeys([*earlier, *flagged]))),
        SlotSet(REQUESTED_SLOT, None),
    ]


class ValidateScreeningForm(FormValidationAction):
    """The checklist's one validation loop (see the module docstring)."""

    def name(self) -> str:
        return "validate_screening_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return await self.validate(dispatcher, tracker, domain, repository())

    async def validate(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, repo: KnowledgeRepository
    ) -> List[EventType]:
        blocked = stated_block(repo, tracker, red_flag_rules(tracker))
        if blocked is not None:
            return blocked
        checklist = repo.checklist()
        levels: Dict[str, str] = {rule.id: rule.level for rule in repo.safety_rules()}
        pending = state.pending_flags(tracker, levels)
        step = tracker.get_slot(REQUESTED_SLOT)
        if not step or not heard_the_user(tracker):
            return self.ask(dispatcher, repo, tracker, checklist, pending, levels, domain)
        reading = read_turn(tracker, state.shown_items(tracker, checklist))
        if step == state.FLAG_SLOT:
            return self.flag_step(dispatcher, repo, tracker, checklist, pending, levels, reading, domain)
        if reading.kind == ASIDE:
            return []  # not an answer: the rules answer it, then the form asks again
        if pending and reading.kind != ITEM:  # a possible sign in the answer itself: asked about first
            return [*self._keep_answer(reading), *self.ask(dispatcher, repo, tracker, checklist, pending, levels, domain)]
        if step == state.ITEM_SLOT:
            return self.which_step(dispatcher, repo, tracker, checklist, reading, domain)
        return self.answer_step(dispatcher, repo, tracker, checklist, reading, domain)

    @staticmethod
    def _keep_answer(reading: Reading) -> List[EventType]:
        """A plain "none of these" given together with a possible sign: kept, so the screening
        clears once the sign is answered "no"."""
        return [SlotSet(state.ANSWER_SLOT, NO)] if reading.kind == NO else []

    def ask(
        self,
        dispatcher: CollectingDispatcher,
        repo: KnowledgeRepository,
        tracker: Tracker,
        checklist: ChecklistView,
        pending: Sequence[state.PossibleFlag],
        levels: Dict[str, str],
        domain: DomainDict,
        step: Optional[str] = None,
    ) -> List[EventType]:
        """Ask the current step: a possible sign's question, the whole list, or "which ones?"."""
        if pending:
            return self.ask_flag(dispatcher, repo, checklist, pending[0], levels, domain)
        step = step or tracker.get_slot(REQUESTED_SLOT) or state.ANSWER_SLOT
        if step == state.FLAG_SLOT:
            step = state.ANSWER_SLOT
        if tracker.get_slot(state.SCOPE_SLOT) == state.NONE or tracker.get_slot(state.ANSWER_SLOT) == NO:
            return self.cleared(tracker)  # only possible signs were to be asked, or the list was answered already
        items = state.shown_items(tracker, checklist)
        if step == state.ITEM_SLOT:
            send(dispatcher, lists.which_reply(checklist, items, tracker.get_slot(state.ITEMS_SLOT) or []))
            return [SlotSet(REQUESTED_SLOT, state.ITEM_SLOT)]
        area_only = tracker.get_slot(state.SCOPE_SLOT) == state.AREA
        names = lists.area_names(repo, tracker.get_slot(state.AREAS_SLOT) or [])
        send(dispatcher, lists.checklist_reply(checklist, items, area_only, names, Wording(domain)))
        return [SlotSet(REQUESTED_SLOT, state.ANSWER_SLOT), *remember("checklist", [("checklist_item", i.id) for i in items])]

    @staticmethod
    def ask_flag(
        dispatcher: CollectingDispatcher,
        repo: KnowledgeRepository,
        checklist: ChecklistView,
        flag: state.PossibleFlag,
        levels: Dict[str, str],
        domain: DomainDict,
        unclear: bool = False,
    ) -> List[EventType]:
        """The one yes/no question about a possible sign; a possible emergency's advice first."""
        level = levels[flag.rule]
        if level == "emergency" and not unclear:
            send(dispatcher, conditional_emergency(repo, flag.rule, checklist.wording["flag_if_emergency"], Wording(domain)))
        rule, fallback = repo.safety_rule(flag.rule), repo.safety_rule(checklist.wording["unsure_rule"])
        question = (rule.confirm if rule else None) or (fallback.confirm if fallback else None) or ""
        send(dispatcher, lists.flag_check_reply(checklist, flag.rule, level, flag.quote, question, unclear))
        metrics.flag_check_asked()
        return [SlotSet(state.FLAG_SLOT, flag.rule), SlotSet(REQUESTED_SLOT, state.FLAG_SLOT)]

    def flag_step(
        self,
        dispatcher: CollectingDispatcher,
        repo: KnowledgeRepository,
        tracker: Tracker,
        checklist: ChecklistView,
        pending: Sequence[state.PossibleFlag],
        levels: Dict[str, str],
        reading: Reading,
        domain: DomainDict,
    ) -> List[EventType]:
        """The answer to a possible sign's question."""
        asked = tracker.get_slot(state.FLAG_SLOT)
        flag = next((f for f in pending if f.rule == asked), pending[0] if pending else None)
        if flag is None:  # nothing left to ask (answered in the meantime): carry on with the list
            return [SlotSet(state.FLAG_SLOT, None), *self.ask(dispatcher, repo, tracker, checklist, [], levels, domain)]
        if reading.kind in (YES, UNSURE):
            stated = [SlotSet(STATED_SLOT, [*(tracker.get_slot(STATED_SLOT) or []), flag.rule])] if reading.kind == YES else []
            return [*stated, *outcome_events(tracker, levels[flag.rule], [flag.rule])]
        if reading.kind == NO:
            checked = [*(tracker.get_slot(state.CHECKED_SLOT) or []), flag.rule]
            rest = [f for f in pending if f.rule != flag.rule]
            events: List[EventType] = [SlotSet(state.CHECKED_SLOT, checked), SlotSet(state.FLAG_SLOT, None)]
            return [*events, *self.ask(dispatcher, repo, tracker, checklist, rest, levels, domain, state.ANSWER_SLOT)]
        if reading.kind == ASIDE:
            return []  # the rules answer it, then the question comes again
        return self.ask_flag(dispatcher, repo, checklist, flag, levels, domain, unclear=True)

    def cleared(self, tracker: Tracker) -> List[EventType]:
        """Nothing on the list applies (or there was no list): clear, unless something else refers."""
        worse = set(tracker.get_slot(WORSE_SLOT) or []) & set(tracker.get_slot(state.AREAS_SLOT) or [])
        if worse:  # the last session on this area felt worse: none of the list changes that
            return [SlotSet(state.ANSWER_SLOT, NO), *outcome_events(tracker, "refer", [WORSE_RULE])]
        if pain_at_least(tracker.get_slot("pain_level"), SEVERE_FROM_PAIN):  # as a typed "9/10" does
            return [SlotSet(state.ANSWER_SLOT, NO), *outcome_events(tracker, "refer", [SEVERE_PAIN_RULE])]
        if tracker.get_slot(state.SCOPE_SLOT) == state.NONE:
            previous = tracker.get_slot(OUTCOME_SLOT)
            return outcome_events(tracker, previous if previous in ("clear", "caution") else "clear", [])
        return [SlotSet(state.ANSWER_SLOT, NO), *outcome_events(tracker, "clear", [])]

    def answer_step(
        self,
        dispatcher: CollectingDispatcher,
        repo: KnowledgeRepository,
        tracker: Tracker,
        checklist: ChecklistView,
        reading: Reading,
        domain: DomainDict,
    ) -> List[EventType]:
        """The answer to "Does any of these apply to you?"."""
        if reading.kind == NO:
            return self.cleared(tracker)
        if reading.kind == ITEM and reading.item:
            return self.choose(dispatcher, tracker, checklist, reading.item)
        if reading.kind == UNSURE and not latest_text(tracker).startswith("/"):
            # a typed hedge ("hmm, maybe?") is neither a yes nor a no: what each leads to, asked plainly
            send(dispatcher, lists.unclear_reply(checklist, hedged=True))
            return [SlotSet(state.ANSWER_SLOT, None), SlotSet(REQUESTED_SLOT, state.ANSWER_SLOT)]
        if reading.kind in (YES, UNSURE):
            send(dispatcher, lists.which_reply(checklist, state.shown_items(tracker, checklist)))
            return [
                SlotSet(state.ANSWER_SLOT, reading.kind),
                SlotSet(state.ITEMS_SLOT, []),
                SlotSet(REQUESTED_SLOT, state.ITEM_SLOT),
            ]
        if reading.kind == CORRECTION:
            return [
                SlotSet(state.ANSWER_SLOT, None),
                *self.ask(dispatcher, repo, tracker, checklist, [], {}, domain, state.ANSWER_SLOT),
            ]
        send(dispatcher, lists.unclear_reply(checklist))  # UNCLEAR: never a guessed yes or no
        return [SlotSet(state.ANSWER_SLOT, None), SlotSet(REQUESTED_SLOT, state.ANSWER_SLOT)]

    def which_step(
        self,
        dispatcher: CollectingDispatcher,
        repo: KnowledgeRepository,
        tracker: Tracker,
        checklist: ChecklistView,
        reading: Reading,
        domain: DomainDict,
    ) -> List[EventType]:
        """The answer to "Which ones?": every item that applies, until "That's all"."""
        chosen = [i for i in tracker.get_slot(state.ITEMS_SLOT) or [] if isinstance(i, str) and checklist.item(i)]
        if reading.kind == ITEM and reading.item:
            return self.choose(dispatcher, tracker, checklist, reading.item)
        if reading.kind == UNSURE:
            return [
                SlotSet(state.ITEM_SLOT, UNSURE),
                *self.decide(tracker, checklist, chosen, [checklist.wording["unsure_rule"]]),
            ]
        if reading.kind == NO and chosen:  # "That's all"
            return self.decide(tracker, checklist, chosen)
        if reading.kind in (NO, CORRECTION):  # "sorry, none of them": the list again
            return [
                SlotSet(state.ANSWER_SLOT, None),
                SlotSet(state.ITEM_SLOT, None),
                SlotSet(state.ITEMS_SLOT, []),
                *self.ask(dispatcher, repo, tracker, checklist, [], {}, domain, state.ANSWER_SLOT),
            ]
        send(dispatcher, lists.which_reply(checklist, state.shown_items(tracker, checklist), chosen))
        return [SlotSet(REQUESTED_SLOT, state.ITEM_SLOT)]

    def choose(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, checklist: ChecklistView, item_id: str
    ) -> List[EventType]:
        """One more item applies: an emergency item decides at once, otherwise "anything else?"."""
        item = checklist.item(item_id)
        assert item is not None  # read_turn only returns items of this checklist
        chosen = list(dict.fromkeys([*(tracker.get_slot(state.ITEMS_SLOT) or []), item.id]))
        if item.level == "emergency":
            return [SlotSet(state.ITEMS_SLOT, chosen), *self.decide(tracker, checklist, chosen)]
        send(dispatcher, lists.which_reply(checklist, state.shown_items(tracker, checklist), chosen))
        return [SlotSet(state.ITEM_SLOT, item.id), SlotSet(state.ITEMS_SLOT, chosen), SlotSet(REQUESTED_SLOT, state.ITEM_SLOT)]

    @staticmethod
    def decide(tracker: Tracker, checklist: ChecklistView, chosen: Sequence[str], more: Sequence[str] = ()) -> List[EventType]:
        """The outcome of the items chosen (and `more` rules): the most serious decides."""
        items = [i for i in (checklist.item(c) for c in chosen) if i is not None]
        ranked = sorted(items, key=lambda i: LEVEL_RANK[i.level], reverse=True)
        level = worst([*(i.level for i in ranked), "refer" if more else None])
        return outcome_events(tracker, level, [*(i.covers[0] for i in ranked), *more])


LEVEL_RANK = {"caution": 1, "refer": 2, "urgent": 3, "emergency": 4}


class ActionExplainChecklist(KnowledgeAction):
    """ "Why do you ask?": why each check on the list matters (the form then asks again)."""

    def name(self) -> str:
        return "action_explain_checklist"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        checklist = repo.checklist()
        items = state.shown_items(tracker, checklist) or checklist.items
        send(dispatcher, lists.why_reply(checklist, items))
        return []


class ActionScreeningResult(KnowledgeAction):
    """Says what the screening decided, then carries on with what the person asked for."""

    def name(self) -> str:
        return "action_screening_result"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        outcome = tracker.get_slot(OUTCOME_SLOT)
        wording = Wording(domain)
        if outcome is None:  # stopped, or the library was down: no advice, nothing to say
            return []
        rules = (repo.safety_rule(r) for r in tracker.get_slot(REASONS_SLOT) or [])
        metrics.screening_outcome(outcome, [rule.kind for rule in rules if rule])
        if is_blocking(outcome):
            stated = [r for r in tracker.get_slot(STATED_SLOT) or [] if r]
            reasons = tracker.get_slot(REASONS_SLOT) or []
            send(dispatcher, referral_reply(repo, wording, reasons, outcome, can_reanswer=not stated))
            return [SlotSet("pending_request", None), *remember("referral", [("safety_rule", r) for r in reasons])]
        if outcome == "caution":
            hold = repo.default_dosing().get("hold_time")
            dispatcher.utter_message(
                response="utter_screening_caution", hold=hold.value.describe(" s") if hold and hold.value else ""
            )
        else:
            dispatcher.utter_message(response="utter_screening_clear")
        if not tracker.get_slot("areas_in_focus") and tracker.get_slot("body_area"):
            # the check ran straight from a possible sign, before the gate saw the area named in
            # the same message: the gate takes the request now (it checks that area's items)
            named = [a for a in tracker.get_slot("body_area") or [] if repo.body_area(a)]
            return [SlotSet("areas_in_focus", named[:1]), FollowupAction("action_request_hands_on")]
        return deliver(dispatcher, tracker, repo, wording)


class ActionRedoChecklist(KnowledgeAction):
    """ "Sorry, I answered wrongly": a referral from a checklist answer can be answered again;
    one from a red flag the person stated stays for the conversation."""

    def name(self) -> str:
        return "action_redo_checklist"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any], repo: KnowledgeRepository
    ) -> List[Dict[str, Any]]:
        wording = Wording(domain)
        outcome = tracker.get_slot(OUTCOME_SLOT)
        if [r for r in tracker.get_slot(STATED_SLOT) or [] if r]:
            send(dispatcher, referral_reply(repo, wording, tracker.get_slot(REASONS_SLOT) or [], outcome or "refer", still=True))
            return [SlotSet("hands_on_next", "none")]
        if outcome is None and not tracker.get_slot(state.ANSWER_SLOT):
            dispatcher.utter_message(response="utter_nothing_to_correct")
            return [SlotSet("hands_on_next", "none")]
        areas = list(tracker.get_slot(state.AREAS_SLOT) or tracker.get_slot("areas_in_focus") or [])
        return [
            SlotSet(OUTCOME_SLOT, None),
            SlotSet(REASONS_SLOT, []),
            SlotSet(state.CHECKED_SLOT, []),
            SlotSet(state.SCREENED_AT_SLOT, None),
            *state.start_events(state.GENERAL, areas),
            SlotSet("pending_request", tracker.get_slot("pending_request") or "exercise"),
            SlotSet("hands_on_next", "screen"),
        ]
