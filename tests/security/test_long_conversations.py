"""Finding 6 of #22: long conversations slow down.

An attacker (or a very chatty person) who never pauses kept one session growing: at 1,667
events every turn loaded, replayed and sent all of them. The tracker store now opens a new
session between turns once the current one passes MAX_SESSION_EVENTS (stores/bounded_sessions.py),
so what a turn loads stays bounded; the figures are in `make bench` (bench/long_conversation.py).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import List, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.guard import NO_REPLY_TEXT
from settings import Settings
from stores.tracker_store import ForgettingSQLTrackerStore
from tests.e2e.replies import has_instructions, is_checklist
from tests.servers import ROOT, Bot


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


def store(tmp_path: Path, domain: Domain) -> ForgettingSQLTrackerStore:
    return ForgettingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def turn(text: str, *actions: str, entities: Optional[List[dict]] = None) -> List[Event]:
    """One turn: the person's message, the bot's actions and words, then listening."""
    events: List[Event] = [UserUttered(text, {"name": "inform", "confidence": 1.0}, entities or [])]
    for action in actions:
        events += [ActionExecuted(action), BotUttered(f"bot says {action}")]
    return [*events, ActionExecuted("action_listen")]


def long_tracker(domain: Domain, turns: int, active_loop: str = "") -> DialogueStateTracker:
    events: List[Event] = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    events.append(SlotSet("body_area", ["calf"]))
    for index in range(turns):
        events += turn(f"message {index}", "utter_ask_feeling")
    if active_loop:
        events.insert(-1, ActiveLoop(active_loop))
    return DialogueStateTracker.from_events("long-talker", events, domain.slots)


async def test_a_session_past_the_limit_is_continued_in_a_new_one(tmp_path: Path, domain: Domain) -> None:
    tracker_store = store(tmp_path, domain)
    tracker = long_tracker(domain, 30)  # 30 turns of 4 events
    assert Settings.__fields__["max_session_turns"].default < 30
    await tracker_store.save(tracker)
    loaded = await tracker_store.retrieve("long-talker")
    assert loaded is not None
    # (action_session_start, logged just before, may share the session start's timestamp)
    events = [e for e in loaded.events if not (isinstance(e, ActionExecuted) and e.action_name == "action_session_start")]
    kinds = [e.type_name for e in events]
    assert kinds[0] == "session_started" and set(kinds[1:-2]) == {"slot"} and kinds[-2:] == ["action", "action"]
    assert [e.action_name for e in events if isinstance(e, ActionExecuted)] == ["utter_ask_feeling", "action_listen"]
    assert loaded.get_slot("body_area") == ["calf"] and loaded.latest_action_name == "action_listen"
    full = await tracker_store.retrieve_full_tracker("long-talker")
    assert full is not None and len([e for e in full.events if isinstance(e, UserUttered)]) == 30  # nothing lost


async def test_a_short_session_is_left_alone_and_an_active_form_is_carried(tmp_path: Path, domain: Domain) -> None:
    tracker_store = store(tmp_path, domain)
    await tracker_store.save(long_tracker(domain, 5))
    short = await tracker_store.retrieve("long-talker")
    assert short is not None and sum(isinstance(e, UserUttered) for e in short.events) == 5
    (tmp_path / "form").mkdir()
    tracker_store = store(tmp_path / "form", domain)
    in_form = long_tracker(domain, 30, active_loop="screening_form")
    await tracker_store.save(in_form)
    loaded = await tracker_store.retrieve("long-talker")
    assert loaded is not None and not any(isinstance(e, UserUttered) for e in loaded.events)
    assert loaded.active_loop_name == "screening_form" and loaded.get_slot("body_area") == ["calf"]


async def test_no_new_session_while_a_possible_sign_waits_in_the_session(tmp_path: Path, domain: Domain) -> None:
    """The screening asks about possible signs from the session's messages: they are not cut off."""
    sign = [{"entity": "possible_flag", "value": "numbness", "start": 0, "end": 4}]
    events = list(long_tracker(domain, 30).events)
    events[4:4] = turn("numb toes", "utter_ask_feeling", entities=sign)
    waiting = DialogueStateTracker.from_events("waiting", events, domain.slots)
    tracker_store = store(tmp_path, domain)
    await tracker_store.save(waiting)
    loaded = await tracker_store.retrieve("waiting")
    assert loaded is not None and sum(isinstance(e, UserUttered) for e in loaded.events) == 31
    settled = DialogueStateTracker.from_events("settled", [*events, SlotSet("flags_checked", ["numbness"])], domain.slots)
    settled.update(ActionExecuted("action_listen"))
    await tracker_store.save(settled)
    loaded = await tracker_store.retrieve("settled")
    assert loaded is not None and not any(isinstance(e, UserUttered) for e in loaded.events)


def session_lengths(db: Path, sender: str) -> List[int]:
    """The person's messages per session of `sender` in the SQLite tracker store, oldest first."""
    with sqlite3.connect(db) as connection:
        kinds = [row[0] for row in connection.execute("SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,))]
    lengths: List[int] = []
    for kind in kinds:
        if kind == "session_started" or not lengths:
            lengths.append(0)
        lengths[-1] += kind == "user"
    return lengths


@pytest.mark.e2e
def test_forty_messages_without_a_pause_never_grow_one_session_past_the_limit(bot: Bot) -> None:
    """Asides inside the screening form, the checklist left open: the form lives through new
    sessions, and its answer still gets the exercise."""
    sender = bot.new_sender()
    assert is_checklist(bot.say(sender, "my calves are tight"))
    script = ["how often should I do this", "does it really work", "which ball should I get"]
    for index in range(40):
        replies = bot.say(sender, script[index % len(script)])
        assert replies and NO_REPLY_TEXT not in json.dumps(replies)
    assert has_instructions(bot.say(sender, "/deny"))  # "none of these": the checklist was still open
    lengths = session_lengths(bot.workdir / "tracker.db", f"rest:{sender}")
    assert sum(lengths) == 42, lengths  # every message kept
    assert (
        max(lengths) <= Settings.__fields__["max_session_turns"].default + 1
    ), lengths  # each session: the limit, plus the turn that passed it
