"""The tracker store reads stored events back with a table of event classes (stores/tracker_store.py
`events_of`); what it reads must be what Rasa's own `deserialise_events` reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    EntitiesAdded,
    Event,
    FollowupAction,
    ReminderScheduled,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
    deserialise_events,
)
from rasa.shared.utils.common import all_subclasses

from stores.tracker_store import ForgettingSQLTrackerStore, event_class, events_of

ROOT = Path(__file__).resolve().parents[2]


def conversation() -> List[Event]:
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered(
            "my left calf hurts",
            {"name": "report_pain", "confidence": 0.93},
            [{"entity": "body_area", "value": "calf", "start": 8, "end": 12}],
            parse_data={"text": "my left calf hurts", "intent_ranking": []},
        ),
        SlotSet("body_area", ["calf"]),
        ActiveLoop("screening_form"),
        BotUttered("Any of these?", {"buttons": [{"title": "None", "payload": "/deny"}]}, {"kind": "checklist"}),
        EntitiesAdded([{"entity": "side", "value": "left"}]),
        FollowupAction("action_deliver"),
        ReminderScheduled("EXTERNAL_reminder", trigger_date_time=__import__("datetime").datetime(2026, 12, 6, 8)),
        ActiveLoop(None),
        AllSlotsReset(),
        Restarted(),
        ActionExecuted("action_listen"),
    ]


def stored(events: List[Event]) -> List[dict]:
    return [json.loads(json.dumps(e.as_dict())) for e in events]


def test_every_event_type_resolves_to_rasas_class() -> None:
    for cls in all_subclasses(Event):
        assert event_class(cls.type_name) is Event.resolve_by_type(cls.type_name)
    assert event_class("no_such_event") is None


def test_a_conversation_reads_back_as_rasa_reads_it() -> None:
    rows = stored(conversation())
    assert events_of(rows) == deserialise_events(rows)
    assert len(events_of(rows)) == len(rows)
    assert events_of([{"timestamp": 1.0}]) == deserialise_events([{"timestamp": 1.0}]) == []


def test_an_unknown_event_type_fails_as_in_rasa() -> None:
    with pytest.raises(ValueError, match="no_such_event"):
        deserialise_events([{"event": "no_such_event"}])
    with pytest.raises(ValueError, match="no_such_event"):
        events_of([{"event": "no_such_event"}])


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


async def test_the_store_reads_what_rasas_store_reads(tmp_path: Path, domain: Domain) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    db = str(tmp_path / "tracker.db")
    store = ForgettingSQLTrackerStore(domain=domain, dialect="sqlite", db=db)
    rasas = SQLTrackerStore(domain=domain, dialect="sqlite", db=db)
    await store.save(DialogueStateTracker.from_events("reader", conversation()[:11], domain.slots))
    ours, theirs = await store.retrieve("reader"), await rasas.retrieve("reader")
    assert ours is not None and theirs is not None
    assert list(ours.events) == list(theirs.events) and len(ours.events) > 5
    assert ours.current_slot_values() == theirs.current_slot_values()
    assert ours.get_slot("body_area") == ["calf"]
    full = await store.retrieve_full_tracker("reader")
    rasas_full = await rasas.retrieve_full_tracker("reader")
    assert full is not None and rasas_full is not None and list(full.events) == list(rasas_full.events)
    assert await store.retrieve("nobody") is None
