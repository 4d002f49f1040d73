"""Reading a reminder request as people type it: "tomorrow at 7pm", "every day at 8", "in 2 hours",
"on weekdays at lunch", "every monday and thursday at 6".

A small grammar for what repeats and for the time of day (the part dateparser gets wrong:
"on friday at 12", "yesterday at 5"), and dateparser for calendar dates ("5 dec", "december
5th"). The result is a `Request` (what to schedule) or a `Problem` (why not: a time that does
not exist, one in the past, more often than once an hour, a kind of repeat the bot does not
offer, or no time at all). Time zones are the caller's business (actions/coaching/reminders.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import FrozenSet, Optional, Tuple, Union

import dateparser

DAY_NAMES = {
    "mon": 1, "monday": 1, "tue": 2, "tues": 2, "tuesday": 2, "wed": 3, "wednesday": 3, "thu": 4, "thur": 4,
    "thurs": 4, "thursday": 4, "fri": 5, "friday": 5, "sat": 6, "saturday": 6, "sun": 7, "sunday": 7,
}  # fmt: skip
_DAY = r"(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?s?|(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
#: times of day said in words, and the hour:minute they mean
PARTS_OF_DAY = {
    "noon": (12, 0), "midday": (12, 0), "lunch": (12, 30), "lunchtime": (12, 30), "midnight": (0, 0),
    "morning": (8, 0), "afternoon": (15, 0), "evening": (19, 0), "tonight": (21, 0), "night": (21, 0),
    "after work": (18, 0), "after dinner": (20, 0), "bedtime": (22, 0),
}  # fmt: skip
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "twenty": 20}
_RELATIVE = re.compile(
    r"\bin\s+(half\s+an\s+hour|\d+|a|an|one|two|three|four|five|six|ten|twenty)\s*(minutes?|mins?|hours?|hrs?|h)?\b"
)
_TOO_OFTEN = re.compile(
    r"\bevery\s+(?:\d+\s*|few\s+|couple\s+of\s+|half\s+an\s+)?(?:seconds?|secs?|minutes?|mins?|hour)\b|\bhourly\b"
)
_UNSUPPORTED = re.compile(r"\bevery\s+(?:other|second|\d+)\s+(?:day|days|week|weeks|hours)\b|\bmonthly\b|\bevery\s+month\b")
#: a clock time as written: "7:30", "19.30", "7h30", "7pm", "7 a.m.", or a bare hour "7"
_CLOCK = re.compile(r"\b(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?(?!\d)(?:\s*(am|pm|a\.m\.|p\.m\.))?(?![a-z])", re.IGNORECASE)
_AT_HOUR = re.compile(r"\b(?:at|@|for|by)\s+(\d{1,2})(?!\s*(?:[:.\d]|min|hour|h\b|days?|weeks?))")
_HALF_PAST = re.compile(
    r"\b(half|quarter)\s+(past|to)\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"
)
_CLOCK_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12,
}  # fmt: skip
_DAILY = re.compile(
    r"\b(?:every\s*day|everyday|daily|each\s+day|every\s+(?:morning|evening|night|afternoon)|each\s+(?:morning|evening|night))\b"
)
_WEEKDAYS = re.compile(r"\b(?:weekdays|every\s+weekday|week\s+days|mon(?:day)?\s*-\s*fri(?:day)?)\b")
_WEEKENDS = re.compile(r"\b(?:weekends?|every\s+weekend)\b")
_EVERY_DAY_NAME = re.compile(
    r"\b(?:every|each)\s+(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\b|"
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days\b"
)
_DAY_NAME = re.compile(rf"\b(?:next\s+)?(?:{_DAY})\b")
_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_CALENDAR = re.compile(
    rf"\b(\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})[a-z]*|(?:{_MONTHS})[a-z]*\s+\d{{1,2}}(?:st|nd|rd|th)?)\b"
)


@dataclass(frozen=True)
class Request:
    """What to schedule. `delta`: a relative one-off ("in 2 hours"), no time zone needed."""

    repeat: str  # once | daily | weekdays | weekends | weekly
    hour: Optional[int] = None
    minute: Optional[int] = None
    days: FrozenSet[int] = frozenset()  # weekly: ISO weekdays
    on: Optional[date] = None  # once: the local date (None: the next time this time comes)
    day_name: Optional[int] = None  # once on a named weekday ("on friday")
    delta: Optional[timedelta] = None

    @property
    def needs_timezone(self) -> bool:
        return self.delta is None


@dataclass(frozen=True)
class Problem:
    code: str  # impossible_time | too_often | unsupported | no_time | past


Reading = Union[Request, Problem]


@dataclass(frozen=True)
class ClockTime:
    """A clock time as written: the hour as written (0-23), the minute, and "am", "pm" or ""."""

    hour: int
    minute: int = 0
    suffix: str = ""

    @property
    def possible(self) -> bool:
        return self.hour <= 23 and self.minute <= 59 and not (self.suffix and self.hour > 12)

    @property
    def hour_24(self) -> int:
        """The hour on a 24-hour clock: 7pm is 19, 12am is 0; without am/pm, as written."""
        if self.suffix == "pm" and self.hour < 12:
            return self.hour + 12
        if self.suffix == "am" and self.hour == 12:
            return 0
        return self.hour


def clock_time(text: str, bare_hour: bool = True) -> Optional[ClockTime]:
    """The first clock time written in `text` (see `_CLOCK`), or None. The one parser of written
    times: reminders, time zones ("it's 3:45pm") and "cancel the 7pm one" all read them here.
    Without `bare_hour`, a number alone ("the 2 of us") is not a time: it needs minutes or am/pm."""
    for match in _CLOCK.finditer(text):
        if bare_hour or match.group(2) or match.group(3):
            suffix = (match.group(3) or "").lower().replace(".", "")
            return ClockTime(int(match.group(1)), int(match.group(2) or 0), suffix)
    return None


def _hour(clock: ClockTime, text: str) -> int:
    """The hour meant: am/pm as said; without it, "at 7 tonight" is 19 and "at 6" is 18."""
    if clock.suffix or clock.hour >= 12:
        return clock.hour_24
    if re.search(r"\b(?:pm|evening|tonight|night|after\s+work|after\s+dinner)\b", text):
        return clock.hour + 12
    if 1 <= clock.hour <= 6 and not re.search(r"\bmorning\b", text):
        return clock.hour + 12  # "at 6" means 6 pm, nobody asks for 6 am without saying so
    return clock.hour


def time_of_day(text: str) -> Union[Tuple[int, int], Problem, None]:
    """(hour, minute) said in `text`, a Problem for an impossible one ("25:99"), or None."""
    clock = clock_time(text, bare_hour=False)
    if clock:
        return (_hour(clock, text), clock.minute) if clock.possible else Problem("impossible_time")
    half = _HALF_PAST.search(text)
    if half:
        base = int(half.group(3)) if half.group(3).isdigit() else _CLOCK_WORDS[half.group(3)]
        minutes = 30 if half.group(1) == "half" else 15
        hour = _hour(ClockTime(base), text)
        if half.group(2) == "to":
            return (hour - 1) % 24, 60 - minutes
        return hour, minutes
    at = _AT_HOUR.search(text)
    if at:
        at_clock = ClockTime(int(at.group(1)))
        return (_hour(at_clock, text), 0) if at_clock.possible else Problem("impossible_time")
    for words, moment in PARTS_OF_DAY.items():
        if re.search(rf"\b{words}\b", text):
            return moment
    return None


def _days_named(text: str) -> FrozenSet[int]:
    found = set()
    for match in re.finditer(rf"\b(?:{_DAY})\b", text):
        word = (match.group(1) or match.group(2) or "").lower()
        if word in DAY_NAMES:
            found.add(DAY_NAMES[word])
    return frozenset(found)


def read(text: str, today: date) -> Reading:
    """What `text` asks to be reminded of (see the module docstring). `today`: the local date."""
    text = " " + (text or "").lower().replace("’", "'") + " "
    if _TOO_OFTEN.search(text):
        return Problem("too_often")
    if _UNSUPPORTED.search(text):
        return Problem("unsupported")
    relative = _RELATIVE.search(text)
    if relative and (relative.group(2) or relative.group(1).startswith("half")):
        amount_raw, unit = relative.group(1), relative.group(2) or "minutes"
        if amount_raw.startswith("half"):
            delta = timedelta(minutes=30)
        else:
            amount = int(amount_raw) if amount_raw.isdigit() else _NUMBER_WORDS[amount_raw]
            delta = timedelta(hours=amount) if unit.startswith("h") else timedelta(minutes=amount)
        if delta <= timedelta(0):
            return Problem("past")
        return Request("once", delta=delta)
    moment = time_of_day(text)
    if isinstance(moment, Problem):
        return moment
    if _WEEKDAYS.search(text):
        kind, days = "weekdays", frozenset({1, 2, 3, 4, 5})
    elif _WEEKENDS.search(text):
        kind, days = "weekends", frozenset({6, 7})
    elif _EVERY_DAY_NAME.search(text) and _days_named(text):
        kind, days = "weekly", _days_named(text)
    elif _DAILY.search(text):
        kind, days = "daily", frozenset(range(1, 8))
    else:
        kind, days = "once", frozenset()
    if moment is None:
        return Problem("no_time")
    hour, minute = moment
    if kind != "once":
        return Request(kind, hour, minute, days)
    if re.search(r"\byesterday\b|\blast\s+(?:night|week)\b|\bago\b", text):
        return Problem("past")
    if re.search(r"\btomorrow\b", text):
        return Request("once", hour, minute, on=today + timedelta(days=1))
    if re.search(r"\btoday\b|\btonight\b", text):
        return Request("once", hour, minute, on=today)
    calendar = _CALENDAR.search(text)
    if calendar:
        parsed = dateparser.parse(
            calendar.group(1),
            languages=["en"],
            settings={"PREFER_DATES_FROM": "future", "RELATIVE_BASE": datetime(today.year, today.month, today.day)},
        )
        if parsed is None:
            return Problem("no_time")
        return Request("once", hour, minute, on=parsed.date())
    named = _DAY_NAME.search(text) and _days_named(text)
    if named:
        return Request("once", hour, minute, day_name=min(named))
    return Request("once", hour, minute)


def first_local_time(request: Request, now_local: datetime) -> Optional[datetime]:
    """The first local (aware) datetime a one-off `request` means, after `now_local`; None if past."""
    assert request.hour is not None and request.minute is not None
    if request.on is not None:
        day = request.on
    elif request.day_name is not None:
        ahead = (request.day_name - now_local.isoweekday()) % 7
        day = now_local.date() + timedelta(days=ahead)
        if ahead == 0 and (request.hour, request.minute) <= (now_local.hour, now_local.minute):
            day += timedelta(days=7)
    else:
        day = now_local.date()
        if (request.hour, request.minute) <= (now_local.hour, now_local.minute):
            day += timedelta(days=1)  # "at 7pm" said at 8pm: tomorrow
    moment = datetime(day.year, day.month, day.day, request.hour, request.minute, tzinfo=now_local.tzinfo)
    return moment if moment > now_local else None
