"""Rules for the entities that are not vocabulary: pain 0-10, routine minutes and side.

Each finder returns (canonical value, start, end) character spans, following the span
conventions in docs/nlu.md ("6/10" whole, "about a 7" -> "7", "10 minute" -> "10").
"""

from __future__ import annotations

import datetime
import re
from typing import List, Sequence, Tuple

Found = Tuple[str, int, int]

WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "sixty": 60,
}  # fmt: skip
_NUM = r"(?:10|[0-9]|zero|one|two|three|four|five|six|seven|eight|nine|ten)"
_BIG = r"(?:\d{1,3}|" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r")"

#: "7/10", "seven out of ten", "9 of 10", "9 from 10" and "8 on 10" as other languages say it (not "9 of 10 times": a count)
_OUT_OF_TEN = re.compile(
    rf"(?i)(?<![\d.,])\b({_NUM})(?:[.,]\d)?\s*(?:(?:/|out\s+of|outta|on\s+a\s+scale\s+of)\s*(?:10|ten)|(?:of|over|from|on)\s+(?:10|ten))\b"
    r"(?!\s+(?:times|people|days|nights|sessions|mornings|runs|reps|exercises?|stretches|moves|steps|minutes|spots|points|questions|of\b))"
)
_PAIN_WORDS = re.compile(
    r"(?i)\b(pain|painful|hurts?|hurting|aches?|aching|sore|soreness|tight|tightness|stiff|stiffness|tense|level|rate|rating|"
    r"scale|intensity)\b"
)
_RATED = re.compile(
    rf"(?i)\b(?:about|around|roughly|maybe|perhaps|like|at|is|it's|its|a|an|solid|strong|probably|level|easily|goes\s+to|up\s+to|sitting\s+at)\s+(?:a\s+|an\s+)?({_NUM})\b(?!\s*(?:-|\s)?(?:min|minute|minutes|mins|sec|second|seconds|days?|weeks?|times?|hours?|x|%|inch|inches|years?|months?|reps?))"
)
#: a message that is only a rating ("about a 7", "maybe a six", "a 4 now", "7"): the answer to "how does it feel, 0-10?"
_ONLY_A_RATING = re.compile(
    rf"(?i)^\W*(?:(?:it'?s|its|i'?d\s+say|i\s+think|maybe|perhaps|about|around|roughly|like|probably|prob|now|still|a|an|solid|"
    rf"down\s+to|up\s+to|more\s+like)\s+)*({_NUM})(?:\s*ish)?(?:\s*(?:/\s*10|out\s+of\s+(?:10|ten)))?"
    rf"(?:\s+(?:now|maybe|i\s+think|tbh|ish|or\s+so))*\W*$"
)
#: after a session ("done, it's a 3 now", "went from 6 to 3", "pain went up to 7"): a rating without a pain word
_SESSION_WORDS = re.compile(r"(?i)\b(now|done|finished|after|afterwards|down\s+to|up\s+to|dropped|went\s+(?:up|down))\b")
_FROM_TO = re.compile(rf"(?i)\bfrom\s+(?:a\s+)?({_NUM})\s+(?:to|down\s+to|up\s+to|->|→)\s+(?:a\s+)?({_NUM})\b")
_MOVED_TO = re.compile(rf"(?i)\b(?:down|up|dropped|went\s+up|went\s+down|fell|rose)\s+to\s+(?:a\s+|an\s+)?({_NUM})\b")
_NOW_RATED = re.compile(rf"(?i)\b({_NUM})\s+(?:now|afterwards)\b|\bnow\s+({_NUM})\b(?!\s*(?:min|sec|hour|days?|times?|x\b))")
_MINUTES = re.compile(rf"(?i)\b({_BIG})(?:\s*-\s*|\s+)?(?:min|mins|minute|minutes)\b")
_SIDE = re.compile(r"(?i)\b(left|right|both)(?:\s+(?:sides?|hand\s+side))?\b")
_BETWEEN = re.compile(r"(?i)^(?:\s|-|my|the|side|sided|hand|of|upper|lower|inner|outer)*$")
_SIDE_CONTEXT = re.compile(r"(?i)^\W*(?:one|side|sides|leg|legs|arm|arms|hand|foot|feet|shoulder|hip)\b")


def to_number(token: str) -> int:
    token = token.lower()
    return int(token) if token.isdigit() else WORD_NUMBERS[token]


def find_pain_levels(text: str) -> List[Found]:
    """Pain ratings 0-10: "6/10", "seven out of ten", "about a 7" near a pain word or after a
    session ("done, it's a 3 now"), "from 6 to 3" (both, in order), "down to 2", or a message
    that is only a rating ("about a 7", "a 4 now")."""
    only = _ONLY_A_RATING.match(text)
    if only:
        return [(str(to_number(only.group(1))), only.start(1), only.end(1))]
    found: List[Found] = []

    def add(value: str, start: int, end: int) -> None:
        if not any(s <= start < e or start <= s < end for _, s, e in found):
            found.append((str(to_number(value)), start, end))

    for match in _OUT_OF_TEN.finditer(text):
        add(match.group(1), match.start(), match.end())
    for match in _FROM_TO.finditer(text):  # before and after, in that order
        add(match.group(1), *match.span(1))
        add(match.group(2), *match.span(2))
    for match in _MOVED_TO.finditer(text):
        add(match.group(1), *match.span(1))
    if _PAIN_WORDS.search(text) or _SESSION_WORDS.search(text):
        for match in _RATED.finditer(text):
            add(match.group(1), *match.span(1))
        for match in _NOW_RATED.finditer(text):  # "done, 3 now", "pain now 2"
            group = 1 if match.group(1) else 2
            add(match.group(group), *match.span(group))
    return sorted(found, key=lambda f: f[1])


def find_pain_ratings(text: str) -> List[Found]:
    """Pain rated in so many words: "9/10", "eight out of ten", "the pain is about an 8" (a pain
    word in the message); not "9 now" (a child's age, a session report's after-value)."""
    found = [(str(to_number(m.group(1))), m.start(), m.end()) for m in _OUT_OF_TEN.finditer(text)]
    for m in _RATED.finditer(text):
        near = text[max(0, m.start() - 60) : m.start()]  # "the pain is about an 8", "hurts, maybe a 9"
        if (
            _PAIN_WORDS.search(near)
            and not re.match(r"\s+now\b", text[m.end(1) :])
            and not any(s <= m.start(1) < e for _, s, e in found)
        ):
            found.append((str(to_number(m.group(1))), *m.span(1)))
    return found


def find_minutes(text: str) -> List[Found]:
    """Routine length: "10 minute", "ten minutes", "15-min" -> the number's span."""
    out = []
    for match in _MINUTES.finditer(text):
        value = to_number(match.group(1))
        if 0 < value <= 120:
            out.append((str(value), match.start(1), match.end(1)))
    return out


def find_sides(text: str, area_spans: Sequence[Tuple[int, int]]) -> List[Found]:
    """left/right/both, only when they qualify a body part ("my left calf", "right side").

    "right now", "that's right" or "I left it at home" are not sides.
    """
    out = []
    for match in _SIDE.finditer(text):
        word = match.group(1).lower()
        after = text[match.end(1) :]
        next_area = any(s >= match.end(1) and _BETWEEN.match(text[match.end(1) : s]) for s, _ in area_spans)
        sided = match.group(0).lower() != word or _SIDE_CONTEXT.match(after) or next_area
        if not sided:
            continue
        if word == "both":
            start, end = match.span(0) if match.group(0).lower() != word else match.span(1)
        else:
            start, end = match.span(1)
        out.append((word, start, end))
    return out


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_AGE_NUMBER = r"(?:\d{2,3}|(?:" + "|".join(_TENS) + r")(?:[\s-]?(?:" + "|".join(_UNITS) + r"))?)"
_DECADES = {"fifties": 50, "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90, "50s": 50, "60s": 60, "70s": 70,
            "80s": 80, "90s": 90}  # fmt: skip
#: people whose age is given as "mum's 78" or "grandad, 84,"
_PEOPLE = (
    r"mum|mom|mam|mother|dad|father|nan|nana|nanna|gran|granny|grandma|grandad|granddad|grandpa|grandmother|grandfather|"
    r"husband|wife|hubby|partner|aunt|auntie|uncle|neighbour|neighbor|friend|brother|sister|son|daughter|patient|client"
)
_AGE = re.compile(
    rf"(?i)\b(?:i'?m|i\s+am|im|aged?|at\s+(?:the\s+age\s+of\s+)?|just\s+turned|turned|turning|now|she'?s|he'?s|(?:is|who'?s)\s+|"
    rf"(?:{_PEOPLE})'s\s+|(?:{_PEOPLE})\s*,\s*)"
    rf"\s*({_AGE_NUMBER})\b(?!\s*(?:kg|kgs|kilos?|lbs?|pounds|stone|min|mins|minutes?|secs?|seconds?|hours?|hrs?|days?|"
    rf"weeks?|months?|times?|reps?|%|percent|miles?|km|k\b|cm|mm|degrees?|am|pm|o'?clock|/|out\s+of|\.\d))|"
    rf"\b({_AGE_NUMBER})\s*(?:-\s*)?(?:years?|yrs?|yr)[\s-]*(?:of\s+age|old|young)\b|"
    rf"\b({_AGE_NUMBER})\s*(?:yo|y/o|y\.o\.)\b|"
    rf"\b({_AGE_NUMBER})\s+(?:here|this\s+year)\b|"
    rf"\((\d{{2,3}})\s*[,)]|"
    rf"^\s*({_AGE_NUMBER})\s*(?:,|and\b)|"
    # "Florist in Sevilla, 63, never had...": an age set off by commas in a sentence's opening words
    rf"(?:^|[.!?]\s+)[^\W\d][^.!?\d]{{0,60}},\s*(\d{{2}})\s*,\s*(?=[^\W\d])|"
    # "tengo 64", "j'ai 70", "ich bin 66": the age said in the user's language, without the word for years
    rf"\b(?:tengo|j'ai|ich\s+bin|ho)\s+(\d{{2,3}})\b(?!\s*(?:kg|kilos?|min|minutos|minutes|semanas|meses|días|dias|%|/))|"
    # "tengo 61 años", "j'ai 70 ans", "ich bin 66 Jahre": years in the languages users mix in
    rf"\b(\d{{2,3}})\s+(?:años|anos|ans|jahre|anni|jaar|lat|let|år|yaşındayım|yaşında|taon)\b|"
    # "I have 74 years", as Spanish, French, Italian and Portuguese speakers say it in English
    rf"\bi\s+(?:have|am\s+having|got)\s+({_AGE_NUMBER})\s+years\b(?!\s+(?:of|experience|in|on|with|since|ago|left))|"
    rf"\bin\s+(?:my|his|her|their)\s+(?:(?:late|early|mid)[\s-]+)?({'|'.join(_DECADES)})\b"
)


def _age_value(token: str) -> int:
    token = token.lower().replace("-", " ")
    if token in _DECADES:
        return _DECADES[token]
    if token.isdigit():
        return int(token)
    parts = token.split()
    return _TENS.get(parts[0], 0) + (_UNITS.get(parts[1], 0) if len(parts) > 1 else 0)


#: words that say 65 or over without a number ("pensioner here", "got my bus pass")
_OLDER = re.compile(r"(?i)\b(?:pensioner|oap|senior\s+citizen|bus\s+pass|coming\s+up\s+to\s+70|in\s+my\s+retirement)\b")


#: years everyone knows, as people tell a birth by them ("born the summer of the moon landing")
_BIRTH_EVENTS = (
    (r"(?:moon\s+landing|landed\s+on\s+the\s+moon|walked\s+on\s+the\s+moon)", 1969),
    (r"woodstock", 1969),
    (r"summer\s+of\s+love", 1967),
    (r"kennedy\s+was\s+shot", 1963),
    (r"england\s+won\s+the\s+world\s+cup", 1966),
    (r"(?:the\s+queen's\s+)?coronation", 1953),
)
#: a birth year ("born in 1961", "born in '58"), or a birth told by one of _BIRTH_EVENTS
_BORN = re.compile(
    r"(?i)\bborn\s+(?:in\s+)?(?:(?:the\s+)?(?:(?:early|late|spring|summer|autumn|fall|winter|year)\s+(?:of\s+)?)?)"
    r"(?:'(\d{2})\b|((?:19|20)\d{2})\b|[^.!?\d]{0,30}?\b(" + "|".join(pattern for pattern, _ in _BIRTH_EVENTS) + r"))"
)


def _birth_ages(text: str, this_year: int) -> List[Tuple[int, int, int]]:
    found = []
    for match in _BORN.finditer(text):
        short, year, event = match.group(1), match.group(2), match.group(3)
        if short:
            born = 1900 + int(short)
        elif year:
            born = int(year)
        else:
            born = next(y for pattern, y in _BIRTH_EVENTS if re.fullmatch(pattern, event, re.IGNORECASE))
        index = 1 if short else 2 if year else 3
        if 15 <= this_year - born <= 110:
            found.append((this_year - born, match.start(index), match.end(index)))
    return found


def find_ages(text: str) -> List[Tuple[int, int, int]]:
    """Ages people give: "I'm 74", "74 years old", "at 71", "grandad (86, next to me)", "in my
    late sixties" (-> 65+: the decade's start plus 5 for "late" and "mid"), as (age, start, end).
    Numbers that measure something else ("74 kg", "20 weeks", "7/10") are not ages."""
    found = []
    for match in _AGE.finditer(text):
        index = next(i for i in range(1, (match.lastindex or 0) + 1) if match.group(i))
        value = _age_value(match.group(index))
        if index == (match.lastindex or 0) and re.search(r"(?i)\b(?:late|mid)", match.group(0)):
            value += 5
        if 15 <= value <= 110:
            found.append((value, match.start(index), match.end(index)))
    found += [(65, m.start(), m.end()) for m in _OLDER.finditer(text)]
    return found + _birth_ages(text, datetime.date.today().year)
