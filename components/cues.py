"""The one implementation of the language cues that change what a statement means.

- negation: "no numbness or tingling", "I don't take blood thinners" (a sign that is denied);
- hedges: "not sure", "I don't think so", "maybe" (neither a yes nor a no);
- history: "years ago", "as a kid", "long healed" (a past event, not a recent one);
- other people: "my husband takes blood thinners" (someone else's risk), unless that person is
  the one who will do the massage ("...and wants to use the roller");
- questions about a term: "what's a blood thinner?" asks what it is, it does not state it.

The red-flag detector (components/red_flags.py) and the checklist-answer reader
(components/answers.py) both use these functions. Pure Python on lower-case tokens: no Rasa,
no spaCy, so the action server can import it too.
"""

from __future__ import annotations

import re
from typing import List, Sequence, Set

#: words that cancel a following sign ("no numbness", "without any tingling", "never had a clot")
NEGATIONS = {
    "no", "not", "without", "never", "nor", "none", "deny", "denies", "negative", "nothing", "neither", "zero",
    # typed without the apostrophe ("dont have osteoporosis"); "cant" is not here: "cant feel" is a sign
    "dont", "didnt", "doesnt", "havent", "hasnt", "hadnt", "isnt", "wasnt", "arent", "werent", "wont", "nt",
}  # fmt: skip
#: words that may stand between a negation and the sign it cancels ("no numbness or tingling")
NEGATION_BRIDGE = {
    "or", "and", "any", "real", "a", "an", ",", "/", "other", "signs", "sign", "of", "have", "has", "had", "do", "does",
    "did", "feel", "felt", "get", "got", "take", "taking", "taken", "on", "history", "ever", "been", "having", "experienced",
    "experience", "currently", "really", "symptoms", "like", "issues", "problems", "with", "the", "my", "am", "is",
    "are", "was", "kind", "sort", "type", "notice", "noticed", "suffer", "suffered", "from",
    # the same verbs as the red-flag detector sees them (lemmas)
    "be",
}  # fmt: skip
#: "not sure if it's numbness" is a hedge, not a denial: these words after a negation keep the sign
HEDGE_AFTER_NEGATION = {"sure", "certain", "know", "tell", "remember", "think", "positive"}
#: words that end the reach of a negation ("no fever, but my calf is swollen")
CLAUSE_BREAKS = {".", "!", "?", ";", "but", "though", "however", "although", "except", "apart", "besides", "yet"}

#: hedged answers: neither a clean yes nor a clean no
HEDGE = re.compile(
    r"\b(not sure|unsure|not certain|uncertain|maybe|perhaps|possibly|probably|probs|prob|might|could be|kind of|kinda|"
    r"sort of|sorta|a bit|a little|slightly|i think|i guess|i suppose|i believe|i don't think|i do not think|"
    r"don't think so|do not think so|not really|not exactly|not quite|hard to say|tough to say|difficult to say|"
    r"can't say|cannot say|can't remember|cannot remember|can't recall|don't remember|do not remember|"
    r"don't know|do not know|dunno|idk|no idea|not that i know|not that i'm aware|not that i am aware|"
    r"as far as i know|afaik|i'm not sure|im not sure|not 100|unclear|hmm+ not|sometimes|occasionally|now and then|"
    r"on and off|ish\b|hard to tell|tough to tell|can't tell|don't believe so|do not believe so|i believe not|"
    r"don't really know|do not really know|not really sure|no clue|not a clue|who knows|might be|may be|"
    r"i reckon not|reckon so|i suppose not|not that i can remember|not that i remember|could have|might have|"
    r"50\s*[/ -]?\s*50|fifty fifty)",
    re.I,
)

#: a past event, long enough ago not to count as recent
_NUMBER_WORDS = (
    "a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|several|many|few|"
    "couple of|couple|some|\\d+"
)
HISTORY = re.compile(
    rf"\b(?:(?:(?:{_NUMBER_WORDS})\s+)?(?:years|decades?|yrs)\s+(?:ago|back|earlier|before)|"
    rf"(?:{_NUMBER_WORDS})\s+(?:year|yr)\s+(?:ago|back|earlier|before)|in\s+the\s+past|previously|years\s+before|"
    rf"(?:{_NUMBER_WORDS})\s+(?:years?|yrs?)\s+since|"
    r"(?:(?:[4-9]|1[0-9]|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen)\s+months?\s+(?:ago|back))|"
    r"decades?\s+ago|ages\s+ago|long\s+(?:time\s+)?ago|a\s+long\s+time\s+ago|years\s+back|way\s+back|"
    r"as\s+a\s+(?:kid|child|teen|teenager|boy|girl|baby|toddler|youngster)|when\s+i\s+was\s+(?:a\s+)?(?:kid|child|little|"
    r"young|younger|small|teen|teenager|boy|girl|baby|\d+|in\s+school|at\s+school|at\s+uni|in\s+college)|"
    r"in\s+my\s+(?:childhood|youth|teens|twenties|thirties|20s|30s)|childhood|in\s+(?:primary|high|secondary)\s+school|"
    r"(?:at|in|back\s+in)\s+(?:school|uni|university|college)|"
    r"long\s+(?:since\s+)?healed|fully\s+healed|fully\s+recovered|no\s+(?:symptoms|problems|trouble|issues)\s+since|all\s+healed|healed\s+(?:up|fine|now|years)|"
    r"(?:back\s+)?in\s+(?:19[0-9]{2}|20[01][0-9]|202[0-4])|"
    # "when my son was born, he's 14 now": the child's age dates the event
    r"(?:he|she|they)\s*(?:'s|is|are|'re)\s+(?:[2-9]|1[0-9]|[a-z]+teen|twenty\w*|thirty\w*)\s+now)\b",
    re.I,
)

#: someone other than the person typing
THIRD_PERSON = re.compile(
    r"\b(?:(?:my|our)\s+(?:husband|hubby|wife|partner|boyfriend|bf|girlfriend|gf|fiance|fiancee|mum|mom|mother|mam|dad|"
    r"father|son|daughter|kid|kids|child|children|brother|sister|friend|mate|grandad|granddad|grandpa|grandma|granny|"
    r"grandmother|grandfather|nan|nana|nanna|uncle|aunt|auntie|cousin|colleague|coworker|co-worker|boss|neighbour|"
    r"neighbor|flatmate|roommate|client|clients|patient|patients|family|parents|parent|in-laws|niece|nephew|"
    r"teammate|coach|dog|cat)|(?:he|she|him|her|his|hers)|"
    r"(?:auntie|aunt|uncle|grandad|granddad|grandma|grandpa|granny|nan|nana|mum|mom|dad|hubby)|"
    r"runs\s+in\s+(?:my|the)\s+family|family\s+history|(?:my|his|her)\s+(?:family|relatives))\b",
    re.I,
)
#: the other person is the one who will use the tool (so their risk is the one that counts)
_OTHER = (
    r"(?:he|she|they|(?:my|our)\s+(?:husband|hubby|wife|partner|boyfriend|girlfriend|fiance|fiancee|mum|mom|mother|mam|dad|"
    r"father|son|daughter|kid|child|brother|sister|friend|mate|grandad|granddad|grandpa|grandma|granny|nan|nana|nanna|"
    r"uncle|aunt|auntie|cousin|colleague|client|patient|niece|nephew|flatmate|roommate))"
)
_USE = r"(?:use|using|try|trying|roll|rolling|massage|massaging|do|start|get|work\s+on|buy)"
FOR_THIRD_PERSON = re.compile(
    rf"\b{_OTHER}(?:\s+(?!i\b|i'm\b|im\b)[\w',]+){{0,8}}?\s+(?:wants?|would\s+like|wanted|is\s+going|plans?|planning|asked|asks|"
    rf"is\s+trying|tries|tried|needs?|is\s+looking|keeps\s+asking)\s+(?:me\s+)?to\s+{_USE}|"
    rf"\b(?:can|could|should|may|might)\s+{_OTHER}\s+{_USE}|"
    rf"\b(?:is\s+it|it'?s|would\s+it\s+be)\s+(?:ok|okay|safe|fine|alright|all\s+right)\s+for\s+(?:him|her|them|{_OTHER})|"
    rf"\bfor\s+(?:him|her|them)\b|"
    rf"\b(?:{_USE}|ball|roller|stick|tool|it|ok|okay|safe)\s+(?:[\w',]+\s+){{0,5}}?(?:on|for)\s+(?:him|them|(?:his|her|their)\s+"
    rf"(?:back|calf|calves|neck|leg|legs|shoulder|shoulders|foot|feet|hip|hips|glute|glutes|hamstrings?|quads?|arms?|traps|"
    rf"spine))\b|"
    rf"\b(?:roll|massage|massaging)\s+(?:him|her|them)\b",
    re.I,
)
#: the person typing says it applies to them too ("...and I had one too", "me too")
FIRST_PERSON_TOO = re.compile(
    r"\b(?:i\s+(?:had|have|do|did|am|was|take|took|get|got)\s+(?:\w+\s+){0,3}(?:too|as\s+well|also)|i\s+also|me\s+too|"
    r"so\s+do\s+i|so\s+did\s+i|so\s+am\s+i|and\s+me|same\s+(?:here|for\s+me)|i'?ve\s+(?:\w+\s+){0,2}(?:too|as\s+well))\b",
    re.I,
)
FIRST_PERSON = re.compile(
    r"\b(?:i|i'm|im|i've|ive|i'd|myself|i'll)\b|"
    # reported speech about the person typing: "my gf says my words are slurred"
    r"\b(?:says|said|thinks|reckons|noticed|notices|tells\s+me|told\s+me)\s+(?:that\s+)?(?:my|i|i'm|im)\b|"
    r"\b(?:gave|give|given|gives|put|prescribed|started|injected|operated\s+on|diagnosed|told|sent|booked|treated)\s+me\b",
    re.I,
)
#: the person typing speaks of their own body ("...which ball for my traps?")
MY_BODY = re.compile(
    r"\bmy\s+(?:(?:left|right|lower|upper|own)\s+)?(?:back|neck|calf|calves|legs?|traps|shoulders?|glutes?|hips?|feet|foot|"
    r"arms?|hamstrings?|quads?|forearms?|thighs?|spine|knees?|wrists?|ankles?|chest|butt|bum|it\s+band|muscles?|body|pecs?|"
    r"lats?|shins?|heels?|arch|arches|piriformis|psoas|hip\s+flexors?|upper\s+back|lower\s+back)\b",
    re.I,
)
#: the person typing, anywhere ("nothing wrong with me", "mine is just a tight glute")
SPEAKER = re.compile(r"\b(?:me|mine|myself)\b", re.I)
_SENTENCE = re.compile(
    r"[.!?;\n]+|\bbut\b|,\s*(?:and\s+)?(?=i\b|i'm\b|im\b|my\b)|\b(?:and|so|because|cause|cos|as)\s+(?=i\b|i'm\b|im\b|i've\b|ive\b)",
    re.I,
)


def negated(tokens: Sequence[str], start: int, flag_tokens: Set[int] = frozenset(), reach: int = 6) -> bool:  # type: ignore[assignment]
    """True when a negation governs the sign that starts at `tokens[start]`.

    `tokens` are normalised lower-case tokens ("n't" already read as "not"); list words and
    other sign words (`flag_tokens`) may stand between the negation and the sign.
    """
    i = start - 1
    steps = 0
    while i >= 0 and steps < reach:
        token = tokens[i]
        if token in NEGATIONS and i not in flag_tokens:  # "never lets up" is a sign, not a denial
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            return following not in HEDGE_AFTER_NEGATION
        if token in CLAUSE_BREAKS:
            return False
        if token not in NEGATION_BRIDGE and i not in flag_tokens:
            return False
        i -= 1
        steps += 1
    return False


def hedged(text: str) -> bool:
    """The text hedges ("not sure", "I don't think so", "maybe")."""
    return bool(HEDGE.search(normalise_apostrophes(text)))


_BARE_CONTRACTIONS = {
    "dont": "don't", "didnt": "didn't", "doesnt": "doesn't", "cant": "can't", "wont": "won't", "isnt": "isn't",
    "wasnt": "wasn't", "havent": "haven't", "hasnt": "hasn't", "hadnt": "hadn't", "arent": "aren't", "werent": "weren't",
    "im": "i'm", "ive": "i've", "id": "i'd", "thats": "that's", "its": "it's", "couldnt": "couldn't", "wouldnt": "wouldn't",
    "shouldnt": "shouldn't",
}  # fmt: skip
_BARE = re.compile(r"\b(" + "|".join(_BARE_CONTRACTIONS) + r")\b", re.I)


def normalise_apostrophes(text: str) -> str:
    """Curly quotes as straight ones, and contractions typed without the apostrophe ("dont", "im") with it."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return _BARE.sub(lambda m: _BARE_CONTRACTIONS[m.group(1).lower()], text)


def sentence_around(text: str, start: int, end: int) -> str:
    """The clause of `text` that contains the span `start:end` (split at . ! ? ; "but", ", I")."""
    cuts = [0] + [m.end() for m in _SENTENCE.finditer(text) if m.end() <= start] + [len(text)]
    begin = max(c for c in cuts if c <= start)
    after = [m.start() for m in _SENTENCE.finditer(text) if m.start() >= end]
    return text[begin : (min(after) if after else len(text))]


def in_the_past(text: str, start: int, end: int) -> bool:
    """The sign at `start:end` is dated long ago ("years ago", "as a kid") in its own clause."""
    return bool(HISTORY.search(normalise_apostrophes(sentence_around(text, start, end))))


_ASKED_ABOUT = re.compile(
    r"\b(?:what(?:'s|s|\s+is|\s+are)|what\s+does|what\s+do\s+you\s+mean\s+by|what\s+counts\s+as|what\s+is\s+meant\s+by|"
    r"meaning\s+of|define|explain)\s+(?:a|an|the)?\s*$",
    re.I,
)


_WHAT_DOES = re.compile(r"\bwhat\s+does\s+(?:[\w-]+\s+){0,2}$", re.I)
_MEAN_AFTER = re.compile(r"^\W*(?:[\w-]+\s+)?(?:mean|means|stand\s+for)\b", re.I)


def asked_about(text: str, start: int, end: int) -> bool:
    """The sign at `start:end` is the term of a question about what it means ("what's a blood
    thinner?", "what does saddle numbness mean?"); "what is this numbness in my leg?" is not."""
    before = normalise_apostrophes(text[max(0, start - 40) : start])
    return bool(_ASKED_ABOUT.search(before) or (_WHAT_DOES.search(before) and _MEAN_AFTER.search(text[end : end + 30])))


def about_someone_else(text: str, start: int, end: int) -> bool:
    """The sign at `start:end` belongs to another person who is not the one doing the massage.

    "my grandad had cancer, I'm just sore from the gym" -> True; "my husband takes blood
    thinners and wants to use the roller" -> False (he will do the massage); "history of
    clots in my family and I had one too" -> False (the person typing has it too); "my son
    has a stiff neck and a fever, can we use the ball" -> False (the message is about him).
    """
    text = normalise_apostrophes(text)
    if FOR_THIRD_PERSON.search(text) or FIRST_PERSON_TOO.search(text):
        return False
    clause = sentence_around(text, start, end)
    if not THIRD_PERSON.search(clause) or FIRST_PERSON.search(clause):
        return False
    # a message that is all about the other person ("my son has a stiff neck and a high temp,
    # can we use the ball?") asks for them: their signs count
    rest = text.replace(clause, " ", 1)
    return bool(FIRST_PERSON.search(rest) or SPEAKER.search(text) or MY_BODY.search(text))


def words(text: str) -> List[str]:
    """Lower-case word tokens, with "n't" read as "not" ("don't" -> "do", "not")."""
    text = normalise_apostrophes(text).lower()
    text = re.sub(r"\b(can|won|ain)'?t\b", lambda m: {"can": "can not", "won": "will not", "ain": "is not"}[m.group(1)], text)
    text = re.sub(r"n'?t\b", " not", text)
    return re.findall(r"[a-z0-9]+|[.,!?;/]", text)
