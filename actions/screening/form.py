"""The safety screening: possible signs asked about, a one-step checklist, and the outcome.

Only `validate_screening_form` writes `screening_outcome` (clear | caution | refer | urgent |
emergency) and its reasons: the slot has a custom mapping, so no entity, intent or
`/intent{...}` payload can set it. The checklist comes from the knowledge store.

The form's three steps are its required slots, filled the way Rasa's formbot fills custom slots:
`extract_<step>` reads the latest message as an answer to the step asked (`requested_slot`), and
`validate_<step>` returns the slots it leads to, as a dict. Each validation also sends the next
question and sets `requested_slot` itself, instead of an `action_ask_*` action: one action-server
call per answer instead of two (README, "Benchmark"). `run` keeps only what is no slot's validation:

1. a red flag in the latest message, or one stated earlier, ends the screening at once, at any
   step (an unknown or malformed red-flag code counts as "not sure", which refers: never as clear);
   a possible emergency in the same message still gets its advice first, worded conditionally
   (a pregnancy said for certain beside a calf "kinda swolen and hot");
2. on activation, or on the return after an aside, the current step is asked again;
3. otherwise the answer goes to the requested step's extract and validate methods. A message that
   is no answer (a question, a new request) extracts nothing: Rasa then rejects the form, a rule
   answers it, and the form asks again.

The steps:
- `flag_check`, a possible sign not answered yet (the detector's `possible_flag`, from any
  message), is asked about before anything else, one yes/no question quoting the person's words
  (kind flag_check); a possible emergency comes with the emergency advice worded conditionally;
  yes (or not sure) leads to the sign's level, no goes on, anything else asks again. A possible
  sign never clears the screening silently: a "none of these" waits until every pending one is
  answered;
- `checklist_answer`, "Does any of these apply to you?": "none" clears it and the advice follows
  in the same turn (unless the last logged session on an area of the checklist felt worse, or the
  pain was rated 8 or more: then it refers); "yes" (or a tapped "not sure") asks which items; a
  typed hedge ("hmm, maybe?") gets what each answer leads to, and the list's question again; a
  correction asks the list again; anything unreadable gets "is that a yes or a no?";
- `checklist_item`, "Which ones?": each tapped item is kept and the list asked again until
  "That's all", and the most serious item decides (an emergency item at once).
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
from actions.plumbing.knowledge_access import CoachAction, Events, repository
from actions.plumbing.replying import Wording, send
from actions.plumbing.tracker_reading import latest_text
from actions.screening import checklist as lists
from actions.screening import state
from actions.screening.answers import ASIDE, Reading, read_turn
from actions.screening.policy import (
    LEVELS,
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
from observability import metrics

FORM = "screening_form"
Slots = Dict[str, Any]


def heard_the_user(tracker: Tracker) -> bool:
    """This run answers a user message (no other action ran since it), not an activation or a return."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in (FORM, "action_listen", None):
            return False
    return False


def stated_block(repo: KnowledgeRepository, tracker: Tracker, flagged: Sequence[str]) -> Optional[Slots]:
    """The slots ending the screening for red flags the person stated (now or earlier), or None."""
    earlier = [r for r in tracker.get_slot(STATED_SLOT) or [] if r]
    if not flagged and not earlier:
        return None
    flagged = known_or_unsure(repo, flagged)
    rules = [rule for rule in (repo.safety_rule(r) for r in flagged) if rule]
    previous = tracker.get_slot(OUTCOME_SLOT)
    level = worst([previous if is_blocking(previous) else None, *(r.level for r in rules), "refer" if earlier else None])
    return {
        OUTCOME_SLOT: level,
        REASONS_SLOT: list(dict.fromkeys([*flagged, *(tracker.get_slot(REASONS_SLOT) or [])])),
        STATED_SLOT: list(dict.fromkeys([*earlier, *flagged])),
        REQUESTED_SLOT: None,
    }


def as_events(slots: Slots) -> List[EventType]:
    return [SlotSet(name, value) for name, value in slots.items()]


class Screening:
    """One run of the form: what every step reads (the store, the conversation, the checklist
    shown, the possible signs pending) and what every step does (ask, clear, decide)."""

    def __init__(self, repo: KnowledgeRepository, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> None:
        self.repo, self.dispatcher, self.tracker, self.wording = repo, dispatcher, tracker, Wording(domain)
        self.checklist = repo.checklist()
        self.levels: Dict[str, str] = {rule.id: rule.level for rule in repo.safety_rules()}
        self.pending = state.pending_flags(tracker, self.levels)
        self.items = state.shown_items(tracker, self.checklist)

    def reading(self) -> Reading:
        """The latest message as an answer to this checklist."""
        return read_turn(self.tracker, self.items)

    def is_item(self, value: object) -> bool:
        """`value` is the id of an item this checklist shows (what `read_turn` reads as an item)."""
        return any(item.id == value for item in self.items)

    def chosen(self) -> List[str]:
        """The items tapped so far."""
        return [i for i in self.tracker.get_slot(state.ITEMS_SLOT) or [] if isinstance(i, str) and self.checklist.item(i)]

    def ask(self, step: Optional[str] = None, pending: Optional[Sequence[state.PossibleFlag]] = None) -> Slots:
        """Ask the current step: a possible sign's question, the whole list, or "which ones?".

        After a possible sign's question, the step the person was on: "which ones?" when items
        are chosen already (so "That's all" still decides by them), else the list."""
        pending = self.pending if pending is None else pending
        if pending:
            return self.ask_flag(pending[0])
        if self.tracker.get_slot(state.SCOPE_SLOT) == state.NONE or self.tracker.get_slot(state.ANSWER_SLOT) == NO:
            return self.cleared()  # only possible signs were to be asked, or the list was answered already
        step = step or self.tracker.get_slot(REQUESTED_SLOT) or state.ANSWER_SLOT
        if step == state.FLAG_SLOT:
            step = state.ITEM_SLOT if self.chosen() else state.ANSWER_SLOT
        if step == state.ITEM_SLOT:
            send(self.dispatcher, lists.which_reply(self.checklist, self.items, self.chosen()))
            return {REQUESTED_SLOT: state.ITEM_SLOT}
        area_only = self.tracker.get_slot(state.SCOPE_SLOT) == state.AREA
        names = lists.area_names(self.repo, self.tracker.get_slot(state.AREAS_SLOT) or [])
        send(self.dispatcher, lists.checklist_reply(self.checklist, self.items, area_only, names, self.wording))
        [context] = remember("checklist", [("checklist_item", i.id) for i in self.items])
        return {REQUESTED_SLOT: state.ANSWER_SLOT, context["name"]: context["value"]}

    def warn(self, flag: state.PossibleFlag) -> None:
        """A possible emergency's advice, worded conditionally."""
        words = self.checklist.wording
        template = words["flag_if_unread" if flag.rule == words["unread_rule"] else "flag_if_emergency"]
        send(self.dispatcher, conditional_emergency(self.repo, flag.rule, template, self.wording))

    def warn_beside(self, outcome: Optional[str]) -> None:
        """A certain sign below an emergency ends the screening before any possible sign is asked:
        a possible emergency in the same message still gets its advice, worded conditionally."""
        if outcome == "emergency":
            return
        entities = self.tracker.latest_message.get("entities") or []
        latest = {e.get("value") for e in entities if e.get("entity") == state.POSSIBLE_ENTITY}
        emergency = next((f for f in self.pending if f.rule in latest and self.levels[f.rule] == "emergency"), None)
        if emergency:
            self.warn(emergency)

    def ask_flag(self, flag: state.PossibleFlag, unclear: bool = False) -> Slots:
        """The one yes/no question about a possible sign; a possible emergency's advice first."""
        level, words = self.levels[flag.rule], self.checklist.wording
        unread = flag.rule == words["unread_rule"]  # a message the coach cannot read: no words to quote
        if level == "emergency" and not unclear:
            self.warn(flag)
        rule, fallback = self.repo.safety_rule(flag.rule), self.repo.safety_rule(words["unsure_rule"])
        question = (rule.confirm if rule else None) or (fallback.confirm if fallback else None) or ""
        intro = words["flag_intro_unread"] if unread and not unclear else None
        send(self.dispatcher, lists.flag_check_reply(self.checklist, flag.rule, level, flag.quote, question, unclear, intro))
        metrics.flag_check_asked()
        return {state.FLAG_SLOT: flag.rule, REQUESTED_SLOT: state.FLAG_SLOT}

    def outcome(self, level: str, reasons: Sequence[str]) -> Slots:
        """The screening's result: outcome, reasons, the areas it covered and when."""
        covered = [
            *(self.tracker.get_slot(state.SCREENED_AREAS_SLOT) or []),
            *(self.tracker.get_slot(state.AREAS_SLOT) or []),
            *(self.tracker.get_slot("areas_in_focus") or []),
        ]
        return {
            OUTCOME_SLOT: level,
            REASONS_SLOT: list(dict.fromkeys(reasons)),
            state.SCREENED_AREAS_SLOT: list(dict.fromkeys(covered)),
            state.SCREENED_AT_SLOT: time.time(),
            REQUESTED_SLOT: None,
        }

    def cleared(self) -> Slots:
        """Nothing on the list applies (or there was no list): clear, unless something else refers."""
        worse = set(self.tracker.get_slot(WORSE_SLOT) or []) & set(self.tracker.get_slot(state.AREAS_SLOT) or [])
        if worse:  # the last session on this area felt worse: none of the list changes that
            return {state.ANSWER_SLOT: NO, **self.outcome("refer", [WORSE_RULE])}
        if pain_at_least(self.tracker.get_slot("pain_level"), SEVERE_FROM_PAIN):  # as a typed "9/10" does
            return {state.ANSWER_SLOT: NO, **self.outcome("refer", [SEVERE_PAIN_RULE])}
        if self.tracker.get_slot(state.SCOPE_SLOT) == state.NONE:
            previous = self.tracker.get_slot(OUTCOME_SLOT)
            return self.outcome(previous if previous in ("clear", "caution") else "clear", [])
        return {state.ANSWER_SLOT: NO, **self.outcome("clear", [])}

    def choose(self, item_id: str) -> Slots:
        """One more item applies: an emergency item decides at once, otherwise "anything else?"."""
        item = self.checklist.item(item_id)
        assert item is not None  # only items of this checklist are read as items
        chosen = list(dict.fromkeys([*(self.tracker.get_slot(state.ITEMS_SLOT) or []), item.id]))
        if item.level == "emergency":
            return {state.ITEM_SLOT: item.id, state.ITEMS_SLOT: chosen, **self.decide(chosen)}
        send(self.dispatcher, lists.which_reply(self.checklist, self.items, chosen))
        return {state.ITEM_SLOT: item.id, state.ITEMS_SLOT: chosen, REQUESTED_SLOT: state.ITEM_SLOT}

    def decide(self, chosen: Sequence[str], more: Sequence[str] = ()) -> Slots:
        """The outcome of the items chosen (and `more` rules): the most serious decides."""
        items = [i for i in (self.checklist.item(c) for c in chosen) if i is not None]
        ranked = sorted(items, key=lambda i: LEVELS.index(i.level), reverse=True)
        level = worst([*(i.level for i in ranked), "refer" if more else None])
        return self.outcome(level, [*(i.covers[0] for i in ranked), *more])


class ValidateScreeningForm(FormValidationAction):
    """The screening's three steps as slot validations (see the module docstring)."""

    def name(self) -> str:
        return "validate_screening_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        repo = repository()
        blocked = stated_block(repo, tracker, red_flag_rules(tracker))
        if blocked is not None:  # a red flag wins, whatever the step and whatever else the message says
            Screening(repo, dispatcher, tracker, domain).warn_beside(blocked[OUTCOME_SLOT])
            return as_events(blocked)
        if tracker.get_slot(REQUESTED_SLOT) and heard_the_user(tracker):
            return await super().run(dispatcher, tracker, domain)  # extract_<step>, then validate_<step>
        return as_events(Screening(repo, dispatcher, tracker, domain).ask())  # activation, or the return after an aside

    @staticmethod
    def answer_to(step: str, tracker: Tracker) -> Optional[Reading]:
        """The latest message as an answer to `step`, when that step was asked and it is an answer."""
        if tracker.get_slot(REQUESTED_SLOT) != step:
            return None
        reading = read_turn(tracker, state.shown_items(tracker, repository().checklist()))
        return None if reading.kind == ASIDE else reading  # an aside: the rules answer it, then the form asks again

    def extract_flag_check(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        """The sign asked about, when the message answers its question (validate_flag_check reads the answer)."""
        return {state.FLAG_SLOT: tracker.get_slot(state.FLAG_SLOT)} if self.answer_to(state.FLAG_SLOT, tracker) else {}

    def extract_checklist_answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        """The answer as read: yes | no | unsure | correction | unclear, or the id of an item named."""
        reading = self.answer_to(state.ANSWER_SLOT, tracker)
        return {state.ANSWER_SLOT: reading.item or reading.kind} if reading else {}

    def extract_checklist_item(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        """The item tapped or named, or the answer as read (no: "That's all"; unsure; correction; unclear)."""
        reading = self.answer_to(state.ITEM_SLOT, tracker)
        return {state.ITEM_SLOT: reading.item or reading.kind} if reading else {}

    def validate_flag_check(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        """The answer to the question about possible sign `value`."""
        screening = Screening(repository(), dispatcher, tracker, domain)
        pending = screening.pending
        flag = next((f for f in pending if f.rule == value), pending[0] if pending else None)
        if flag is None:  # nothing left to ask (answered in the meantime): carry on with the list
            return {state.FLAG_SLOT: None, **screening.ask()}
        answer = screening.reading().kind
        if answer in (YES, UNSURE):
            stated = {STATED_SLOT: [*(tracker.get_slot(STATED_SLOT) or []), flag.rule]} if answer == YES else {}
            return {**stated, **screening.outcome(screening.levels[flag.rule], [flag.rule])}
        if answer == NO:
            checked = [*(tracker.get_slot(state.CHECKED_SLOT) or []), flag.rule]
            rest = [f for f in pending if f.rule != flag.rule]
            return {state.CHECKED_SLOT: checked, state.FLAG_SLOT: None, **screening.ask(pending=rest)}
        return screening.ask_flag(flag, unclear=True)

    def validate_checklist_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        """The answer to "Does any of these apply to you?"."""
        screening = Screening(repository(), dispatcher, tracker, domain)
        if screening.pending and not screening.is_item(value):
            # a possible sign in the answer itself is asked about first; a plain "none of these" is
            # kept, so the screening clears once the sign is answered "no"
            return {state.ANSWER_SLOT: NO if value == NO else None, **screening.ask()}
        if value == NO:
            return screening.cleared()
        if screening.is_item(value):
            return {state.ANSWER_SLOT: YES, **screening.choose(value)}
        if value == UNSURE and not latest_text(tracker).startswith("/"):
            # a typed hedge ("hmm, maybe?") is neither a yes nor a no: what each leads to, asked plainly
            send(dispatcher, lists.unclear_reply(screening.checklist, hedged=True))
            return {state.ANSWER_SLOT: None, REQUESTED_SLOT: state.ANSWER_SLOT}
        if value in (YES, UNSURE):
            send(dispatcher, lists.which_reply(screening.checklist, screening.items))
            return {state.ANSWER_SLOT: value, state.ITEMS_SLOT: [], REQUESTED_SLOT: state.ITEM_SLOT}
        if value == CORRECTION:
            return {state.ANSWER_SLOT: None, **screening.ask(state.ANSWER_SLOT)}
        send(dispatcher, lists.unclear_reply(screening.checklist))  # unclear: never a guessed yes or no
        return {state.ANSWER_SLOT: None, REQUESTED_SLOT: state.ANSWER_SLOT}

    def validate_checklist_item(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        """The answer to "Which ones?": every item that applies, until "That's all"."""
        screening = Screening(repository(), dispatcher, tracker, domain)
        if screening.is_item(value):
            return screening.choose(value)
        if screening.pending:  # a possible sign in the answer is asked about first (what follows: Screening.ask)
            return {state.ITEM_SLOT: None, **screening.ask()}
        chosen = screening.chosen()
        if value == UNSURE:
            return {state.ITEM_SLOT: UNSURE, **screening.decide(chosen, [screening.checklist.wording["unsure_rule"]])}
        if value == NO and chosen:  # "That's all"
            return {state.ITEM_SLOT: None, **screening.decide(chosen)}
        if value in (NO, CORRECTION):  # "sorry, none of them": the list again
            return {
                state.ITEM_SLOT: None,
                state.ANSWER_SLOT: None,
                state.ITEMS_SLOT: [],
                **screening.ask(state.ANSWER_SLOT),
            }
        send(dispatcher, lists.which_reply(screening.checklist, screening.items, chosen))
        return {state.ITEM_SLOT: None, REQUESTED_SLOT: state.ITEM_SLOT}


class ActionExplainChecklist(CoachAction):
    """ "Why do you ask?": why each check on the list matters (the form then asks again)."""

    NAME = "action_explain_checklist"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        checklist = repo.checklist()
        items = state.shown_items(tracker, checklist) or checklist.items
        send(dispatcher, lists.why_reply(checklist, items))
        return []


class ActionScreeningResult(CoachAction):
    """Says what the screening decided, then carries on with what the person asked for."""

    NAME = "action_screening_result"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
        outcome = tracker.get_slot(OUTCOME_SLOT)
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


class ActionRedoChecklist(CoachAction):
    """ "Sorry, I answered wrongly": a referral from a checklist answer can be answered again;
    one from a red flag the person stated stays for the conversation."""

    NAME = "action_redo_checklist"

    async def do(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: KnowledgeRepository, wording: Wording) -> Events:
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
