"""The person's time zone from what they type: an IANA name, a city, or the time it is for them.

A city ("Berlin", "new york", "sao paulo") is matched against the city part of the zone names
zoneinfo knows (rapidfuzz, bounded), so daylight saving is handled. A clock time ("it's 3:45pm")
only gives today's UTC offset: a whole-hour offset becomes a fixed Etc/GMT zone (no daylight
saving, so the bot suggests a city too), anything else a zone with that offset right now.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Dict, Optional
from zoneinfo import ZoneInfo, available_timezones

from rapidfuzz import fuzz, process

from actions.coaching.reminder_times import clock_time

# UTC offsets in use run from -12:00 (Etc/GMT+12) to +14:00 (Pacific/Kiritimati), and every one is
# a whole number of quarter hours (+5:45 Nepal, +8:45 Eucla), per the IANA tz database.
EARLIEST_OFFSET, LATEST_OFFSET = timedelta(hours=-12), timedelta(hours=14)
OFFSET_STEP_SECONDS = 15 * 60
HOUR_SECONDS = 3600
#: rapidfuzz ratio (0-100) a typed place needs to match a zone's city; the project's choice:
#: one letter missing from a six-letter city passes ("berln" ~ "berlin": 91), two do not ("brln": 80)
CITY_MATCH_CUTOFF = 88
#: four letters in a row make a text a place, not a clock time with filler ("it's 3pm now")
_PLACE_WORD = re.compile(r"[a-z]{4,}")
_FILLER = re.compile(r"\b(?:it'?s|its|it is|i'?m in|i am in|i live in|in|at|now|right now|here|the time is|time)\b", re.I)


@lru_cache(maxsize=1)
def _zones() -> Dict[str, str]:
    """lower-case name -> zone, for full names and for the city part ("new york" -> America/New_York)."""
    names: Dict[str, str] = {}
    for zone in sorted(available_timezones()):
        names.setdefault(zone.lower(), zone)
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/")):
            names.setdefault(zone.rsplit("/", 1)[1].replace("_", " ").lower(), zone)
    return names


def is_zone(name: str) -> bool:
    return name in available_timezones()


def from_clock(text: str, now: datetime) -> Optional[str]:
    """The zone whose clock shows the time `text` states, at `now` (a whole-hour offset: Etc/GMT)."""
    clock = clock_time(text)
    if clock is None or not clock.possible:
        return None
    utc = now.astimezone(timezone.utc)
    stated = utc.replace(hour=clock.hour_24, minute=clock.minute, second=0, microsecond=0)
    offset = stated - utc.replace(second=0, microsecond=0)
    # the closest offset in use, in quarter hours
    while offset > LATEST_OFFSET:
        offset -= timedelta(days=1)
    while offset < EARLIEST_OFFSET:
        offset += timedelta(days=1)
    quarter = round(offset.total_seconds() / OFFSET_STEP_SECONDS) * OFFSET_STEP_SECONDS
    if quarter % HOUR_SECONDS == 0:
        hours = int(quarter // HOUR_SECONDS)
        return "Etc/UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"  # Etc/GMT-2 is UTC+2 (POSIX sign)
    for zone in sorted(available_timezones()):
        if now.astimezone(ZoneInfo(zone)).utcoffset() == timedelta(seconds=quarter):
            return zone
    return None


def resolve(text: str, now: datetime) -> Optional[str]:
    """The zone `text` names or implies, or None."""
    raw = text.strip()
    if not raw:
        return None
    if is_zone(raw):
        return raw
    if clock_time(raw) and not _PLACE_WORD.search(_FILLER.sub(" ", raw.lower()).replace("am", "").replace("pm", "")):
        return from_clock(raw, now)
    cleaned = _FILLER.sub(" ", raw.lower())
    place = " ".join(cleaned.replace(",", " ").split())
    # the whole place, then each comma-separated part ("Sydney, Australia")
    candidates = [place, *(" ".join(p.split()) for p in cleaned.split(","))]
    zones = _zones()
    for candidate in filter(None, candidates):
        if candidate in zones:
            return zones[candidate]
        found = process.extractOne(candidate, list(zones), scorer=fuzz.ratio, score_cutoff=CITY_MATCH_CUTOFF)
        if found:
            return zones[found[0]]
    return None
