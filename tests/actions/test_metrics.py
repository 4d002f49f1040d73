"""What the actions count (observability/metrics.py): screening outcomes by level and rule family,
flag_check questions, data deletions and exports, user-data errors, reminders sent, late, failed
and skipped. Each test reads the counter before and after: the registry is process-wide."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict, List, Tuple

import pytest
from prometheus_client import REGISTRY
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import OperationalError

from actions.data_rights.requests import ActionDeleteData, ActionExportData
from actions.screening.form import ActionScreeningResult, ValidateScreeningForm
from observability import metrics
from tests.actions.conftest import make_tracker
from userdata.repository import DueReminder, UserDataRepository
from userdata.scheduler import ReminderScheduler, SchedulerSettings

LOWER_BACK = {"areas_in_focus": ["lower_back"], "checklist_scope": "general", "checklist_areas": ["lower_back"]}


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_referral_counts_once_per_rule_family_and_level(domain: dict) -> None:
    # dvt_signs is an emergency_sign, blood_thinners_or_clots a contraindication
    slots = {"screening_outcome": "emergency", "screening_reasons": ["dvt_signs", "blood_thinners_or_clots", "dvt_signs"]}
    before = {f: value("tpc_screening_outcomes_total", level="emergency", family=f) for f in metrics.FAMILIES}
    await ActionScreeningResult().run(CollectingDispatcher(), make_tracker(slots), domain)
    after = {f: value("tpc_screening_outcomes_total", level="emergency", family=f) for f in metrics.FAMILIES}
    assert {f: after[f] - before[f] for f in metrics.FAMILIES} == {
        "contraindication": 1,
        "warning_sign": 0,
        "emergency_sign": 1,
        "technique": 0,
        "none": 0,
    }


def all_outcomes() -> float:
    return sum(value("tpc_screening_outcomes_total", level=lv, family=f) for lv in metrics.LEVELS for f in metrics.FAMILIES)


async def test_a_clear_result_counts_with_no_family_and_no_outcome_counts_nothing(domain: dict) -> None:
    slots = {**LOWER_BACK, "screening_outcome": "clear", "pending_request": "exercise", "shown_exercises": []}
    before = value("tpc_screening_outcomes_total", level="clear", family="none")
    total_before = all_outcomes()
    await ActionScreeningResult().run(CollectingDispatcher(), make_tracker(slots), domain)
    await ActionScreeningResult().run(CollectingDispatcher(), make_tracker({}), domain)  # stopped: nothing said
    total_after = all_outcomes()
    assert value("tpc_screening_outcomes_total", level="clear", family="none") - before == 1
    assert total_after - total_before == 1


async def test_each_flag_check_question_is_counted(domain: dict) -> None:
    text = "my calves are tight, I'm on xeralto"
    start = text.index("xeralto")
    flag = {"entity": "possible_flag", "value": "blood_thinners_or_clots", "start": start, "end": start + len("xeralto")}
    tracker = make_tracker({**LOWER_BACK}, text=text, intent="report_pain", entities=[flag])
    tracker.events.append({"event": "action", "name": "screening_form"})
    before = value("tpc_flag_check_questions_total")
    events = await ValidateScreeningForm().run(CollectingDispatcher(), tracker, domain)
    assert events == [SlotSet("flag_check", "blood_thinners_or_clots"), SlotSet("requested_slot", "flag_check")]
    assert value("tpc_flag_check_questions_total") - before == 1


async def test_deletions_and_exports_are_counted_and_a_store_failure_is_an_error_not_a_request(
    dispatcher: CollectingDispatcher, domain: dict, user_store: UserDataRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    deletions, exports = value("tpc_data_requests_total", kind="deletion"), value("tpc_data_requests_total", kind="export")
    errors = value("tpc_userdata_errors_total", operation="action")
    await ActionExportData().run(dispatcher, make_tracker(text="export my data", intent="export_data"), domain)
    deleted = await ActionDeleteData().run(dispatcher, make_tracker(intent="affirm"), domain)
    assert deleted == [SlotSet("forget_conversation", True)]
    assert value("tpc_data_requests_total", kind="deletion") - deletions == 1
    assert value("tpc_data_requests_total", kind="export") - exports == 1

    def down(*_: Any) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(UserDataRepository, "delete_user", down)
    assert await ActionDeleteData().run(CollectingDispatcher(), make_tracker(intent="affirm"), domain) == []
    assert value("tpc_data_requests_total", kind="deletion") - deletions == 1
    assert value("tpc_userdata_errors_total", operation="action") - errors == 1


class FakeStore:
    """delete_expired_exports / claim_due / unclaim / clock, as the scheduler uses the repository."""

    def __init__(self, now: Any, due: List[DueReminder], skipped: int, fail: bool = False) -> None:
        self.now, self.due, self.skipped, self.fail = now, due, skipped, fail
        self.unclaimed: List[int] = []

    def clock(self) -> Any:
        return self.now

    def delete_expired_exports(self) -> int:
        return 0

    def claim_due(self) -> Tuple[List[DueReminder], int]:
        if self.fail:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return self.due, self.skipped

    def unclaim(self, reminder: DueReminder) -> None:
        self.unclaimed.append(reminder.id)


class Scheduler(ReminderScheduler):
    """The real round, with Rasa's answer decided by the test (reminder id -> sent?)."""

    def __init__(self, store: FakeStore, answers: Dict[int, bool]) -> None:
        settings = SchedulerSettings("http://127.0.0.1:9", "token", poll_seconds=15.0)
        super().__init__(store, settings)  # type: ignore[arg-type]  # a FakeStore: only what the scheduler calls
        self.answers = answers

    async def send(self, session: Any, reminder: DueReminder) -> bool:
        return self.answers[reminder.id]


def reminder(id_: int, due: Any) -> DueReminder:
    return DueReminder(id_, "someone", "rest", "calf", due)


def counts() -> Dict[str, float]:
    return {
        "sent": value("tpc_reminders_total", outcome="sent"),
        "failed": value("tpc_reminders_total", outcome="failed"),
        "skipped": value("tpc_reminders_total", outcome="skipped"),
        "late": value("tpc_reminders_late_total"),
        "lag_count": value("tpc_reminder_lag_seconds_count"),
        "lag_sum": value("tpc_reminder_lag_seconds_sum"),
        "lag_le_300": value("tpc_reminder_lag_seconds_bucket", le="300.0"),
        "store_errors": value("tpc_userdata_errors_total", operation="reminders"),
    }


def delta(before: Dict[str, float], after: Dict[str, float]) -> Dict[str, float]:
    return {k: round(after[k] - before[k], 6) for k in before}


async def test_reminders_sent_late_failed_and_skipped_are_counted_with_their_lag(user_store: UserDataRepository) -> None:
    now = user_store.clock()
    store = FakeStore(
        now,
        [reminder(1, now - timedelta(seconds=20)), reminder(2, now - timedelta(minutes=10)), reminder(3, now)],
        skipped=2,
    )
    before = counts()
    assert await Scheduler(store, {1: True, 2: True, 3: False}).run_once() == 2
    assert store.unclaimed == [3]
    assert delta(before, counts()) == {
        "sent": 2,
        "failed": 1,
        "skipped": 2,
        "late": 1,  # ten minutes: over the five-minute mark
        "lag_count": 2,
        "lag_sum": 620,
        "lag_le_300": 1,
        "store_errors": 0,
    }


async def test_a_round_the_store_fails_is_a_user_data_error(
    user_store: UserDataRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    import userdata.scheduler as scheduler_module

    scheduler = Scheduler(FakeStore(user_store.clock(), [], 0, fail=True), {})
    scheduler.settings = SchedulerSettings("http://127.0.0.1:9", "token", poll_seconds=0)

    async def stop_after_one_round(_: float) -> None:
        raise RuntimeError("stop")

    monkeypatch.setattr(scheduler_module.asyncio, "sleep", stop_after_one_round)
    before = counts()
    with pytest.raises(RuntimeError, match="stop"):
        await scheduler.run_forever()
    assert delta(before, counts())["store_errors"] == 1
