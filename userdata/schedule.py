"""When a reminder fires next: wall-clock times in the person's time zone (zoneinfo), so a
daily 8:00 stays 8:00 across daylight-saving changes. Pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import FrozenSet, Optional
from zoneinfo import ZoneInfo

REPEATS = ("once", "daily", "weekdays", "weekends", "weekly")
WEEKDAYS = frozenset({1, 2, 3, 4, 5})
WEEKENDS = frozenset({6, 7})


@dataclass(frozen=True)
class Schedule:
    """A repeating wall-clock time (hour:minute in `tz`) on some ISO weekdays (1 = Monday)."""

    repeat: str
    hour: int
    minute: int
    tz: str
    days: FrozenSet[int] = frozenset(range(1, 8))

    def on(self, day: date) -> datetime:
        """This schedule's time on `day`, in UTC (a time skipped by a clock change moves forward)."""
        zone = ZoneInfo(self.tz)
        local = datetime.combine(day, time(self.hour, self.minute), tzinfo=zone)
        # a wall time that does not exist (spring forward) is normalised by a UTC round trip
        return local.astimezone(timezone.utc)

    def next_after(self, moment: datetime) -> Optional[datetime]:
        """The first firing strictly after `moment` (aware), or None for a one-off."""
        if self.repeat == "once":
            return None
        zone = ZoneInfo(self.tz)
        day = moment.astimezone(zone).date()
        for offset in range(0, 15):
            candidate_day = day + timedelta(days=offset)
            if candidate_day.isoweekday() not in self.days:
                continue
            candidate = self.on(candidate_day)
            if candidate > moment:
                return candidate
        return None


def days_for(repeat: str, weekdays: Optional[str]) -> FrozenSet[int]:
    if repeat == "weekdays":
        return WEEKDAYS
    if repeat == "weekends":
        return WEEKENDS
    if repeat == "weekly" and weekdays:
        return frozenset(int(d) for d in weekdays.split(","))
    return frozenset(range(1, 8))
