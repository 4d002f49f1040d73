"""Wall-clock reminders across daylight-saving changes (zoneinfo)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from tests.checks import present
from userdata.schedule import Schedule


def test_a_daily_8am_stays_8am_local_across_the_clock_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    daily = Schedule("daily", 8, 0, "Europe/Berlin")
    before = datetime(2026, 10, 24, 7, 0, tzinfo=berlin)  # the clocks go back in the night to 25 October
    first = present(daily.next_after(before))
    second = present(daily.next_after(first))
    assert [d.astimezone(berlin).hour for d in (first, second)] == [8, 8]
    assert first.astimezone(timezone.utc).hour == 6 and second.astimezone(timezone.utc).hour == 7  # CEST, then CET


def test_weekdays_skip_the_weekend_and_a_one_off_has_no_next() -> None:
    weekdays = Schedule("weekdays", 12, 30, "UTC", frozenset({1, 2, 3, 4, 5}))
    friday = datetime(2026, 12, 4, 13, 0, tzinfo=timezone.utc)
    assert present(weekdays.next_after(friday)).isoweekday() == 1
    assert Schedule("once", 9, 0, "UTC").next_after(friday) is None


def test_a_time_skipped_by_spring_forward_moves_forward_by_the_hour_skipped() -> None:
    daily = Schedule("daily", 2, 30, "Europe/Berlin")
    moment = daily.next_after(datetime(2026, 3, 28, 12, 0, tzinfo=timezone.utc))
    # 29 March 2026, 02:00 CET becomes 03:00 CEST: 02:30 does not exist and is read with the
    # offset before the change (+1), so it fires at 01:30 UTC, which is 03:30 on the clock
    assert moment == datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)
    assert moment.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M %Z") == "03:30 CEST"
