"""Reading a typed answer to the safety checklist ("Does any of these apply to you?").

`read_answer` returns one of YES, NO, UNSURE, CORRECTION, an item number ("the second
one"), or None when the text is not a readable answer ("ok", "go ahead", "hmm"). The
screening never guesses: None makes the bot ask "is that a yes or a no?", and the intent
classifier can only veto a "no" (see actions/screening/answers.py), never create one.

Rules, in order:
1. a correction ("sorry, I meant no", "wrong button", "wait, actually...", "scratch my last
   message", "I forgot to say") is a CORRECTION;
2. an exception ("none except...", "no, apart from the blood thinners") is a YES: something applies;
3. a hedge ("not sure", "I don't think so", "not really", "maybe") is UNSURE, never a clean no
   (components/cues.py: the same hedges the red-flag detector knows);
4. an ordinal or a number ("the second one", "number 3") picks that item;
5. clear yes words, without any negation, are YES, and so is a no followed by "but I..." ("no,
   but I'm on eliquis"); "I'm" alone is yes only when nothing else follows ("I'm healthy" is not
   a yes); a yes or no that itself ends in "?" ("no?") is UNSURE, a question after it is not ("nope, can we
   start?"). A statement naming the risk itself ("I had surgery
   6 weeks ago", "I'm on xarelto") is the red-flag detector's: it ends the screening first;
6. clear no words ("no", "none", "I'm healthy", "I have never had one", "I didn't have any")
   are NO;
7. anything else is None.
"""

from __future__ import annotations

import re
from typing import Optional, Union

from components import cues

YES, NO, UNSURE, CORRECTION = "yes", "no", "unsure", "correction"
Answer = Union[str, int]  # YES | NO | UNSURE | CORRECTION, or an item number (1-based)

_CORRECTION = re.compile(
    r"(?i)\b(?:i\s+meant|meant\s+to\s+say|meant\s+(?:no|yes|none)|wrong\s+(?:button|one|answer|choice)|by\s+mistake|mistake|"
    r"misclick|mis-click|mis\s+click|(?:tapped|pressed|hit|clicked|picked|chose|selected)\s+(?:the\s+)?wrong|"
    r"(?:tapped|pressed|hit|clicked)\s+(?:yes|no)\s+by|take\s+(?:that|it)\s+back|change\s+my\s+answer|answer\s+again|"
    r"that'?s\s+(?:wrong|not\s+right|not\s+what\s+i\s+meant)|not\s+what\s+i\s+meant|scratch\s+that|my\s+bad|oops|whoops|"
    r"let\s+me\s+(?:redo|re-do|start\s+over|answer)|start\s+the\s+(?:questions|check)\s+again|redo|re-do|undo|"
    r"fat\s+fingers?|typo|ignore\s+(?:that|my\s+last|the\s+last|what\s+i\s+(?:said|wrote|typed)|the\s+(?:yes|no|none))|"
    r"didn'?t\s+mean\s+(?:to|that|yes|no)|misread|mis-read|changed\s+my\s+mind|change\s+of\s+mind|on\s+second\s+thoughts?|"
    r"scratch\s+(?:my|the)\s+last|i\s+said\s+(?:no|yes|none|nothing)\s+but|earlier\s+i\s+said|"
    r"should\s*(?:'?ve|\s+have)\s+said|forgot\s+to\s+(?:say|mention|tell)|i\s+forgot|now\s+i\s+think\s+about\s+it|"
    r"^(?:oh\s+)?(?:wait|hang\s+on|hold\s+on|sorry)\W+(?:\w+\W+)?(?:actually|no|yes|i|i'm|im|none|one|my)|"
    r"^actually\W+(?:yes|no|i|none|one))\b"
)
_EXCEPTION = re.compile(
    r"(?i)\b(?:except|apart\s+from|other\s+than|besides|aside\s+from|save\s+for|but\s+for|bar\s+the|only\s+the|just\s+the)\b"
)
_ORDINALS = {
    "first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3, "three": 3, "fourth": 4, "4th": 4,
    "four": 4, "fifth": 5, "5th": 5, "five": 5, "sixth": 6, "6th": 6, "six": 6, "seventh": 7, "7th": 7, "seven": 7,
    "eighth": 8, "8th": 8, "eight": 8, "ninth": 9, "9th": 9, "nine": 9, "tenth": 10, "10th": 10, "ten": 10,
    "eleventh": 11, "11th": 11, "eleven": 11, "last": -1,
}  # fmt: skip
_ITEM = re.compile(
    r"(?i)^(?:yes|yeah|yep|yup|ya|y)?[\s,.!]*(?:it'?s\s+|its\s+)?(?:the\s+)?(?:number|no\.?|#|item|line)?\s*"
    r"(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th|seventh|7th|eighth|8th|ninth|9th|tenth|10th|"
    r"eleventh|11th|last|\d{1,2})(?:\s+(?:one|item|line|point|thing))?(?:\s+(?:applies|is\s+me|for\s+me))?[\s.!]*$"
)
_YES_WORDS = re.compile(
    r"(?i)^(?:y|ye|yeh|ye+s+|yess+|yeah+|yea|ya|yah|yep+|yup+|ja|aye|mhm+|mm+hm+|uh\s+huh|affirmative|correct|definitely|absolutely|certainly|indeed|true|"
    r"unfortunately|sadly|afraid\s+so|i'?m\s+afraid\s+so|guilty|that'?s\s+me|thats\s+me|me|one\s+does|"
    r"(?:yes|yeah|yep)\s+(?:it\s+does|one\s+does|i\s+do|i\s+am|i\s+have|i\s+did|unfortunately|sadly|there\s+is|one\s+applies)|"
    r"(?:one|some|a\s+few|a\s+couple|two|several|a\s+couple\s+of\s+them|a\s+few\s+of\s+them)(?:\s+of\s+(?:them|those|these|the\s+list))?"
    r"(?:\s+(?:do|does|apply|applies|is\s+me))?|"
    r"(?:one|some)\s+(?:of\s+)?(?:them|those|these)\s+(?:do|does|apply|applies)|(?:it|that|one|something)\s+(?:does|applies)|"
    r"i\s+(?:do|am|have|did|had)|i'm|i've|there\s+is|there'?s\s+one|yes\s+one\s+applies|one\s+applies)$"
)
_YES_ANYWHERE = re.compile(
    r"(?i)\b(?:yes|yeah|yeh|yep|yup|applies\s+to\s+me|one\s+of\s+them\s+(?:does|applies)|(?:i\s+)?tick\s+(?:the|that|one)|"
    r"(?:the|that)\s+(?:\w+\s+){1,2}one(?:\s+(?:applies|does|is\s+me))?$|(?:\d+|two|three|a\s+few|a\s+couple|some)\s+of\s+them|"
    r"guilty|one\s+(?:applies|does|of\s+them\s+is\s+me))\b"
)
#: "no, but I'm on eliquis": something after the no applies after all
_BUT_HAVING = re.compile(r"(?i)\bbut\s+(?:i|i'm|i've|my)\b")
_FILLERS = re.compile(
    r"(?i)\s*\b(?:tbh|lol|haha+|hehe|honestly|actually|really|to\s+be\s+honest|unfortunately|sadly|i'?m\s+afraid|ngl|fr|though|tho|thanks|thank\s+you|thx)\b\s*"
)
_NOT = re.compile(r"(?i)^(?:definitely|definately|definetly|defo|deffo|absolutely|certainly|of\s+course|nope|no|really)\s+not$")
_NO_WORDS = re.compile(
    r"(?i)\b(?:no+|nope|nopes|nop|nah+|naw|na|nay|none|non|nothing|neither|never|negative|negatory|nada|zilch|zero|not\s+me|not\s+at\s+all|"
    r"not\s+one|not\s+a\s+single|not\s+any|no\s+to\s+all|all\s+clear|all\s+good|all\s+fine|i'?m\s+(?:good|fine|healthy|ok|okay|well)|"
    r"im\s+(?:good|fine|healthy|ok|okay|well)|i\s+am\s+(?:good|fine|healthy|ok|okay|well)|healthy|"
    r"(?:does|do)\s+not\s+apply|(?:doesn'?t|dont|don'?t)\s+apply|(?:does|do)n'?t\s+apply|"
    r"i\s+(?:do|have|did|am)\s+not|i\s+(?:don'?t|haven'?t|didn'?t|havent|didnt|dont)|i'?m\s+not|"
    r"never\s+had|haven'?t\s+had|havent\s+had|clear\s+on\s+all|fine\s+on\s+all|not\s+once|"
    r"haven'?t\s+got|havent\s+got|(?:that|it|this|those|these)\s+(?:is\s+not|isn'?t|isnt|are\s+not|aren'?t|arent)\s+me)\b"
)
#: "nothing there applies to me", "none of those apply to me": the "applies to me" is denied
_NOTHING_APPLIES = re.compile(
    r"(?i)\b(?:nothing|none|not\s+one|neither|no\s+one)(?:\s+[\w']+){0,4}?\s+(?:applies|apply|is|are|relates?)\s+(?:to\s+|for\s+)?me\b"
)


def _answer_asked_back(lowered: str) -> bool:
    """The yes or no itself ends in "?" ("no?"), not a question after it ("nope, can we start?")."""
    if not lowered.endswith("?"):
        return False
    last = re.split(r"[,.!;]", lowered.rstrip("?"))[-1]
    return bool(_YES_WORDS.match(last.strip()) or _YES_ANYWHERE.search(last) or _NO_WORDS.search(last))


def read_answer(text: str) -> Optional[Answer]:
    """What a typed checklist answer says (see the module docstring), or None."""
    raw = cues.normalise_apostrophes(text or "").strip()
    raw = re.sub(r"[\u2600-\u27bf\U0001f000-\U0001faff]", " ", raw).strip()  # emoji
    if not raw:
        return None
    clean = re.sub(r"[^\w\s'?,.!#-]", " ", raw)  # symbols out
    clean = re.sub(r"\s+", " ", clean).strip()
    plain = clean.strip(" .!,")
    if not plain:
        return None
    if _CORRECTION.search(plain):
        return CORRECTION
    if _EXCEPTION.search(plain):
        return YES
    if cues.hedged(plain):
        return UNSURE
    item = _ITEM.match(plain)
    if item:
        word = item.group(1).lower()
        return int(word) if word.isdigit() else _ORDINALS[word]
    lowered = _FILLERS.sub(" ", plain.lower()).strip(" .!,") or plain.lower()
    if _BUT_HAVING.search(lowered):
        return YES
    if _NOT.match(lowered) or (_NOTHING_APPLIES.search(lowered) and not _BUT_HAVING.search(lowered)):
        return NO
    says_yes = bool(_YES_WORDS.match(lowered)) or bool(_YES_ANYWHERE.search(lowered))
    says_no = bool(_NO_WORDS.search(lowered))
    if says_yes and says_no:
        return None
    if (says_yes or says_no) and _answer_asked_back(lowered):  # "no?" asks back: not an answer to rely on
        return UNSURE
    if says_yes:
        return YES
    if says_no:
        return NO
    return None
