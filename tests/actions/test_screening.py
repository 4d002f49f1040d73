"""The safety checklist: its validation action, the outcome, "why", corrections (exact events)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.screening import form
from actions.screening.form import ActionExplainChecklist, ActionRedoChecklist, ActionScreeningResult, ValidateScreeningForm
from knowledge.repository import KnowledgeRepository
from tests.actions.conftest import DOMAIN, entity, make_tracker, replies, reply_of

FORM = "screening_form"
LOWER_BACK = {"areas_in_focus": ["lower_back"], "checklist_scope": "general", "checklist_areas": ["lower_back"]}


def answer_tracker(
    text: str, intent: str, step: str = "checklist_answer", slots: Optional[Dict[str, Any]] = None, **kw: Any
) -> Tracker:
    """The tracker the form sends for a user answer: the user message, then the form itself."""
    values = {**LOWER_BACK, "requested_slot": step, **(slots or {})}
    return make_tracker(values, text=text, intent=intent, active_loop=FORM, **kw)


def activation_tracker(slots: Optional[Dict[str, Any]] = None) -> Tracker:
    tracker = make_tracker({**LOWER_BACK, **(slots or {})}, text="my lower back hurts", intent="report_pain")
    tracker.events.append({"event": "action", "name": "action_request_hands_on"})
    tracker.events.append({"event": "action", "name": FORM})
    return tracker


async def run(tracker: Tracker, domain: dict) -> Tuple[List[Dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await ValidateScreeningForm().run(dispatcher, tracker, domain)
    return events, dispatcher


def outcome(events: List[Dict[str, Any]]) -> Optional[str]:
    return next((e["value"] for e in events if e.get("name") == "screening_outcome"), None)


async def test_activation_shows_the_whole_checklist_in_one_message(domain: dict, repo: KnowledgeRepository) -> None:
    events, dispatcher = await run(activation_tracker(), domain)
    checklist = repo.checklist()
    shown = checklist.for_areas(("lower_back",))
    assert events[0] == SlotSet("requested_slot", "checklist_answer")
    [message] = dispatcher.messages
    reply = reply_of(dispatcher, "checklist")
    assert reply.bullets == tuple(item.text for item in shown)
    assert reply.outro == checklist.wording["question"]
    assert [b.payload for b in reply.buttons] == ["/deny", "/affirm", "/ask_why"]
    assert [b.title for b in reply.buttons] == [
        checklist.wording["none_button"],
        checklist.wording["yes_button"],
        checklist.wording["why_button"],
    ]
    assert "bladder_bowel" in reply.data["items"] and "neck_vessel_signs" not in reply.data["items"]
    assert message["text"].startswith(checklist.wording["title"])  # plain text beside the structure


async def test_a_newly_named_area_shows_only_the_area_items(domain: dict, repo: KnowledgeRepository) -> None:
    slots = {"checklist_scope": "area", "checklist_areas": ["neck"], "areas_in_focus": ["neck"]}
    _, dispatcher = await run(activation_tracker(slots), domain)
    reply = reply_of(dispatcher, "checklist")
    area_items = [i.id for i in repo.checklist().for_areas(("neck",), area_only=True)]
    assert reply.data["items"] == area_items
    assert set(area_items) == {"recent_procedure", "skin_or_swelling", "implanted_device", "neck_vessel_signs"}
    assert "neck" in (reply.intro or "")


@pytest.mark.parametrize(("text", "intent"), [("/deny", "deny"), ("none of those", "deny"), ("I'm healthy", "deny")])
async def test_none_of_these_clears_the_screening(domain: dict, text: str, intent: str) -> None:
    events, dispatcher = await run(answer_tracker(text, intent), domain)
    assert events[0] == SlotSet("checklist_answer", "no")
    assert outcome(events) == "clear"
    assert SlotSet("screening_reasons", []) in events
    assert SlotSet("screened_areas", ["lower_back"]) in events
    assert events[-1] == SlotSet("requested_slot", None)
    assert dispatcher.messages == []  # the result action says it, then the advice follows


async def test_pain_of_8_or_more_refers_as_a_typed_9_out_of_10_does(domain: dict) -> None:
    events, _ = await run(answer_tracker("/deny", "deny", slots={"pain_level": "8"}), domain)
    assert outcome(events) == "refer"
    assert SlotSet("screening_reasons", ["severe_persistent_pain"]) in events
    events, _ = await run(answer_tracker("/deny", "deny", slots={"pain_level": "7"}), domain)
    assert outcome(events) == "clear"


@pytest.mark.parametrize(("text", "intent", "answer"), [("/affirm", "affirm", "yes"), ("/unsure", "unsure", "unsure")])
async def test_yes_or_a_tapped_not_sure_asks_which_one(
    domain: dict, repo: KnowledgeRepository, text: str, intent: str, answer: str
) -> None:
    events, dispatcher = await run(answer_tracker(text, intent), domain)
    assert events == [
        SlotSet("checklist_answer", answer),
        SlotSet("checklist_items", []),
        SlotSet("requested_slot", "checklist_item"),
    ]
    reply = reply_of(dispatcher, "checklist_which")
    shown = repo.checklist().for_areas(("lower_back",))
    assert [b.payload for b in reply.buttons][:-1] == [f'/inform{{"checklist_item": "{i.id}"}}' for i in shown]
    assert reply.buttons[-1].payload == "/unsure"


@pytest.mark.parametrize("text", ["not really", "hmm maybe?", "hmm not sure"])
async def test_a_typed_hedge_is_neither_yes_nor_no_and_says_what_each_leads_to(
    domain: dict, repo: KnowledgeRepository, text: str
) -> None:
    events, dispatcher = await run(answer_tracker(text, "unsure"), domain)
    assert events == [SlotSet("checklist_answer", None), SlotSet("requested_slot", "checklist_answer")]
    reply = reply_of(dispatcher, "checklist_unclear")
    assert reply.intro == repo.checklist().wording["unsure"]
    assert [b.payload for b in reply.buttons] == ["/deny", "/affirm", "/ask_why"]
    assert outcome(events) is None


async def test_every_item_that_applies_is_kept_then_the_most_serious_decides(domain: dict) -> None:
    tracker = answer_tracker(
        '/inform{"checklist_item": "blood_thinners"}',
        "inform",
        step="checklist_item",
        slots={"checklist_answer": "yes", "checklist_items": []},
        entities=[entity("checklist_item", "blood_thinners")],
    )
    events, dispatcher = await run(tracker, domain)
    assert events == [
        SlotSet("checklist_item", "blood_thinners"),
        SlotSet("checklist_items", ["blood_thinners"]),
        SlotSet("requested_slot", "checklist_item"),
    ]
    more = reply_of(dispatcher, "checklist_which")
    assert '/inform{"checklist_item": "blood_thinners"}' not in [b.payload for b in more.buttons]
    assert more.data["chosen"] == ["blood_thinners"] and "/deny" in [b.payload for b in more.buttons]
    # "That's all": a serious-illness item (same day) and blood thinners (refer): same day wins
    done = answer_tracker(
        "/deny",
        "deny",
        step="checklist_item",
        slots={"checklist_answer": "yes", "checklist_items": ["blood_thinners", "serious_illness"]},
    )
    events, _ = await run(done, domain)
    assert outcome(events) == "urgent"
    assert SlotSet("screening_reasons", ["back_pain_systemic", "blood_thinners_or_clots"]) in events


async def test_an_emergency_item_decides_at_once_whatever_was_chosen_before(domain: dict) -> None:
    tracker = answer_tracker(
        '/inform{"checklist_item": "leg_clot_signs"}',
        "inform",
        step="checklist_item",
        slots={"checklist_answer": "yes", "checklist_items": ["recent_procedure"], "checklist_areas": ["calf"]},
        entities=[entity("checklist_item", "leg_clot_signs")],
    )
    events, _ = await run(tracker, domain)
    assert outcome(events) == "emergency"
    assert SlotSet("screening_reasons", ["dvt_signs", "recent_surgery_or_injury"]) in events


async def test_an_emergency_item_is_an_emergency(domain: dict) -> None:
    tracker = answer_tracker("the bladder one", "inform", step="checklist_item", slots={"checklist_answer": "yes"})
    tracker.latest_message["entities"] = [entity("checklist_item", "bladder_bowel")]
    events, _ = await run(tracker, domain)
    assert outcome(events) == "emergency"


async def test_a_typed_ordinal_picks_that_item(domain: dict, repo: KnowledgeRepository) -> None:
    events, _ = await run(
        answer_tracker("the third one", "inform", step="checklist_item", slots={"checklist_answer": "yes"}), domain
    )
    third = repo.checklist().for_areas(("lower_back",))[2]
    assert SlotSet("checklist_items", [third.id]) in events or SlotSet("checklist_item", third.id) in events


async def test_not_sure_which_is_a_referral_with_its_own_reason(domain: dict, repo: KnowledgeRepository) -> None:
    events, _ = await run(answer_tracker("/unsure", "unsure", step="checklist_item", slots={"checklist_answer": "yes"}), domain)
    assert outcome(events) == "refer"
    assert SlotSet("screening_reasons", [repo.checklist().wording["unsure_rule"]]) in events


@pytest.mark.parametrize("text", ["ok", "go ahead", "sure let's start", "I'm male"])
async def test_an_unreadable_answer_is_never_guessed(domain: dict, text: str) -> None:
    events, dispatcher = await run(answer_tracker(text, "affirm"), domain)
    assert events == [SlotSet("checklist_answer", None), SlotSet("requested_slot", "checklist_answer")]
    assert outcome(events) is None
    reply = reply_of(dispatcher, "checklist_unclear")
    assert [b.payload for b in reply.buttons] == ["/deny", "/affirm", "/ask_why"]


async def test_the_classifier_vetoes_a_no_it_disagrees_with(domain: dict) -> None:
    events, dispatcher = await run(answer_tracker("no", "affirm", confidence=0.9), domain)
    assert outcome(events) is None
    assert reply_of(dispatcher, "checklist_unclear")


async def test_sorry_i_meant_no_asks_the_list_again(domain: dict) -> None:
    tracker = answer_tracker("sorry, I meant no", "correct_answer", step="checklist_item", slots={"checklist_answer": "yes"})
    events, dispatcher = await run(tracker, domain)
    assert events[:4] == [
        SlotSet("checklist_item", None),
        SlotSet("checklist_answer", None),
        SlotSet("checklist_items", []),
        SlotSet("requested_slot", "checklist_answer"),
    ]
    assert outcome(events) is None
    assert reply_of(dispatcher, "checklist")


async def test_a_question_mid_checklist_is_left_to_the_rules(domain: dict) -> None:
    events, dispatcher = await run(answer_tracker("what is a trigger point?", "ask_trigger_point_info"), domain)
    assert events == [] and dispatcher.messages == []  # Rasa rejects the form; a rule answers, then the form asks again


async def test_after_an_aside_the_current_step_is_asked_again(domain: dict) -> None:
    tracker = answer_tracker(
        "what is a trigger point?", "ask_trigger_point_info", step="checklist_item", slots={"checklist_answer": "yes"}
    )
    tracker.events.append({"event": "action", "name": "action_answer_question"})
    tracker.events.append({"event": "action", "name": FORM})
    events, dispatcher = await run(tracker, domain)
    assert events == [SlotSet("requested_slot", "checklist_item")]
    assert reply_of(dispatcher, "checklist_which")


async def test_an_emergency_sign_outranks_a_referral(domain: dict) -> None:
    tracker = answer_tracker(
        "on warfarin and my calf is swollen and hot",
        "report_red_flag",
        entities=[entity("red_flag", "blood_thinners_or_clots"), entity("red_flag", "dvt_signs")],
    )
    events, _ = await run(tracker, domain)
    assert outcome(events) == "emergency"


async def test_a_stated_red_flag_stays_for_the_conversation(domain: dict) -> None:
    slots = {"stated_flags": ["pregnancy"], "screening_outcome": "refer", "screening_reasons": ["pregnancy"]}
    events, dispatcher = await run(activation_tracker(slots), domain)
    assert outcome(events) == "refer" and dispatcher.messages == []


async def test_why_do_you_ask_explains_each_item_from_the_store(domain: dict, repo: KnowledgeRepository) -> None:
    dispatcher = CollectingDispatcher()
    await ActionExplainChecklist().run(dispatcher, make_tracker(LOWER_BACK, intent="ask_why"), domain)
    reply = reply_of(dispatcher, "checklist_why")
    shown = repo.checklist().for_areas(("lower_back",))
    assert reply.bullets == tuple(f"{i.label}: {i.why}" for i in shown)


async def test_clear_result_says_so_and_gives_the_steps_in_the_same_turn(domain: dict, repo: KnowledgeRepository) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({**LOWER_BACK, "screening_outcome": "clear", "pending_request": "exercise", "shown_exercises": []})
    events = await ActionScreeningResult().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_screening_clear"
    exercise = reply_of(dispatcher, "exercise")
    assert exercise.steps == repo.exercises_for_area("lower_back")[0].steps
    assert events[0] == SlotSet("shown_exercises", [exercise.data["exercise"]])


async def test_a_checklist_referral_offers_to_answer_again_a_stated_one_does_not(domain: dict) -> None:
    from_checklist = CollectingDispatcher()
    slots = {"screening_outcome": "refer", "screening_reasons": ["blood_thinners_or_clots"]}
    await ActionScreeningResult().run(from_checklist, make_tracker(slots), domain)
    assert [b.payload for b in reply_of(from_checklist, "referral").buttons] == ["/correct_answer"]
    stated = CollectingDispatcher()
    await ActionScreeningResult().run(stated, make_tracker({**slots, "stated_flags": ["blood_thinners_or_clots"]}), domain)
    assert reply_of(stated, "referral").buttons == ()


async def test_an_emergency_result_only_says_to_get_urgent_care(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"screening_outcome": "emergency", "screening_reasons": ["dvt_signs", "blood_thinners_or_clots"]}
    events = await ActionScreeningResult().run(dispatcher, make_tracker(slots), domain)
    [reply] = replies(dispatcher)
    assert reply.kind == "emergency" and reply.data["rules"] == ["dvt_signs"]
    assert "emergency number" in (reply.intro or "")
    assert events[0] == SlotSet("pending_request", None)


async def test_no_outcome_means_no_advice(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    assert await ActionScreeningResult().run(dispatcher, make_tracker({}), domain) == []
    assert dispatcher.messages == []


async def test_a_checklist_referral_can_be_answered_again(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    slots = {**LOWER_BACK, "screening_outcome": "refer", "screening_reasons": ["pregnancy"], "pending_request": "exercise"}
    events = await ActionRedoChecklist().run(dispatcher, make_tracker(slots, intent="correct_answer"), domain)
    assert events == [
        SlotSet("screening_outcome", None),
        SlotSet("screening_reasons", []),
        SlotSet("flags_checked", []),
        SlotSet("screened_at", None),
        SlotSet("flag_check", None),
        SlotSet("checklist_answer", None),
        SlotSet("checklist_item", None),
        SlotSet("checklist_items", []),
        SlotSet("checklist_scope", "general"),
        SlotSet("checklist_areas", ["lower_back"]),
        SlotSet("pending_request", "exercise"),
        SlotSet("hands_on_next", "screen"),
    ]


async def test_a_stated_red_flag_cannot_be_answered_away(domain: dict) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"screening_outcome": "refer", "screening_reasons": ["pregnancy"], "stated_flags": ["pregnancy"]}
    events = await ActionRedoChecklist().run(dispatcher, make_tracker(slots, intent="correct_answer"), domain)
    assert events == [SlotSet("hands_on_next", "none")]
    assert reply_of(dispatcher, "referral").buttons == ()


# --- possible signs: one targeted question each (flag_check) ---------------------------------


def possible(rule: str, text: str, quote: str) -> Dict[str, Any]:
    start = text.index(quote)
    return {"entity": "possible_flag", "value": rule, "start": start, "end": start + len(quote)}


async def test_a_possible_sign_is_asked_about_before_the_list_quoting_the_person(domain: dict) -> None:
    text = "my calves are tight, I'm on xeralto"
    tracker = make_tracker(
        {**LOWER_BACK}, text=text, intent="report_pain", entities=[possible("blood_thinners_or_clots", text, "xeralto")]
    )
    tracker.events.append({"event": "action", "name": FORM})
    events, dispatcher = await run(tracker, domain)
    assert events == [SlotSet("flag_check", "blood_thinners_or_clots"), SlotSet("requested_slot", "flag_check")]
    [reply] = replies(dispatcher)
    assert reply.kind == "flag_check"
    assert reply.data == {"rule": "blood_thinners_or_clots", "level": "refer", "quote": "xeralto"}
    assert "xeralto" in (reply.intro or "") and reply.outro
    assert [b.payload for b in reply.buttons] == ["/affirm", "/deny", "/unsure"]


def flag_answer_tracker(text: str, intent: str, extra_slots: Optional[Dict[str, Any]] = None) -> Tracker:
    said = "my calves are tight, I'm on xeralto"
    earlier = {"event": "user", "text": said, "parse_data": {"entities": [possible("blood_thinners_or_clots", said, "xeralto")]}}
    slots = {"flag_check": "blood_thinners_or_clots", **(extra_slots or {})}
    return answer_tracker(text, intent, step="flag_check", slots=slots, events=[earlier])


async def test_yes_to_a_possible_sign_refers_with_that_sign(domain: dict) -> None:
    events, _ = await run(flag_answer_tracker("/affirm", "affirm"), domain)
    assert outcome(events) == "refer"
    assert SlotSet("screening_reasons", ["blood_thinners_or_clots"]) in events
    assert SlotSet("stated_flags", ["blood_thinners_or_clots"]) in events


async def test_no_to_a_possible_sign_goes_on_to_the_list_and_never_clears_silently(domain: dict) -> None:
    events, dispatcher = await run(flag_answer_tracker("/deny", "deny"), domain)
    assert events[:2] == [SlotSet("flag_check", None), SlotSet("flags_checked", ["blood_thinners_or_clots"])]
    assert outcome(events) is None
    assert reply_of(dispatcher, "checklist")


async def test_an_unclear_answer_to_a_possible_sign_asks_again(domain: dict) -> None:
    events, dispatcher = await run(flag_answer_tracker("purple", "thank"), domain)
    assert outcome(events) is None
    assert events[-1] == SlotSet("requested_slot", "flag_check")
    assert reply_of(dispatcher, "flag_check")


async def test_none_of_these_with_a_possible_sign_asks_about_the_sign_first(domain: dict) -> None:
    text = "none of these apply, I take aspirin daily"
    tracker = answer_tracker(text, "deny", entities=[possible("blood_thinners_or_clots", text, "aspirin")])
    events, dispatcher = await run(tracker, domain)
    assert outcome(events) is None
    assert SlotSet("checklist_answer", "no") in events
    assert reply_of(dispatcher, "flag_check")
    # then "no": the screening clears, without showing the list again
    said = {"event": "user", "text": text, "parse_data": {"entities": tracker.latest_message["entities"]}}
    slots = {"flag_check": "blood_thinners_or_clots", "checklist_answer": "no"}
    events, dispatcher = await run(answer_tracker("no", "deny", step="flag_check", slots=slots, events=[said]), domain)
    assert outcome(events) == "clear"


async def test_a_possible_emergency_gives_the_advice_at_once_worded_conditionally(domain: dict) -> None:
    text = "my leg went kind of swolen and hot"
    tracker = make_tracker({**LOWER_BACK}, text=text, intent="report_red_flag", entities=[possible("dvt_signs", text, "swolen")])
    tracker.events.append({"event": "action", "name": FORM})
    events, dispatcher = await run(tracker, domain)
    emergency, question = replies(dispatcher)
    assert emergency.kind == "emergency" and emergency.data["conditional"] is True
    assert question.kind == "flag_check" and question.data["level"] == "emergency"
    assert outcome(events) is None  # no steps in this turn: the form waits for the answer


async def test_a_certain_sign_below_an_emergency_still_gives_a_possible_emergency_its_advice(domain: dict) -> None:
    text = "I'm 20 weeks pregnant and my calf is kinda swolen and hot"
    start = text.index("pregnant")
    entities = [
        {"entity": "red_flag", "value": "pregnancy", "start": start, "end": start + len("pregnant")},
        possible("dvt_signs", text, "swolen"),
    ]
    tracker = make_tracker({**LOWER_BACK}, text=text, intent="report_red_flag", entities=entities)
    events, dispatcher = await run(tracker, domain)
    assert outcome(events) == "refer"
    [emergency] = replies(dispatcher)  # the referral itself comes from action_screening_result
    assert emergency.kind == "emergency" and emergency.data == {"level": "emergency", "rules": ["dvt_signs"], "conditional": True}


async def test_a_certain_sign_alone_sends_nothing_before_its_outcome(domain: dict) -> None:
    text = "I'm 20 weeks pregnant, can I roll my back"
    start = text.index("pregnant")
    entities = [{"entity": "red_flag", "value": "pregnancy", "start": start, "end": start + len("pregnant")}]
    events, dispatcher = await run(make_tracker({**LOWER_BACK}, text=text, intent="report_red_flag", entities=entities), domain)
    assert outcome(events) == "refer" and replies(dispatcher) == []


UNREAD = "Buenas tardes, desde anoche tengo algo raro y no sé si puedo usar la pelota hoy"


def unread_tracker(text: str = UNREAD, intent: str = "report_red_flag") -> Tracker:
    whole = {"entity": "possible_flag", "value": "unread_language", "start": 0, "end": len(UNREAD)}
    return make_tracker({}, text=text, intent=intent, entities=[whole])


async def test_a_message_the_coach_cannot_read_gets_the_emergency_signs_then_one_question(domain: dict) -> None:
    tracker = unread_tracker()
    tracker.events.append({"event": "action", "name": FORM})
    events, dispatcher = await run(tracker, domain)
    assert events == [SlotSet("flag_check", "unread_language"), SlotSet("requested_slot", "flag_check")]
    emergency, question = replies(dispatcher)
    assert emergency.kind == "emergency"
    assert emergency.data == {"level": "emergency", "rules": ["unread_language"], "conditional": True}
    assert (emergency.intro or "").startswith("Sorry, I can only read English")
    assert "emergency number" in (emergency.intro or "")
    assert question.kind == "flag_check"
    assert question.data == {"rule": "unread_language", "level": "emergency", "quote": ""}
    assert question.intro == "One question first, to be safe."
    assert [b.payload for b in question.buttons] == ["/affirm", "/deny", "/unsure"]


async def test_yes_to_the_question_about_a_message_the_coach_cannot_read_is_an_emergency(domain: dict) -> None:
    earlier = {"event": "user", "text": UNREAD, "parse_data": {"entities": unread_tracker().latest_message["entities"]}}
    tracker = answer_tracker("/affirm", "affirm", step="flag_check", slots={"flag_check": "unread_language"}, events=[earlier])
    events, dispatcher = await run(tracker, domain)
    assert outcome(events) == "emergency"
    assert SlotSet("screening_reasons", ["unread_language"]) in events


async def test_no_to_the_question_about_a_message_the_coach_cannot_read_goes_on_to_the_list(domain: dict) -> None:
    earlier = {"event": "user", "text": UNREAD, "parse_data": {"entities": unread_tracker().latest_message["entities"]}}
    tracker = answer_tracker("/deny", "deny", step="flag_check", slots={"flag_check": "unread_language"}, events=[earlier])
    events, dispatcher = await run(tracker, domain)
    assert events[:2] == [SlotSet("flag_check", None), SlotSet("flags_checked", ["unread_language"])]
    assert outcome(events) is None
    assert reply_of(dispatcher, "checklist")


# --- fail closed ---------------------------------------------------------------------------------


async def test_an_unknown_red_flag_code_never_clears_the_screening(domain: dict) -> None:
    tracker = answer_tracker('/inform{"red_flag":"bogus_rule"}', "inform", entities=[entity("red_flag", "bogus_rule")])
    events, _ = await run(tracker, domain)
    assert outcome(events) == "refer"
    assert "checklist_unsure" in next(e["value"] for e in events if e.get("name") == "screening_reasons")


async def test_a_malformed_checklist_item_neither_crashes_nor_decides(domain: dict) -> None:
    tracker = answer_tracker(
        '/inform{"checklist_item": {"x": 1}}', "inform", step="checklist_item", slots={"checklist_answer": "yes"}
    )
    tracker.latest_message["entities"] = [{"entity": "checklist_item", "value": {"x": 1}}]
    events, _ = await run(tracker, domain)
    assert events == []  # read as an aside (a tap that is no item): the form asks again, nothing is decided


async def test_a_clear_check_started_by_a_possible_sign_hands_the_named_area_to_the_gate(domain: dict) -> None:
    """The check ran straight from a red-flag message that also named an area: the request is not lost."""
    dispatcher = CollectingDispatcher()
    slots = {"screening_outcome": "clear", "screening_reasons": [], "body_area": ["hamstring"], "areas_in_focus": []}
    events = await ActionScreeningResult().run(dispatcher, make_tracker(slots, text="/deny", intent="deny"), domain)
    assert events == [SlotSet("areas_in_focus", ["hamstring"]), FollowupAction("action_request_hands_on")]
    assert [m.get("response") for m in dispatcher.messages] == ["utter_screening_clear"]


# --- each step's extract_<step> and validate_<step>, run as Rasa runs the validation action -----

SCREENED_AT = 1_800_000_000.0
ASKED = "my calves are tight, I'm on xeralto"


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(form, "time", SimpleNamespace(time=lambda: SCREENED_AT))


def turn(
    step: str,
    text: str,
    intent: str,
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    earlier: Sequence[Dict[str, Any]] = (),
) -> Tracker:
    """The tracker Rasa's FormAction sends with an answer: the conversation (slots as SlotSet
    events), the user's message, then the form's requested slot and the form itself."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []}
    events = [
        *earlier,
        *(SlotSet(name, value) for name, value in {**LOWER_BACK, **(slots or {})}.items()),
        {"event": "user", "text": text, "parse_data": latest},
        SlotSet("requested_slot", step),
        ActionExecuted(FORM),
    ]
    values: Dict[str, Any] = {name: None for name in [*DOMAIN["slots"], "requested_slot"]}
    values.update({e["name"]: e["value"] for e in events if e["event"] == "slot"})
    return Tracker("test-user", values, latest, events, False, None, {"name": FORM}, FORM)


def outcome_slots(level: str, reasons: List[str]) -> List[Dict[str, Any]]:
    return [
        SlotSet("screening_outcome", level),
        SlotSet("screening_reasons", reasons),
        SlotSet("screened_areas", ["lower_back"]),
        SlotSet("screened_at", SCREENED_AT),
        SlotSet("requested_slot", None),
    ]


def asked_about(rule: str, text: str = ASKED, quote: str = "xeralto") -> Dict[str, Any]:
    """The earlier message in which the detector found a possible sign."""
    return {"event": "user", "text": text, "parse_data": {"entities": [possible(rule, text, quote)]}}


def checklist_context(repo: KnowledgeRepository) -> Dict[str, Any]:
    items = repo.checklist().for_areas(("lower_back",))
    return SlotSet("context", {"kind": "checklist", "entries": [["checklist_item", i.id] for i in items]})


def flag_turn(text: str, intent: str, slots: Optional[Dict[str, Any]] = None) -> Tracker:
    return turn(
        "flag_check",
        text,
        intent,
        {"flag_check": "blood_thinners_or_clots", **(slots or {})},
        earlier=[asked_about("blood_thinners_or_clots")],
    )


async def test_validate_flag_check_yes_states_the_sign(domain: dict, clock: None) -> None:
    events, dispatcher = await run(flag_turn("/affirm", "affirm"), domain)
    assert events == [
        SlotSet("flag_check", "blood_thinners_or_clots"),
        SlotSet("stated_flags", ["blood_thinners_or_clots"]),
        *outcome_slots("refer", ["blood_thinners_or_clots"]),
    ]
    assert dispatcher.messages == []


async def test_validate_flag_check_not_sure_refers_without_stating(domain: dict, clock: None) -> None:
    events, _ = await run(flag_turn("/unsure", "unsure"), domain)
    assert events == [SlotSet("flag_check", "blood_thinners_or_clots"), *outcome_slots("refer", ["blood_thinners_or_clots"])]


async def test_validate_flag_check_no_goes_on_to_the_list(domain: dict, repo: KnowledgeRepository) -> None:
    events, dispatcher = await run(flag_turn("/deny", "deny"), domain)
    assert events == [
        SlotSet("flag_check", None),
        SlotSet("flags_checked", ["blood_thinners_or_clots"]),
        SlotSet("requested_slot", "checklist_answer"),
        checklist_context(repo),
    ]
    assert [r.kind for r in replies(dispatcher)] == ["checklist"]


async def test_validate_flag_check_asks_again_when_unclear(domain: dict) -> None:
    events, dispatcher = await run(flag_turn("purple", "thank"), domain)
    assert events == [SlotSet("flag_check", "blood_thinners_or_clots"), SlotSet("requested_slot", "flag_check")]
    [reply] = replies(dispatcher)
    assert reply.kind == "flag_check" and reply.intro == form.repository().checklist().wording["flag_unclear"]


async def test_an_aside_is_no_answer_to_any_step(domain: dict) -> None:
    for step in ("flag_check", "checklist_answer", "checklist_item"):
        events, dispatcher = await run(
            flag_turn("where is that from?", "ask_source", {"requested_slot": step, "checklist_answer": "yes"}), domain
        )
        assert events == [] and dispatcher.messages == []  # Rasa rejects the form: a rule answers


@pytest.mark.parametrize(
    ("text", "intent", "events"),
    [
        ("/affirm", "affirm", [SlotSet("checklist_answer", "yes"), SlotSet("checklist_items", [])]),
        ("/unsure", "unsure", [SlotSet("checklist_answer", "unsure"), SlotSet("checklist_items", [])]),
    ],
)
async def test_validate_checklist_answer_yes_asks_which(domain: dict, text: str, intent: str, events: list) -> None:
    got, dispatcher = await run(turn("checklist_answer", text, intent), domain)
    assert got == [*events, SlotSet("requested_slot", "checklist_item")]
    assert [r.kind for r in replies(dispatcher)] == ["checklist_which"]


async def test_validate_checklist_answer_none_clears(domain: dict, clock: None) -> None:
    events, dispatcher = await run(turn("checklist_answer", "/deny", "deny"), domain)
    assert events == [SlotSet("checklist_answer", "no"), *outcome_slots("clear", [])]
    assert dispatcher.messages == []


async def test_validate_checklist_answer_an_item_named_applies(domain: dict) -> None:
    tracker = turn("checklist_answer", "the pregnancy one", "inform", entities=[entity("checklist_item", "pregnancy")])
    events, dispatcher = await run(tracker, domain)
    assert events == [
        SlotSet("checklist_answer", "yes"),
        SlotSet("checklist_item", "pregnancy"),
        SlotSet("checklist_items", ["pregnancy"]),
        SlotSet("requested_slot", "checklist_item"),
    ]
    assert reply_of(dispatcher, "checklist_which").data["chosen"] == ["pregnancy"]


@pytest.mark.parametrize(
    ("text", "intent", "kind"), [("hmm maybe?", "unsure", "checklist_unclear"), ("ok", "affirm", "checklist_unclear")]
)
async def test_validate_checklist_answer_never_guesses(domain: dict, text: str, intent: str, kind: str) -> None:
    events, dispatcher = await run(turn("checklist_answer", text, intent), domain)
    assert events == [SlotSet("checklist_answer", None), SlotSet("requested_slot", "checklist_answer")]
    assert [r.kind for r in replies(dispatcher)] == [kind]


async def test_validate_checklist_answer_none_with_a_possible_sign_asks_about_it_first(domain: dict) -> None:
    text = "none of these apply, I take aspirin daily"
    tracker = turn("checklist_answer", text, "deny", entities=[possible("blood_thinners_or_clots", text, "aspirin")])
    events, dispatcher = await run(tracker, domain)
    assert events == [
        SlotSet("checklist_answer", "no"),
        SlotSet("flag_check", "blood_thinners_or_clots"),
        SlotSet("requested_slot", "flag_check"),
    ]
    assert [r.kind for r in replies(dispatcher)] == ["flag_check"]


async def test_validate_checklist_item_keeps_each_item_until_thats_all(domain: dict, clock: None) -> None:
    tracker = turn(
        "checklist_item",
        "/inform",
        "inform",
        {"checklist_answer": "yes", "checklist_items": []},
        [entity("checklist_item", "heart")],
    )
    events, _ = await run(tracker, domain)
    assert events == [
        SlotSet("checklist_item", "heart"),
        SlotSet("checklist_items", ["heart"]),
        SlotSet("requested_slot", "checklist_item"),
    ]
    done = turn("checklist_item", "/deny", "deny", {"checklist_answer": "yes", "checklist_items": ["heart", "serious_illness"]})
    events, dispatcher = await run(done, domain)
    assert events == [SlotSet("checklist_item", None), *outcome_slots("urgent", ["back_pain_systemic", "heart_condition"])]
    assert dispatcher.messages == []


async def test_validate_checklist_item_an_emergency_item_decides_at_once(domain: dict, clock: None) -> None:
    tracker = turn(
        "checklist_item",
        "/inform",
        "inform",
        {"checklist_answer": "yes", "checklist_items": ["heart"]},
        [entity("checklist_item", "bladder_bowel")],
    )
    events, _ = await run(tracker, domain)
    assert events == [
        SlotSet("checklist_item", "bladder_bowel"),
        SlotSet("checklist_items", ["heart", "bladder_bowel"]),
        *outcome_slots("emergency", ["cauda_equina", "heart_condition"]),
    ]


async def test_validate_checklist_item_not_sure_refers(domain: dict, clock: None) -> None:
    events, _ = await run(turn("checklist_item", "/unsure", "unsure", {"checklist_answer": "yes"}), domain)
    assert events == [SlotSet("checklist_item", "unsure"), *outcome_slots("refer", ["checklist_unsure"])]


async def test_validate_checklist_item_asks_again_when_unclear(domain: dict) -> None:
    tracker = turn("checklist_item", "purple", "thank", {"checklist_answer": "yes", "checklist_items": ["heart"]})
    events, dispatcher = await run(tracker, domain)
    assert events == [SlotSet("checklist_item", None), SlotSet("requested_slot", "checklist_item")]
    assert reply_of(dispatcher, "checklist_which").data["chosen"] == ["heart"]


async def test_thats_all_with_a_possible_sign_still_decides_by_the_items_chosen(domain: dict, clock: None) -> None:
    """A "no" to "anything else?" is not a "none of these": once the possible sign is answered
    "no", the items chosen still decide (they are never cleared away)."""
    text = "no, I take aspirin daily"
    chosen: Dict[str, Any] = {"checklist_answer": "yes", "checklist_items": ["heart"]}
    tracker = turn("checklist_item", text, "deny", chosen, [possible("blood_thinners_or_clots", text, "aspirin")])
    events, _ = await run(tracker, domain)
    assert events == [
        SlotSet("checklist_item", None),
        SlotSet("flag_check", "blood_thinners_or_clots"),
        SlotSet("requested_slot", "flag_check"),
    ]
    said = asked_about("blood_thinners_or_clots", text, "aspirin")
    slots = {**chosen, "flag_check": "blood_thinners_or_clots"}
    events, dispatcher = await run(turn("flag_check", "no", "deny", slots, earlier=[said]), domain)
    assert events == [
        SlotSet("flag_check", None),
        SlotSet("flags_checked", ["blood_thinners_or_clots"]),
        SlotSet("requested_slot", "checklist_item"),
    ]
    assert reply_of(dispatcher, "checklist_which").data["chosen"] == ["heart"]
    slots = {**slots, "flag_check": None, "flags_checked": ["blood_thinners_or_clots"]}
    events, _ = await run(turn("checklist_item", "/deny", "deny", slots, earlier=[said]), domain)
    assert outcome(events) == "refer" and SlotSet("screening_reasons", ["heart_condition"]) in events


async def test_a_red_flag_typed_at_any_step_ends_the_screening_at_once(domain: dict) -> None:
    red = [entity("red_flag", "dvt_signs")]
    for step in ("flag_check", "checklist_answer", "checklist_item"):
        tracker = turn(step, "no, but my calf is swollen and hot", "deny", {"flag_check": "blood_thinners_or_clots"}, red)
        events, dispatcher = await run(tracker, domain)
        assert events == [
            SlotSet("screening_outcome", "emergency"),
            SlotSet("screening_reasons", ["dvt_signs"]),
            SlotSet("stated_flags", ["dvt_signs"]),
            SlotSet("requested_slot", None),
        ]
        assert dispatcher.messages == []
