"""One reader of written clock times (actions/reminder_times.clock_time), as reminders, time zones
and "cancel the 7pm one" use it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional, Tuple, Union

import pytest

from actions.coaching.reminder_times import ClockTime, Problem, clock_time, time_of_day
from actions.coaching.reminders import _matching
from actions.coaching.timezones import from_clock
from userdata.repository import ReminderView

NOON_UTC = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at 7:30", ClockTime(7, 30)),
        ("19.30", ClockTime(19, 30)),
        ("7h30", ClockTime(7, 30)),
        ("7pm", ClockTime(7, 0, "pm")),
        ("it's 7 P.M. here", ClockTime(7, 0, "pm")),
        ("12 a.m.", ClockTime(12, 0, "am")),
        ("11.30 am", ClockTime(11, 30, "am")),
        ("the 7 one", ClockTime(7)),
        ("no time here", None),
    ],
)
def test_written_clock_times(text: str, expected: Optional[ClockTime]) -> None:
    assert clock_time(text) == expected


def test_a_bare_number_is_a_time_only_when_asked_for() -> None:
    assert clock_time("the 2 of us, 7 amazing days", bare_hour=False) is None
    assert clock_time("the 2 of us at 7pm", bare_hour=False) == ClockTime(7, 0, "pm")
    assert clock_time("the 2 of us") == ClockTime(2)


@pytest.mark.parametrize(
    ("clock", "hour_24", "possible"),
    [
        (ClockTime(7, 0, "pm"), 19, True),
        (ClockTime(12, 0, "am"), 0, True),
        (ClockTime(12, 0, "pm"), 12, True),
        (ClockTime(7), 7, True),
        (ClockTime(13, 0, "pm"), 13, False),
        (ClockTime(25, 99), 25, False),
    ],
)
def test_the_24_hour_reading(clock: ClockTime, hour_24: int, possible: bool) -> None:
    assert (clock.hour_24, clock.possible) == (hour_24, possible)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at 6", (18, 0)),  # nobody asks for 6 am without saying so
        ("at 6 in the morning", (6, 0)),
        ("7:30 in the evening", (19, 30)),
        ("at 7 tonight", (19, 0)),
        ("12am", (0, 0)),
        ("half past 7", (7, 30)),
        ("quarter to eight", (7, 45)),
        ("lunch", (12, 30)),
        ("25:99", Problem("impossible_time")),
        ("13:30pm", Problem("impossible_time")),
        ("7 amazing days", None),
    ],
)
def test_the_time_of_day_a_reminder_asks_for(text: str, expected: Union[Tuple[int, int], Problem, None]) -> None:
    assert time_of_day(f" {text} ") == expected


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("it's 3pm", "Etc/GMT-3"),  # UTC+3: Etc/GMT signs are POSIX, inverted
        ("7 P.M.", "Etc/GMT-7"),
        ("12 a.m.", "Etc/GMT+12"),
        ("8", "Etc/GMT+4"),
        ("5:45pm", "Asia/Kathmandu"),  # UTC+5:45, a zone with that offset now
        ("11.30 am", None),  # UTC-0:30: no zone has it
        ("25:00", None),
    ],
)
def test_the_time_zone_a_stated_time_gives(text: str, zone: Optional[str]) -> None:
    assert from_clock(text, NOON_UTC) == zone


def test_cancel_the_7pm_one_reads_the_same_clock() -> None:
    reminders = [ReminderView(i, "daily", f"r{i}", NOON_UTC, "UTC", hour, 0, True) for i, hour in enumerate((8, 19, 15))]
    assert [r.id for r in _matching(reminders, "cancel the 7pm one")] == [1]
    assert [r.id for r in _matching(reminders, "the 8:00 one")] == [0]
    assert [r.id for r in _matching(reminders, "the 3 p.m. one")] == [2]
