"""rasa_extensions/event_types.py: an event's class by its type name from a table; what Rasa reads
with it must be what Rasa's own walk over every `Event` class reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional, Type
from unittest import mock

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

import rasa_extensions
from rasa_extensions import event_types
from stores.tracker_store import ForgettingSQLTrackerStore

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


def walked(type_name: str) -> Optional[Type[Event]]:
    """Rasa's own answer: the first class in `all_subclasses(Event)` order with that name."""
    return next((cls for cls in all_subclasses(Event) if cls.type_name == type_name), None)


@pytest.fixture(autouse=True, scope="module")
def installed() -> None:
    assert rasa_extensions.install()


def test_every_event_type_resolves_to_rasas_class() -> None:
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is walked(cls.type_name)


def test_the_classes_are_walked_once_per_name() -> None:
    Event.resolve_by_type("user")
    with mock.patch("rasa.shared.utils.common.all_subclasses") as walk:
        for _ in range(3):
            assert Event.resolve_by_type("user") is UserUttered
    walk.assert_not_called()


def test_a_conversation_reads_back_whole() -> None:
    rows = stored(conversation())
    events = deserialise_events(rows)
    assert stored(events) == rows and [type(e) for e in events] == [walked(r["event"]) for r in rows]
    assert deserialise_events([{"timestamp": 1.0}]) == []


def test_unknown_and_old_names_get_rasas_answers() -> None:
    with pytest.raises(ValueError, match="no_such_event"):
        deserialise_events([{"event": "no_such_event"}])
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="no_such_event"):
        Event.resolve_by_type("no_such_event")  # a default once given is not kept


def test_installing_twice_wraps_once() -> None:
    first = Event.resolve_by_type
    assert rasa_extensions.install()
    assert Event.resolve_by_type is first
    event_types.install()
    assert Event.resolve_by_type is first


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


async def test_our_store_reads_what_rasas_store_reads(tmp_path: Path, domain: Domain) -> None:
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
