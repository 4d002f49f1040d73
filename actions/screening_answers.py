"""Understanding free-text answers to a yes/no screening question.

Buttons send /affirm or /deny, but people type "only a bit", "not that I know of" or
"yeah, sometimes". A hedge counts as "partial": it is never read as a clean "no".
"""

from __future__ import annotations

import re
from typing import Optional

YES, NO, PARTIAL = "yes", "no", "partial"

_PARTIAL = re.compile(
    r"\b(a bit|a little|a little bit|slightly|slight|sometimes|occasionally|kind of|kinda|sort of|sorta|"
    r"maybe|perhaps|possibly|not sure|unsure|don'?t know|dunno|no idea|i think so|i guess|mild|mildly|"
    r"on and off|now and then|a touch|somewhat|not certain|can'?t remember|might|could be)\b",
    re.I,
)
_NO = re.compile(
    r"^\s*(no+|nope|nah|never|none|not at all|not really|negative|nothing|neither|no way|"
    r"i (?:do not|don'?t|haven'?t|have not|am not|'?m not)|i'm not|not me|nothing like that|"
    r"none of (?:those|them|that)|not that i know|not that i(?:'m| am) aware)\b",
    re.I,
)
_YES = re.compile(
    r"^\s*(y|ye+s+|yeah|yep|yup|yah|sure|correct|right|affirmative|definitely|absolutely|"
    r"i (?:do|am|have|did)|i'm|i've|i had|i take|i use|true)\b",
    re.I,
)


def interpret_answer(text: str) -> Optional[str]:
    """ "yes", "no", "partial", or None when the text answers neither way."""
    if not text or not text.strip():
        return None
    if _PARTIAL.search(text):
        return PARTIAL
    if _NO.search(text):
        return NO
    if _YES.search(text):
        return YES
    return None
