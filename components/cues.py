"""The one implementation of the language cues that change what a statement means.

- negation: "no numbness or tingling", "I don't take blood thinners" (a sign that is denied);
- hedges: "not sure", "I don't think so", "maybe" (neither a yes nor a no);
- history: "years ago", "as a kid", "long healed" (a past event, not a recent one);
- other people: "my husband takes blood thinners" (someone else's risk), unless that person is
  the one who will do the massage ("...and wants to use the roller");
- questions about a term: "what's a blood thinner?" asks what it is, it does not state it;
- hypotheticals: "what should I do if I ever get tingling?" (a sign that has not happened);
- work: "I'm a pharmacist, I dispense warfarin all day" (the person handles it, does not take it);
- stopped medicines: "I came off warfarin" (not a current medicine: asked about, never assumed);
- figures of speech and star signs: "my boss is a pain in the neck", "I'm a Cancer" (a sign word
  that may not mean the sign: star signs never count, a figure of speech is asked about).

The red-flag detector (components/red_flags.py) and the checklist-answer reader
(components/answers.py) both use these functions. Pure Python on lower-case tokens: no Rasa,
no spaCy, so the action server can import it too.
"""

from __future__ import annotations

import functools
import re
from typing import AbstractSet, List, Optional, Sequence, Tuple

#: words that cancel a following sign ("no numbness", "without any tingling", "never had a clot")
NEGATIONS = {
    "no", "not", "without", "never", "nor", "none", "deny", "denies", "negative", "nothing", "neither", "zero",
    # typed without the apostrophe ("dont have osteoporosis"); "cant" is not here: "cant feel" is a sign
    "dont", "didnt", "doesnt", "havent", "hasnt", "hadnt", "isnt", "wasnt", "arent", "werent", "wont", "nt",
    # the same in the languages people mix into English here (Tagalog, Hindi-Urdu, Spanish): "walang surgery"
    "walang", "wala", "hindi", "nahi", "nahin", "sin", "tampoco",
    # and in the languages the vocabulary reads signs in (knowledge/content/red_flags.yml): Russian,
    # Ukrainian, Polish, Czech, French, Romanian, Greek, Vietnamese, Arabic ("я не беременна")
    "не", "нет", "ні", "nie", "ne", "nu", "δεν", "όχι", "không", "khong", "لا", "مش",
    # Arabic as typed in Latin letters ("mafi fever", "mish swollen")
    "mafi", "mafish", "mish",
}  # fmt: skip
#: "ruled out" (a clinician excluded it) negates like "no": the verb as the detector sees it
RULED = {"rule", "ruled"}
#: words that may stand between a negation and the sign it cancels ("no numbness or tingling")
NEGATION_BRIDGE = {
    "or", "and", "any", "real", "a", "an", ",", "/", "other", "signs", "sign", "of", "have", "has", "had", "do", "does",
    "did", "feel", "felt", "get", "got", "take", "taking", "taken", "on", "history", "ever", "been", "having", "experienced",
    "experience", "currently", "really", "symptoms", "like", "issues", "problems", "with", "the", "my", "am", "is",
    "are", "was", "kind", "sort", "type", "notice", "noticed", "suffer", "suffered", "from",
    # the same verbs as the red-flag detector sees them (lemmas)
    "be",
    # "nothing at all at rest"
    "at", "all",
    # Tagalog particles and pronouns between the negation and the sign ("hindi naman ako buntis")
    "naman", "ako", "akong", "rin", "din", "ng",
}  # fmt: skip
#: "not sure if it's numbness" is a hedge, not a denial: these words after a negation keep the sign
HEDGE_AFTER_NEGATION = {"sure", "certain", "know", "tell", "remember", "think", "positive"}
#: "know dizziness know headache": voice typing writes "no" as "know". It is read as "no" right
#: before a sign when nobody is the one who knows ("I know", "you know", "don't know" stay)
DICTATED_NO = {"know"}
_KNOWERS = {
    "i", "you", "we", "they", "he", "she", "it", "not", "do", "did", "does", "to", "who", "people", "u", "ya", "ll", "would",
}  # fmt: skip
#: words that end the reach of a negation ("no fever, but my calf is swollen")
CLAUSE_BREAKS = {".", "!", "?", ";", "but", "though", "however", "although", "except", "apart", "besides", "yet"}

#: hedged answers: neither a clean yes nor a clean no
HEDGE = re.compile(
    r"(?i)\b(not sure|unsure|not certain|uncertain|maybe|perhaps|possibly|probably|probs|prob|might|could be|kind of|kinda|"
    r"sort of|sorta|a bit|a little|slightly|i think|i guess|i suppose|i believe|i don't think|i do not think|"
    r"don't think so|do not think so|not really|not exactly|not quite|hard to say|tough to say|difficult to say|"
    r"can't say|cannot say|can't remember|cannot remember|can't recall|don't remember|do not remember|"
    r"don't know|do not know|dunno|idk|no idea|not that i know|not that i'm aware|not that i am aware|"
    r"as far as i know|afaik|i'm not sure|im not sure|not 100|unclear|hmm+ not|sometimes|occasionally|now and then|"
    r"on and off|ish\b|hard to tell|tough to tell|can't tell|don't believe so|do not believe so|i believe not|"
    r"don't really know|do not really know|not really sure|no clue|not a clue|who knows|might be|may be|"
    r"i reckon not|reckon so|i suppose not|not that i can remember|not that i remember|could have|might have|"
    r"50\s*[/ -]?\s*50|fifty\s+fifty|haven'?t\s+(?:got\s+)?a\s+clue|havent\s+(?:got\s+)?a\s+clue)\b"
)

#: a past event, long enough ago not to count as recent
_NUMBER_WORDS = (
    "a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|several|many|few|"
    "couple of|couple|some|\\d+"
)
HISTORY = re.compile(
    rf"(?i)\b(?:(?:(?:{_NUMBER_WORDS})\s+)?(?:years|decades?|yrs)\s+(?:ago|back|earlier|before)|"
    rf"(?:{_NUMBER_WORDS})\s+(?:year|yr)\s+(?:ago|back|earlier|before)|in\s+the\s+past|previously|years\s+before|"
    rf"(?:{_NUMBER_WORDS})\s+(?:years?|yrs?)\s+since|"
    r"(?:(?:[4-9]|1[0-9]|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen)\s+months?\s+(?:ago|back))|"
    r"decades?\s+ago|ages\s+ago|long\s+(?:time\s+)?ago|a\s+long\s+time\s+ago|years\s+back|way\s+back|a\s+lifetime\s+ago|"
    r"(?:long|well|all|(?:is|it's|its|that's|thats|are|was)(?:\s+(?:all|long|well))?)\s+behind\s+me|(?:two|three|four|five|several|a\s+few|many)\s+(?:winters|summers|christmases|seasons)\s+(?:ago|back)|(?:completely|totally|been)\s+fine\s+for\s+(?:ages|years|months)|"
    r"(?:several|many|some|a\s+few|few)?\s*months\s+ago|long-ago|"
    r"as\s+a\s+(?:kid|child|teen|teenager|boy|girl|baby|toddler|youngster)|when\s+i\s+was\s+(?:a\s+)?(?:kid|child|little|"
    r"young|younger|small|teen|teenager|boy|girl|baby|\d+|in\s+school|at\s+school|at\s+uni|in\s+college|"
    r"expecting\s+(?:my|our|him|her|them|the)|pregnant\s+with)|"
    r"in\s+my\s+(?:childhood|youth|teens|twenties|thirties|20s|30s)|childhood|in\s+(?:primary|high|secondary)\s+school|"
    r"(?:at|in|back\s+in)\s+(?:school|uni|university|college)|"
    r"long\s+(?:since\s+)?healed|fully\s+healed|fully\s+recovered|no\s+(?:symptoms|problems|trouble|issues)\s+since|all\s+healed|healed\s+(?:up|fine|now|years)|"
    r"(?:back\s+)?in\s+(?:19[0-9]{2}|20[01][0-9]|202[0-4])|"
    # "when my son was born, he's 14 now": the child's age dates the event
    r"(?:he|she|they|(?:my|our)\s+(?:youngest|eldest|oldest|baby|son|daughter|little\s+one|kid|boy|girl))\s*(?:'s|is|are|'re)\s+"
    r"(?:[2-9]|1[0-9]|[a-z]+teen|twenty\w*|thirty\w*|two|three|four|five|six|seven|eight|nine|ten)\s+now|ancient\s+history)\b"
)

#: someone other than the person typing
#: people someone shares a home, a class or a gym with, and step- and grand- family (with THIRD_PERSON's nouns)
_HOUSEHOLD = (
    r"housemate|house\s+mate|flat\s+mate|room\s+mate|roomie|roomy|lodger|landlord|landlady|workmate|classmate|"
    r"gym\s+buddy|training\s+partner|running\s+buddy|team\s+mate|step(?:mum|mom|mother|dad|father|son|daughter|brother|sister)|"
    r"grandson|granddaughter|grandchild|grandkids?|(?:mother|father|brother|sister|son|daughter)-in-law|"
    r"(?:line\s+)?manager|supervisor|foreman|first\s+officer|co-?pilot|captain|crew\s?mates?|shipmate|bandmate|teammates?|"
    r"pupil|apprentice|employee|student|ex|ex-(?:husband|wife|partner|boyfriend|girlfriend)|godson|goddaughter|"
    r"toddler|little\s+one|youngest|eldest|\d{1,2}[-\s]?(?:year|yr|month)[-\s]?old|"
    # grandparents as users name them (Greek, Spanish, German, Italian, Polish, Tagalog, Hindi-Urdu, Yiddish, Russian, Portuguese)
    r"yiayia|yiayiá|yaya|papou|abuela|abuelo|abuelita|oma|opa|nonna|nonno|babcia|dziadek|lola|lolo|nani|nana-ji|dadi|dada-ji|"
    r"bubbe|zayde|babushka|dedushka|avó|avô|vovó|vovô|"
    # parents, partners, siblings and children in Spanish ("mi mamá", "mi esposo")
    r"mamá|mama|mami|madre|padre|papá|esposa|esposo|hermana|hermano|hija|hijo|tía|tío|suegra|suegro|"
    # and in dialects of English (Scots, Irish, Northern, Southern US, Welsh) and a few more languages
    r"granda|grandda|grandaddy|granddaddy|gramps|grampa|grampy|grandpop|pop-?pop|poppa|pappy|papaw|pawpaw|"
    r"mamaw|meemaw|memaw|granma|gramma|grammy|nanny|taid|nain|mamie|papi|mémé|pépé|ouma|oupa|teta|sitto|jiddo|"
    r"halmeoni|harabeoji|obaachan|ojiichan|nainai|yeye|laolao|bibi|babu|tutu|kuia|koro|da|ma|pa|pops|old\s+(?:man|dear|lady)|mammy"
)
#: a relation or someone close, after "my" (or "his", "her" in a writer's third person)
_RELATION = (
    r"(?:(?:best|older|younger|little|big|elderly|late|twin|old|new|pregnant|poor|disabled|foster|adopted|"
    # "my route partner", "my climbing buddy": a partner named by what they do together
    r"route|climbing|running|riding|cycling|hiking|walking|training|gym|lifting|dance|dancing|tennis|squash|golf|sparring|"
    r"rowing|surf|surfing|ski|work|business|lab|study|bridge|chess)\s+)?(?:husband|hubby|wife|partner|boyfriend|bf|girlfriend|gf|fiance|fiancee|mum|mom|mother|mam|dad|"
    r"lass|missus|missis|wifey|other\s+half|better\s+half|caseworker|case\s+worker|social\s+worker|support\s+worker|tutor|"
    r"father|son|daughter|kid|kids|child|children|brother|sister|friends?|bestie|twin|mates?|grandad|granddad|grandpa|grandma|granny|gran|"
    r"grandmother|grandfather|nan|nana|nanna|uncle|aunt|auntie|cousin|colleague|coworker|co-worker|boss|neighbour|"
    r"neighbor|flatmate|roommate|client|clients|patient|patients|family|parents|parent|in-laws|niece|nephew|"
    r"teammate|coach|buddy|pal|dog|cat|"
    # people the writer works or sings under ("our chorus master collapsed"), named by their role
    r"chorus\s+master|choirmaster|conductor|director|manager|foreman|supervisor|landlord|landlady|vicar|priest|pastor|"
    r"instructor|trainer|captain|skipper|" + _HOUSEHOLD + r")"
)
THIRD_PERSON = re.compile(  # noqa: E501
    r"(?i)\b(?:(?:a|one)\s+(?:friend|mate|coworker|co-worker|colleague|neighbour|neighbor|relative|client|patient)|"
    r"one\s+of\s+(?:my|our|the)\s+(?:customers|clients|patients|regulars|students|residents|members|pupils|players|friends|mates)|"
    r"(?:friend|mate|colleague)\s+of\s+(?:mine|ours)|"
    r"(?:the|a)\s+(?:mum|mom|mother|dad|father|parents?|grandma|grandad|owner|wife|husband)\s+of\s+(?:the|my|our)\b|"
    r"(?:clients|patients|students|customers|residents|someone'?s|somebody'?s|people'?s)\b|"
    r"(?:^|[.!?]\s*)(?:gf|bf|hubby|wifey|wife|husband|missus|partner|coworker|co-worker|colleague|boss|neighbour|neighbor)(?:'s)?\b|"
    r"(?:my|our|me|mi)\s+" + _RELATION + r"|(?:he|she|him|her|his|hers|whose)|"
    # someone close to someone else ("our foster kid's caseworker had a stroke")
    r"\w+'s\s+" + _RELATION + r"|"
    r"(?:auntie|aunt|uncle|grandad|granddad|grandma|grandpa|granny|nan|nana|mum|mom|dad|hubby|granda|grandda|gramps|grampa|"
    r"granma|gramma|grammy|nanna|grandpop|pop-?pop|papaw|pawpaw|mamaw|meemaw|memaw)|"
    r"runs\s+in\s+(?:my|the)\s+family|family\s+history|(?:my|his|her)\s+(?:family|relatives))\b"
)
#: the other person is the one who will use the tool (so their risk is the one that counts)
_OTHER = (
    r"(?:he|she|they|(?:my|our)\s+(?:husband|hubby|wife|partner|boyfriend|girlfriend|fiance|fiancee|mum|mom|mother|mam|dad|"
    r"father|son|daughter|kid|child|brother|sister|friend|mate|grandad|granddad|grandpa|grandma|granny|nan|nana|nanna|"
    r"uncle|aunt|auntie|cousin|colleague|client|patient|niece|nephew|flatmate|roommate|" + _HOUSEHOLD + r"))"
)
_USE = r"(?:use|using|try|trying|roll|rolling|massage|massaging|do|start|get|work\s+on|work|buy|press|rub)"
FOR_THIRD_PERSON = re.compile(
    rf"(?i)\b{_OTHER}(?:'s)?(?:\s+(?!i\b|i'm\b|im\b)[\w',]+){{0,12}}?\s+(?:wants?|would\s+like|wanted|is\s+going|plans?|planning|asked|asks|asking|askin|"
    rf"is\s+trying|tries|tried|needs?|is\s+looking|keeps\s+asking)\s+(?:me\s+)?to\s+{_USE}|"
    rf"\b(?:can|could|should|may|might)\s+{_OTHER}\s+{_USE}|"
    rf"\b(?:is\s+it|it'?s|would\s+it\s+be)\s+(?:ok|okay|safe|fine|alright|all\s+right)\s+for\s+(?:him|her|them|{_OTHER})|"
    # "a ball for her" is for the other person; "doing her housework for her" is not a massage
    rf"\b(?:ball|roller|stick|gun|tool|massage|rolling|it|safe|ok|okay|good|best|use)\b[^.?!]{{0,40}}?\bfor\s+(?:him|her|them)\b|"
    rf"\b(?:{_USE}|ball|roller|stick|tool|it|ok|okay|safe)\s+(?:[\w',]+\s+){{0,5}}?(?:on|for)\s+(?:him|them|(?:his|her|their)\s+"
    rf"(?:back|calf|calves|neck|leg|legs|shoulder|shoulders|foot|feet|hip|hips|glute|glutes|hamstrings?|quads?|arms?|traps|"
    rf"spine))\b|"
    rf"\b(?:roll|massage|massaging)\s+(?:him|her|them)\b|"
    rf"\b(?:give|giving|gave)\s+(?:him|her|them)\s+(?:a\s+)?(?:\w+\s+)?(?:massage|rub|roll|go\s+with)\b|"
    # the other person is here, or the message is typed for them: their signs are the ones that count
    r"\b(?:(?:here|sat|sitting|right)\s+(?:here\s+)?(?:with|next\s+to|beside)\s+me|next\s+to\s+me|beside\s+me|with\s+me\s+now|"
    r"(?:she|he|they)(?:'s|\s+is|\s+are|'re)\s+(?:right\s+)?(?:here|next\s+to\s+me|beside\s+me|sat\s+here|sitting\s+here)|"
    r"asking\s+(?:for|on\s+behalf\s+of)\s+(?:my|our)|typing\s+for\s+(?:my|our|him|her)|on\s+behalf\s+of\s+(?:my|our))\b"
)
#: the body parts people name as their own ("my traps", "me lower back")
_BODY_PART = (
    r"(?:back|neck|calf|calves|legs?|traps|shoulders?|glutes?|hips?|feet|foot|"
    r"arms?|hamstrings?|quads?|forearms?|thighs?|spine|knees?|wrists?|ankles?|chest|butt|bum|it\s+band|muscles?|body|pecs?|"
    r"lats?|shins?|heels?|toes?|arch|arches|piriformis|psoas|hip\s+flexors?|upper\s+back|lower\s+back|achilles|groin|elbows?|"
    r"hands?|fingers?|thumbs?|ribs?|head|face|jaw|abs|obliques|biceps|triceps|adductors?|soles?|rotator\s+cuff|trap|"
    r"mouth|lips?|tongue|eyes?|eyelids?|cheeks?|speech|words|voice|vision|throat|skin|belly|stomach|tummy)"
)
#: the person typing says it applies to them too ("...and I had one too", "me too"); "... and me
#: lower back's stiff" is "me" as "my", the writer's own body
FIRST_PERSON_TOO = re.compile(
    r"(?i)\b(?:i\s+(?:had|have|do|did|am|was|take|took|get|got)\s+(?:\w+\s+){0,3}(?:too|as\s+well|also)|i\s+also|me\s+too|"
    r"so\s+do\s+i|so\s+did\s+i|so\s+am\s+i|and\s+me(?!\s+(?:\w+\s+)?" + _BODY_PART + r"\b)|same\s+(?:here|for\s+me)|"
    r"i'?ve\s+(?:\w+\s+){0,2}(?:too|as\s+well))\b"
)
FIRST_PERSON = re.compile(
    r"(?i)\b(?:i|i'm|im|i've|ive|i'd|myself|i'll|my\s+own)\b|"
    # reported speech about the person typing: "my gf says my words are slurred"
    r"\b(?:says|said|thinks|reckons|noticed|notices|tells\s+me|told\s+me)\s+(?:that\s+)?(?:my|i|i'm|im)\b|"
    r"\b(?:gave|give|given|gives|put|prescribed|started|injected|operated\s+on|diagnosed|sent|booked|treated)\s+me\b"
)
#: the person typing speaks of their own body ("...which ball for my traps?")
MY_BODY = re.compile(
    r"(?i)\b(?:my|me)\s+(?:(?:left|right|lower|upper|own|tight|sore|stiff|achy|tired|poor)\s+){0,2}" + _BODY_PART + r"\b"
)
#: the person typing says they are well ("I'm fine, just stiff from holding her")
SPEAKER_FINE = re.compile(r"(?i)\b(?:i'?m|i\s+am|im)\s+(?:fine|ok|okay|good|alright|all\s+right|healthy|just)\b")
#: the person typing, anywhere ("nothing wrong with me", "mine is just a tight glute")
SPEAKER = re.compile(r"(?i)\b(?:me|mine|myself)\b")


#: a no written after an item of a list ("op no, pregnant no, ..."): the answer to that item
ANSWER_NOS = frozenset({"no", "none", "nope", "nah", "negative"})
LIST_BREAKS = frozenset({",", ";", "/"})


def negated(tokens: Sequence[str], start: int, flag_tokens: AbstractSet[int] = frozenset(), reach: int = 6) -> bool:
    """True when a negation governs the sign that starts at `tokens[start]`.

    `tokens` are normalised lower-case tokens ("n't" already read as "not"); list words and
    other sign words (`flag_tokens`) may stand between the negation and the sign.
    """
    i = start - 1
    if i >= 0 and tokens[i] in DICTATED_NO and i not in flag_tokens and (i == 0 or tokens[i - 1] not in _KNOWERS):
        return True
    steps = 0
    while i >= 0 and steps < reach:
        word = tokens[i]
        ruled_out = word == "out" and i > 0 and tokens[i - 1] in RULED  # "the doctor ruled out a slipped disc"
        if (word in NEGATIONS or ruled_out) and i not in flag_tokens:  # "never lets up" is a sign, not a denial
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            if word in ANSWER_NOS and i - 1 in flag_tokens and following in LIST_BREAKS:
                return False  # "blood thinner no, the sugar one I don't know": the "no" answers the item before it
            return following not in HEDGE_AFTER_NEGATION
        if word in CLAUSE_BREAKS:
            return False
        if word not in NEGATION_BRIDGE and i not in flag_tokens:
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
_BARE = re.compile(r"(?i)\b(" + "|".join(_BARE_CONTRACTIONS) + r")\b")


def normalise_apostrophes(text: str) -> str:
    """Curly quotes as straight ones, and contractions typed without the apostrophe ("dont", "im") with it."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return _BARE.sub(lambda m: _BARE_CONTRACTIONS[m.group(1).lower()], text)


_SENTENCE = re.compile(
    r"(?i)[.!?;\n]+|\bbut\b|,\s*(?:and\s+)?(?=i\b|i'm\b|im\b|my\b)|\b(?:and|so|because|cause|cos|as)\s+(?=i\b|i'm\b|im\b|i've\b|ive\b)"
)


def clause_bounds(text: str, start: int, end: int) -> Tuple[int, int]:
    """Where the clause of `text` that contains the span `start:end` begins and ends (split at
    . ! ? ; "but", ", I")."""
    breaks = list(_SENTENCE.finditer(text))
    cuts = [0, *(m.end() for m in breaks if m.end() <= start), len(text)]
    after = [m.start() for m in breaks if m.start() >= end]
    return max(c for c in cuts if c <= start), (min(after) if after else len(text))


def sentence_around(text: str, start: int, end: int) -> str:
    """The clause of `text` that contains the span `start:end` (`clause_bounds`)."""
    begin, finish = clause_bounds(text, start, end)
    return text[begin:finish]


def _clause(text: str, start: int, end: int) -> str:
    """The clause of the span `start:end` (`sentence_around`), with its apostrophes normalised."""
    return normalise_apostrophes(sentence_around(text, start, end))


#: a clause that dates the one before it ("... a cortisone shot in the knee, but that was like 3 years ago")
_DATES_THE_LAST = re.compile(r"(?i)^\W*(?:but\s+|and\s+)?(?:that|which|this|it)(?:'s|\s+was|\s+were|\s+is)\b[^.!?]{0,40}")


def in_the_past(text: str, start: int, end: int) -> bool:
    """The sign at `start:end` is dated long ago ("years ago", "as a kid") in its own clause, or in
    the clause right after that dates it ("but that was like 3 years ago")."""
    begin, finish = clause_bounds(text, start, end)
    dating = _DATES_THE_LAST.match(normalise_apostrophes(text[finish:]))
    return bool(HISTORY.search(normalise_apostrophes(text[begin:finish])) or (dating and HISTORY.search(dating.group(0))))


_WHAT_DOES = re.compile(r"(?i)\bwhat\s+does\s+(?:[\w-]+\s+){0,2}$")
_MEAN_AFTER = re.compile(r"(?i)^\W*(?:[\w-]+\s+)?(?:mean|means|stand\s+for)\b")
_ASKED_ABOUT = re.compile(
    r"(?i)\b(?:what(?:'s|s|\s+is|\s+are)|what\s+does|what\s+do\s+(?:you|people|doctors|they)\s+mean\s+by|what\s+counts\s+as|"
    r"what\s+would\s+count\s+as|what\s+is\s+meant\s+by|meaning\s+of|define|explain|difference\s+between|"
    r"prevent|prevents|preventing|ward\s+off|reduce\s+the\s+risk\s+of|lower\s+the\s+risk\s+of|"
    r"what(?:'s|s|\s+is)\s+the\s+difference\s+between|how\s+do\s+(?:you|i|people)\s+tell|what\s+actually\s+is|"
    r"warns?\s+about|warning\s+about|(?:^|[.?!]\s*)is|"
    r"(?:heard|read|saw)\s+(?:about|the\s+word|the\s+term)|what\s+exactly\s+is|explain\s+what|(?:tell|teach)\s+me\s+(?:about|what)|"
    r"when\s+people\s+say|(?<!there\s)(?<!here\s)is\s+(?:a|an)|same\s+as|what\s+is\s+the\s+\w+\s+(?:test|sign)\s+for|mean\s+when\s+\w+\s+say)"
    r"\s+(?:a|an|the)?\s*['\"\u2018\u201c]?\s*$"
)
#: the second term of a question that compares two ("what's a herniated disc vs a bulging disc?")
_CONNECTOR = re.compile(r"(?i)\s(?:vs\.?|versus|or|and)\s+(?:a|an|the)?\s*$")


#: a comparison asked about the two terms ("trigger point vs pinched nerve, what's the diff?")
_COMPARED = re.compile(r"(?i)\b(?:vs\.?|versus)\s")
_DIFFERENCE = re.compile(r"(?i)\b(?:diff|difference|differences|same\s+thing|tell\s+(?:them|the\s+two)\s+apart)\b")
#: the second of two terms after "the difference between" ("... between a knot in the muscle and a pinched nerve")
_SECOND_OF_TWO = re.compile(r"(?i)\bdifference\s+between\b[^.?!]{0,60}\s(?:and|or)\s+(?:a|an|the)?\s*$")


def asked_about(text: str, start: int, end: int) -> bool:
    """The sign at `start:end` is the term of a question about what it means ("what's a blood
    thinner?", "what does saddle numbness mean?"); "what is this numbness in my leg?" is not."""
    before = normalise_apostrophes(text[max(0, start - 40) : start])
    if _ASKED_ABOUT.search(before) or (_WHAT_DOES.search(before) and _MEAN_AFTER.search(text[end : end + 30])):
        return True
    clause = sentence_around(text, start, end)
    if _SECOND_OF_TWO.search(normalise_apostrophes(text[max(0, start - 100) : start])) and "?" in clause + text[end : end + 60]:
        return True
    if _COMPARED.search(clause) and _DIFFERENCE.search(text) and "?" in text:
        return True
    connector = _CONNECTOR.search(before)
    if not connector:
        return False
    words = before[: connector.start()].split()
    return any(_ASKED_ABOUT.search(" ".join(words[:-k]) + " ") for k in range(1, min(4, len(words)) + 1))


#: a question asked to learn a word, not to tell a symptom ("what is stenosis? I'm studying for an exam")
STUDYING = re.compile(
    r"(?i)\b(?:leaflet|newsletter|handout|flyer|blog\s+post|studying|study|exam|(?<!golf\s)(?<!race\s)(?<!of\s)(?<!main\s)course|first\s+aid|article|articles|poster|tv|drama|podcast|reading\s+up|learning|for\s+fun|"
    r"curious\s+about\s+the\s+word|in\s+a\s+book|on\s+the\s+news|a\s+documentary|homework|assignment|quiz|"
    r"(?:we|i)\s+learn(?:ed|t)\s+about|in\s+(?:our|the|my)\s+\w+\s+class|on\s+a\s+mannequin|on\s+the\s+mannequin)\b"
)


def learning_the_word(text: str, start: int, end: int) -> bool:
    """The sign is the subject of a question asked to learn about it ("what's a pulmonary embolism? saw it on TV")."""
    text = normalise_apostrophes(text)
    return "?" in text and bool(STUDYING.search(text)) and not FIRST_PERSON.search(sentence_around(text, start, end))


#: the other person recommends a tool ("my flatmate has sciatica and swears by the peanut ball")
RECOMMENDS = re.compile(
    r"\b(?:swears?\s+by|swore\s+by|recommend(?:s|ed)?|suggested|suggests|raves?\s+about|raved\s+about|put\s+me\s+on\s?to|"
    r"got\s+me\s+into|lent\s+me|gave\s+me\s+(?:a|her|his|their)\s+(?:ball|roller|stick|massage\s+gun))\b",
    re.I,
)


#: an animal, the subject of its own sign only ("the horse has a swollen fetlock"), never of the
#: person's ("thrown by my horse" is the rider's fall)
ANIMAL = re.compile(
    r"(?i)\b(?:the|my|our|a|an)\s+(?:[\w-]+\s+)?(?:horse|pony|dog|cat|puppy|pup|kitten|rabbit|bunny|pet|"
    r"heifer|cow|ewe|lamb|sheep|goat|pig|sow|bull|bullock|steer|mare|foal|donkey|alpaca|llama|camel|ox|yak|buffalo|"
    r"hawk|falcon|owl|eagle|kestrel|parrot|budgie|hen|chicken|rooster|duck|goose|pigeon|hamster|ferret|tortoise|"
    r"guinea\s+pig|collie|spaniel|labrador|terrier|greyhound|whippet|lurcher|gelding|stallion|colt|filly|cob)(?:e?s)?\b"
)
#: at most this many words between another person and their sign ("my dog [had] surgery")
_OWNER_REACH = 3


def _owner_before(text: str, start: int) -> Optional[re.Match[str]]:
    """Another person or animal that is the subject just before the sign, with no word of the person
    typing in between ("my dad [has] blood clots", "our dog [just had] surgery"); None otherwise."""
    before = text[max(0, start - 60) : start]
    last = max([*THIRD_PERSON.finditer(before), *ANIMAL.finditer(before)], key=lambda m: m.end(), default=None)
    if last is None:
        return None
    gap = before[last.end() :]
    owned = len(gap.split()) <= _OWNER_REACH and not FIRST_PERSON.search(gap) and not re.search(r"[.!?;,]", gap)
    return last if owned else None


#: what a carer does for someone that is not a massage ("I do her shopping")
_CHORES = (
    r"(?:shopping|washing|laundry|hair|nails|make-?up|cooking|cleaning|housework|errands|garden|gardening|ironing|dishes|"
    r"paperwork|bills|meals|meds|medication|tablets|pills|appointments)\b"
)
#: the person typing will massage the other one ("can I massage his neck?", "should I roll it for
#: her?"); "it" only counts when they name no part of their own body ("my calf is tight, can I roll it?")
_MASSAGING_THEM = re.compile(
    r"(?i)\b(?:can|could|should|may|shall|do)\s+(?:i|we)\s+(?:\w+\s+){0,2}?(?:massage|roll|rub|use\s+(?:the|a|my)\s+\w+\s+on)\s+"
    r"(?:him|her|them|(?:his|her|their)\s+\w+|(?P<it>it))\b|"
    # said as what they do or want to do: "I do his back with a peanut ball", "I'd like to work her upper chest"
    r"\b(?:i|we|i'd|i'?ll)\s+(?:like\s+to\s+|want\s+to\s+|usually\s+|always\s+)?(?:do|did|massage|massaged|roll|rolled|rub|rubbed|"
    r"work|worked|work\s+on|worked\s+on)\s+(?:(?:\w+\s+){0,3}?(?:on|to)\s+)?"
    r"(?:(?:him|her|them)(?!\s+" + _CHORES + r")|(?:his|her|their)\s+(?!" + _CHORES + r")\w+|"
    r"my\s+(?:partner|husband|wife|mum|mom|dad|son|daughter|client|patient)'s)\b"
)


def massaging_them(text: str) -> bool:
    """The person typing asks to massage the other person, whose signs then count."""
    found = _MASSAGING_THEM.search(text)
    return found is not None and not (found.group("it") and MY_BODY.search(text))


@functools.lru_cache(maxsize=1)
def _for_the_other_person(text: str) -> bool:
    """The massage is for another person (they ask, or the writer will do it). Asked once per message
    however many signs it holds: every sign of a message is judged in a row, so the cache keeps only
    the message in hand and no earlier person's words."""
    return bool(FOR_THIRD_PERSON.search(text)) or massaging_them(text)


#: right after a sign, where on the speaker's body it is ("a lump on top of my shoulder", "in my left calf")
_ON_MY_BODY = re.compile(
    r"(?i)^\W*(?:(?:on|in|at|under|behind|above|below|near|by|down|across|over)\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:of\s+)?)"
    + MY_BODY.pattern.replace("(?i)", "")
)


#: a sign placed on an animal's body part ("an abscess in the hoof", "a lump on her flank")
_ANIMAL_PART = re.compile(
    r"(?i)\s*(?:(?:in|on|of|at)\s+(?:the|his|her|its|their|one|a)\s+(?:(?:left|right|front|back|hind)\s+)?"
    r"(?:hoof|hooves|paw|paws|fetlock|fetlocks|hock|hocks|udder|withers|flank|muzzle|mane|fur|fleece|foreleg|forelegs|"
    r"hind\s+leg|hind\s+legs|pastern|coronet|frog|teat|teats|snout|beak|wing|claw|claws|dewclaw)|"
    # the part named right after the sign ("a swollen hot udder", "a sprained paw", "a swollen near fore")
    r"(?:\w+\s+)?(?:udder|udders|hoof|hooves|paw|paws|fetlock|fetlocks|hock|hocks|teats?|dewclaw|(?:near|off)\s+(?:fore|hind)))\b"
)


#: limbs only animals have, or an animal gone lame, just before the sign ("our collie's back leg
#: swelled up", "pulled up lame with a puffy tendon")
_ANIMAL_LIMB_BEFORE = re.compile(
    r"(?i)\b(?:(?:back|front|hind)\s+(?:leg|legs|paw|paws|hoof|hooves)|udder|udders|teats?|hoof|hooves|fetlocks?|hocks?|"
    r"withers|beak|talons?|dewclaw|pastern|(?:pulled\s+up|came\s+up|went|gone|is|was)\s+lame|stocking\s+up|stocked\s+up)\b[^.!?]{0,15}$"
)


#: a sign whose own words name the person typing ("pinned me", "my calf")
_NAMES_SPEAKER = re.compile(r"(?i)\b(?:me|my)\b")


#: the speaker gave birth to the child named ("had my son by c-section", "delivered our twins")
_GAVE_BIRTH = re.compile(
    r"(?i)\b(?:had|delivered|birthed|gave\s+birth\s+to|welcomed)\s+(?:my|our)\s+(?:\w+\s+)?(?:son|daughter|baby|twins|boy|girl|"
    r"little\s+one)\b|\b(?:she|he|they|the\s+baby|(?:my|our)\s+(?:baby|son|daughter|twins|boy|girl|little\s+one))\s+"
    r"(?:(?:was|were)\s+(?:born|delivered)|arrived)\b|"
    # "baby girl arrived 3 weeks ago by c-section": a birth told with no one else as its subject, at
    # the start of a sentence ("Baker here, back at work. My son arrived by c-section...")
    r"(?:^|[.!?;]\s)\W*(?:(?:my|our|the)\s+)?(?:baby|son|daughter|twins|little\s+one)(?:\s+(?:girl|boy|number\s+\w+))?\s+"
    r"(?:arrived|came|was\s+born|were\s+born|made\s+(?:his|her|their)\s+(?:appearance|entrance))\b"
)


#: another person just before that birth is its subject ("my wife had our son by c-section")
_BIRTH_BY_OTHER = re.compile(THIRD_PERSON.pattern + r"(?:'s)?\s+(?:\w+\s+)?$")


#: a role, not a name, in "Coach here" or "Nurse writing": the usual cues decide whose sign it is
_ROLES = (
    r"(?:Coach|Nurse|Physio|Midwife|Doctor|Dr|Teacher|Mum|Mom|Dad|Parent|Trainer|Therapist|Carer|Student|Runner|Climber|"
    r"Dancer|Chef|Farmer|Driver|Painter|Builder|Plumber|Electrician|Barber|Hairdresser|Florist|Referee|Lifeguard|Someone|"
    r"Somebody|Anyone|Everyone|Admin|Manager|Owner|Grandma|Grandad|Granny|Grandpa)\b"
)
#: the writer names themselves and goes on in the third person ("Karma is writing from Thimphu.
#: Since prayers he has..."): their "he" or "she" is the speaker
SELF_NAMED = re.compile(
    r"^\W*(?:(?i:hi|hello|hey|greetings|good\s+(?:morning|evening|afternoon))\W+)?"
    r"(?!(?:My|Our|The|This|That)\b)(?!" + _ROLES + r")[A-Z][a-z]+"
    r"(?:\s+[A-Z][a-z]+)?\s+(?i:is\s+writing|writing|writes|here|speaking|is\s+asking|asks)\b"
)


_THEIR_RELATION = re.compile(r"(?i)\b(?:my|our|me|his|her|their)\s+" + _RELATION + r"\b")
#: "my husband's the one with the pacemaker, I'm fit": the sign right after is the other person's
_THE_ONE_WITH = re.compile(
    r"(?i)\b(?:my|our|me)\s+" + _RELATION + r"(?:'s|\s+is|\s+was)\s+the\s+one\s+(?:with|who|on|that)\b[^.!?;,]{0,30}$"
)


def about_someone_else(text: str, start: int, end: int) -> bool:
    """The sign at `start:end` belongs to another person who is not the one doing the massage.

    "my grandad had cancer, I'm just sore from the gym" -> True; "my husband takes blood
    thinners and wants to use the roller" -> False (he will do the massage); "history of
    clots in my family and I had one too" -> False (the person typing has it too); "my son
    has a stiff neck and a fever, can we use the ball" -> False (the message is about him).
    """
    text = normalise_apostrophes(text)
    for_myself = re.search(r"(?i)\b(?:for|about)\s+(?:myself|my\s+own|me)\b", text)
    clause = sentence_around(text, start, end)
    if _THE_ONE_WITH.search(text[max(0, start - 80) : start]):
        return True
    if SELF_NAMED.search(text):  # "Karma is writing... he has a squeezing chest": he is the one writing
        # ... and "her mother has cancer" is the mother's, but "my tongue" stays the writer's
        return bool(_THEIR_RELATION.search(clause)) and not MY_BODY.search(text[max(0, start - 20) : end])
    if (_for_the_other_person(text) and not for_myself) or FIRST_PERSON_TOO.search(text):
        return False
    if _ANIMAL_PART.match(text[end : end + 40]) or _ANIMAL_LIMB_BEFORE.search(text[max(0, start - 30) : start]):
        return True  # "the farrier found an abscess in the hoof": an animal's body
    if _NAMES_SPEAKER.search(text[start:end]):
        return False  # "a cow pinned me", "the horse kicked me": the sign's own words name the speaker
    birth = _GAVE_BIRTH.search(text[max(0, start - 60) : end])
    if birth and not _BIRTH_BY_OTHER.search(text[max(0, start - 60) : end][: birth.start()]):
        return False  # "had my daughter by c-section 6 weeks ago": the birth is the speaker's
    if _ON_MY_BODY.match(text[end : end + 50]):
        return False  # "my girlfriend noticed a lump on top of my shoulder": the lump is on the speaker
    after = text[end:]
    owner = _owner_before(text, start)
    if owner and any(cue.search(after) for cue in (SPEAKER, MY_BODY, SPEAKER_FINE)):
        return True  # "my dog had surgery and carrying him has given me a sore back": the sign is the dog's
    if owner and ANIMAL.fullmatch(owner.group(0)) and FIRST_PERSON.search(after):
        return True  # "our horse had a puffy leg and I stood hosing it down": nobody rolls a horse
    if not THIRD_PERSON.search(clause) or FIRST_PERSON.search(clause) or MY_BODY.search(clause):
        return False  # "my shin is painful where his studs hit": the shin is the speaker's
    if RECOMMENDS.search(clause):
        return True  # the other person passes a tool on: the one asking is someone else
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


#: a clause that supposes instead of stating: the sign has not happened ("what if I get tingling?")
HYPOTHETICAL = re.compile(
    r"(?i)\b(?:what\s+if|what\s+(?:should|do|would|must)\s+i\s+do\s+if|what\s+(?:happens|would\s+happen|could\s+happen)\s+if|"
    r"if\s+i\s+ever|if\s+ever|"
    # "say I fell...", opening the clause ("oh I should say I had my gallbladder out" is a statement)
    r"^\W*(?:so\s+|ok\s+|okay\s+|well\s+|let'?s\s+)?say\s+(?:i|you|someone|somebody)\b|"
    r"^\W*(?:so\s+|ok\s+|okay\s+|well\s+|let'?s\s+)?say\s+(?:a|an|one\s+of\s+my|one\s+of\s+your|my)\s+(?:\w+\s+)?"
    r"(?:client|student|patient|friend|customer|member|athlete|runner|player|colleague|trainee|learner)s?\b|"
    r"\bis\s+it\s+true\s+(?:that\s+)?(?!i\b|i'm\b|my\b)|"
    r"in\s+case\s+i|supposing|suppose\s+i|hypothetically|"
    # Scots "see if" for "what if" ("see if a lassie was expectin, wid it be bad?")
    r"^\W*see\s+if\s+(?:a|an|someone|somebody|ye|you|yer|your)\b|"
    # a question about people in general ("should people with varicose veins be careful?")
    r"(?:should|can|could|do|does|would|must|are|is\s+it\s+(?:ok|okay|safe|fine)\s+for)\s+(?:people|someone|somebody|anyone|folks|those|"
    r"a\s+person)\s+(?:who\s+(?:have|has|are|is)|with)\b|"
    r"if\s+(?:i|you|someone|somebody|one)\s+(?:get|gets|got|start|starts|develop|develops|notice|notices|feel|feels|have|has|"
    r"experience|experiences|were\s+to)|when\s+should\s+i\s+stop\s+if|should\s+i\s+stop\s+if|would\s+you\s+tell\s+me\s+to|"
    r"is\s+it\s+(?:a\s+)?(?:bad|normal|ok|okay)\s+(?:sign\s+)?if|how\s+would\s+i\s+know\s+if|how\s+do\s+i\s+know\s+if|"
    r"which\s+(?:signs|symptoms)|what\s+(?:signs|symptoms|warning\s+signs)|warning\s+signs?\s+(?:like|such\s+as)|"
    r"signs?\s+to\s+(?:watch|look)\s+(?:for|out)|(?:stop|avoid)\s+(?:rolling\s+)?if|"
    r"if\s+(?:someone|somebody|anyone|a\s+person|people|i|you|my\s+\w+(?:'s\s+\w+)?|(?:a|an|one|any)\s+(?:\w+\s+)?(?:member|client|colleague|"
    r"friend|user|customer|employee|player|student|of\s+\w+))\s+(?:\w+\s+){0,2}?(?:had|has|have|got|gets|get|ever|"
    r"was|were|went|goes|felt|feel|feels|started|starts|developed)|"
    r"(?<!should\s)(?<!would\s)(?<!must\s)(?<!to\s)(?<!could\s)(?<!i'd\s)(?<!need\s)(?<!i\s)(?<!doctor\s)(?<!doc\s)(?<!gp\s)"
    r"(?<!physio\s)(?<!nurse\s)(?<!he\s)(?<!she\s)(?<!they\s)(?<!scan\s)"
    r"say\s+(?:i|you|someone)\s+(?:felt|feel|had|have|got|get|noticed|started)|would\s+\w+(?:\s+\w+){0,4}\s+be\s+(?:a\s+problem|"
    r"off\s+the\s+table|bad|dangerous|unsafe|ok|okay|safe)\s+(?:for\s+\w+\s+)?if)\b"
)
#: the same, anywhere in the clause ("what would count as sciatica, in case it ever happens?")
HYPOTHETICAL_ANYWHERE = re.compile(
    r"(?i)\b(?:in\s+case\s+(?:it|that|this)\s+ever|planning\s+ahead|just\s+in\s+case|hypothetical\w*|theoretically|imagine|"
    r"before\s+it\s+(?:ever\s+)?happens|if\s+(?:it|that|this)\s+ever\s+happens|for\s+future\s+reference|in\s+(?:the\s+)?future|"
    r"(?:could|can|would|does|do)\s+(?:\w+\s+){0,2}ever\s+(?:cause|give|lead)|(?<!\bme\s)(?<!\bfor\s)(?<!\bevery\s)one\s+day(?!\s+(?:trouble|of|off|a\s+week|at\s+a\s+time))|would\s+you\s+tell\s+someone|general\s+knowledge|"
    r"just\s+planning|what\s+are\s+the\s+(?:signs|symptoms)\s+of|"
    r"so\s+i\s+know\s+what\s+to\s+(?:look|watch)|just\s+wondering|just\s+curious|out\s+of\s+(?:interest|curiosity)|"
    # a pregnancy planned or supposed, not had
    r"(?:asking\s+)?for\s+(?:the\s+)?future|for\s+later\s+on|down\s+the\s+(?:line|road)|some\s?day|"
    r"(?:when|once|if|after)\s+i\s+(?:ever\s+)?(?:get|become|fall|end\s+up)\s+pregnant|trying\s+(?:for\s+a\s+baby|to\s+conceive|to\s+get\s+pregnant)|"
    r"planning\s+(?:a|to\s+get|for\s+a|on\s+getting)\s+(?:baby|pregnan\w*)|ttc)\b"
)
#: the person says afterwards that the sign is not theirs ("...would I have hit a nerve? I don't have it")
DISOWNED = re.compile(
    r"(?i)\b(?:i\s+don'?t\s+have\s+(?:it|any|that|them|those|one)\b(?!\s+(?:other|else))|(?:nothing|none)\s+yet|"
    # ... but "like wearing socks when I'm not" describes the sign
    r"(?<!when\s)(?<!while\s)(?<!if\s)i\s+don'?t\s*[.!,]|(?<!when\s)(?<!while\s)(?<!if\s)i'?m\s+not\s*[.!,]|"
    r"i'?m\s+not\s+(?:pregnant|allergic|on\s+(?:it|anything|any|them|blood))|"
    r"asking\s+for\s+(?:the\s+)?future|for\s+future\s+reference|not\s+(?:pregnant|expecting)\s+yet)"
)
#: the person handles a medicine or sees a sign at work
OCCUPATION = re.compile(
    r"(?i)^\W*(?:i'?m\s+(?:a|an)\s+)?(?!(?:my|our|the|his|her|their)\b)(?:\w+\s+){0,2}(?:nurse|pharmacist|paramedic|doctor|midwife|carer|physio|surgeon|medic|"
    r"emt|pharmacy\s+tech\w*|pharmacy\s+assistant|care\s+worker|support\s+worker|phlebotomist|radiographer|dispenser|therapist|"
    r"receptionist|administrator|secretary|cleaner|volunteer|fundraiser|"
    r"ambulance\s+tech\w*|porter|first\s+aider|healthcare\s+assistant|hca|teacher|instructor|trainer|coach|chiropractor|osteopath|"
    r"interpreter|translator|lawyer|solicitor|barrister|paralegal|court\s+clerk|journalist|reporter|editor|sommelier)"
    r"(?:\s*,|\s+and\b|\s+here\b|\s+by\s+trade|\s*-)|"
    r"\bi\s+work\s+(?:in|at|on)\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,3}(?:clinic|ward|pharmacy|hospital|surgery|practice|lab|"
    r"chemist|care\s+home|hospice|a&e|er|icu|theatre|theatres)\b|"
    r"\bi\s+(?:see|treat|scan|nurse|look\s+after)\s+(?:\w+\s+){0,3}(?:scans|patients|cases|people\s+with)\b|"
    r"\b(?:packing|dispensing|stocking|counting)\s+(?:\w+\s+){0,3}(?:into|for|in)\b|"
    r"\bi\s+(?:see|meet|treat|get|have|teach|handle|deal\s+with)\s+(?:\w+\s+){0,4}(?:in|with|among|from)\s+(?:my\s+)?"
    r"(?:clients|patients|students|customers|residents|athletes|players)\b|"
    r"\b(?:had\s+to\s+deal\s+with|dealt\s+with|treated|saw|seen\s+(?:plenty|lots|loads)\s+of)\s+(?:someone|somebody|a\s+\w+)'?s?\b|"
    r"\b(?:on|at)\s+an?\s+(?:\w+\s+)?(?:ward|clinic)\b|\bmoving\s+patients\b|"
    r"\b(?:i'?m\s+an?|i\s+am\s+an?|i\s+work\s+as\s+an?|work\s+as\s+an?|as\s+an?|job\s+as\s+an?|i'?m\s+training\s+as\s+an?)\s+"
    r"(?:\w+\s+)?(?:therapist|porter|first\s+aider|teacher|instructor|trainer|coach|chiropractor|osteopath|nurse|pharmacist|pharmacy\s+(?:tech|technician|assistant)|paramedic|doctor|gp|midwife|carer|caregiver|"
    r"care\s+worker|support\s+worker|vet|veterinary\s+nurse|physio|physiotherapist|surgeon|anaesthetist|anesthetist|"
    r"medic|emt|hca|healthcare\s+assistant|dentist|phlebotomist|radiographer|sonographer|dispenser|chemist|"
    r"medical\s+rep|sales\s+rep|lab\s+tech)|"
    r"\b(?:dispens\w*|prescrib\w*|administer\w*|hand\s+out|handing\s+out|give|gives|giving|inject|injecting|draw\s+up|"
    r"stock|stocking|sell|selling|deliver|delivering|count|counting|pack|packing)\s+(?:\w+\s+){0,3}?"
    r"(?:to\s+)?(?:patients|residents|clients|customers|people|all\s+day|at\s+work|on\s+the\s+ward|every\s+shift)|"
    r"\bmy\s+(?:patients|residents|clients)\b"
)
#: a clause that speaks of work: the people met at work, or what is done there with a sign or a medicine
WORK_LINK = re.compile(
    r"(?i)\b(?:patients?|clients?|residents?|students?|customers?|members?|athletes?|players?|people|folks|someone|somebody|"
    r"anyone|they|them|their|he|she|his|her|him|all\s+day|every\s+day|at\s+work|on\s+shift|every\s+shift|on\s+the\s+ward|"
    r"at\s+the\s+(?:clinic|pharmacy|hospital|studio|gym|salon)|dispens\w*|prescrib\w*|administer\w*|stock\w*|sell\w*|"
    r"handl\w*|deal\w*\s+with|see|seen|saw|treat\w*|hand(?:ing)?\s+out|inject\w*|counting|packing|questions?|"
    r"asks?|asked|comes?\s+in|came\s+in|cases?|shelves|boxes)\b"
)
#: the person typing takes or has it themselves, whatever their job
TAKING = re.compile(
    r"(?i)\b(?:i\s+(?:take|took|use|inject|have\s+to\s+take|need\s+to\s+take)|i'?m\s+(?:on|taking)|i\s+am\s+(?:on|taking)|"
    r"im\s+(?:on|taking)|on\s+it\s+myself|(?:put|started|has|have|had|keeps)\s+me\s+on|prescribed\s+me|my\s+(?:own\s+)?(?:tablets|pills|meds|"
    r"medication|injections)|"
    # a midwife's own birth ("delivered my own wee one by section")
    r"my\s+own\s+(?:baby|bairn|wee\s+one|little\s+one|son|daughter|twins|birth|delivery|pregnancy|labour|labor))\b"
)
#: a medicine the person no longer takes: never assumed current, so it is asked about
STOPPED = re.compile(
    r"(?i)\b(?:stopped|stop\s+taking|quit|came\s+off|come\s+off|came\s+of|been\s+off|weaned\s+off|taken\s+off|was\s+taken\s+off|"
    r"no\s+longer|not\s+on\s+\w+\s+(?:any\s?more|now)|used\s+to\s+(?:take|be\s+on)|finished\s+(?:my|the)\s+course|"
    r"was\s+on|were\s+on|had\s+been\s+on|off\s+it\s+(?:now|since)|(?:been\s+)?off\s+\w+\s+(?:since|for)|"
    r"don'?t\s+need\s+it\s+any\s?more|signed\s+me\s+off|finished\s+(?:a|the|my)\s+(?:short\s+)?course|finished\s+(?:them|it)|"
    r"haven'?t\s+(?:taken\s+(?:it|them|any)\s+)?since|took\s+me\s+off|taken\s+off|"
    r"(?:a|one|two|three|a\s+few)\s+(?:months?|weeks?)\s+of|(?:none|no\s+meds|nothing)\s+since|(?:prescribed|given|put\s+on)\s+\w+(?:\s+\w+){0,3}\s+once)\b"
)
#: star signs: a sign word that is a zodiac sign here never counts
ZODIAC = re.compile(
    r"(?i)\b(?:star\s+sign|starsign|zodiac|horoscope|astrology|astrological|cancerian|typical\s+cancer|a\s+cancer\s+(?:sun|moon|rising)|"
    r"(?:cancer|cancers)\s+(?:season|sun|moon|rising|are|is\s+a\s+water)|water\s+sign|born\s+in\s+(?:late\s+)?(?:june|july)|"
    r"crab\b|(?:i'?m|im|i\s+am)\s+a\s+(?:cancer|virgo|leo|gemini|libra|scorpio|aries|taurus|pisces|aquarius|capricorn|sagittarius)\b|"
    r"astrolog\w*|placements?|(?:sun|moon)\s+in\s+(?:cancer|virgo|leo|gemini|libra|scorpio|aries|taurus|pisces|aquarius|capricorn|sagittarius)|birthday\s+in\s+(?:late\s+)?(?:june|july)|july\s+baby|cancer\s+sign|sign\s+is\s+cancer|"
    r"(?:being|as|proud|classic|typical|total|true|such)\s+(?:a\s+)?cancer\b(?!\s+(?:patient|survivor|diagnosis|treatment|scare))|"
    r"(?:she'?s|he'?s|i'?m|im)\s+a\s+cancer\b(?!\s+(?:patient|survivor|diagnosis|treatment|scare)))"
)
#: what people say a shock at a price came from ("the hotel bill nearly made me faint")
_PRICE = r"(?:bill|price|prices|cost|fee|fees|invoice|quote|receipt|total|rent|statement)\b"
#: figures of speech that use a sign word: the sign may not be meant, so it is asked about
FIGURATIVE = re.compile(
    r"(?i)\b(?:pain\s+in\s+the\s+(?:neck|arse|ass|butt|backside|bum)|numb\s+to|"
    # hyperbole ("sorting the garage nearly broke my back"): asked, since a real fall can be said so too
    r"(?:nearly|almost|practically|just\s+about)\s+(?:broke|break|broken|killed|kill)\s+(?:my|me)(?:\s+\w+)?|numb\s+(?:with|from)\s+(?:boredom|shock|grief|the\s+news)|"
    r"(?:mind|brain)\s+(?:is|goes|went|feels)\s+numb|emotionally\s+numb|heart\s+(?:sank|sinks|broke|breaks|is\s+broken|skipped|"
    r"in\s+my\s+mouth|isn'?t\s+in\s+it|goes\s+out)|broken\s+heart|heartbroken|stabbed\s+(?:me\s+)?in\s+the\s+back|"
    r"back\s*stab\w*|bleed(?:ing)?\s+(?:me|us)\s+dry|blood\s+(?:boil\w*|is\s+boiling)|weak\s+at\s+the\s+knees|"
    r"(?:sick|tired)\s+(?:of|to\s+death)|(?:giving|give|gave|given)\s+me\s+a\s+heart\s+attack|"
    r"nearly\s+(?:fainted|died|had\s+a\s+heart\s+attack)|(?:almost|could\s+have|could've)\s+(?:fainted|died)|"
    # a shock at a price ("the hotel bill nearly made me faint", "almost passed out at the quote"): asked, as above;
    # "the pain nearly made me pass out" names no price and stays a sign
    rf"(?:the|that|my|our)\s+(?:[\w']+\s+){{0,2}}?{_PRICE}\s+(?:[\w']+\s+){{0,4}}?made\s+me\s+(?:faint|pass\s+out|keel\s+over)|"
    rf"(?:faint|fainted|pass\s+out|passed\s+out|keel\s+over|keeled\s+over)\s+(?:at|over|when\s+i\s+saw|when\s+i\s+got)\s+"
    rf"(?:the|my|our|that)\s+(?:[\w']+\s+){{0,2}}?{_PRICE}|"
    r"heart\s+attack\s+(?:lol|haha)|(?:is|was|been|be)\s+a\s+(?:total\s+|complete\s+|bit\s+of\s+a\s+)?car\s+crash|car\s+crash\s+of\s+a|rash\s+decision|"
    r"broke\s+my\s+heart|broken-hearted|pulling\s+my\s+hair\s+out|(?:turned|went)\s+to\s+jelly\s+when|swollen\s+with\s+pride|"
    r"(?:the|a)\s+pacemaker\s+for|pacer\s+for\s+the|break\s+a\s+leg|(?:dying|dead)\s+(?:to|for)\b|dead\s+on\s+my\s+feet|"
    r"(?:killing|kill)\s+(?:me|it)\s+(?:at\s+work|in\s+the\s+office)|swollen\s+head|chip\s+on\s+(?:my|his|her)\s+shoulder|"
    r"pins\s+and\s+needles\s+(?:waiting|about|over)|on\s+pins\s+and\s+needles|cold\s+feet|(?:blew|blown|blow)\s+my\s+mind|"
    r"losing\s+(?:my|the)\s+(?:plot|will\s+to\s+live)|(?:my|the)\s+(?:boss|manager|job|commute|kids?|mortgage|landlord|ex)\s+"
    r"(?:is|are|has\s+been|gives\s+me)\s+(?:a\s+)?(?:real\s+)?(?:pain|headache|nightmare))"
)


def _clause_before(text: str, start: int, end: int) -> str:
    """The part of the sign's clause up to the sign."""
    begin, _ = clause_bounds(text, start, end)
    return text[begin:max(begin, start)]


#: a checklist answered in the form "Chest pain: none", "Blood thinners - no", "Pregnancy: N/A"
_ANSWERED_NO = re.compile(
    r"(?i)^[ \t]*(?::|-|=|\?|\u2013|\u2014)[ \t]*(?:none|no|nope|nil|never|n/?a|not applicable|negative)\b|"
    # "numbness no, tingling no", "Swelling none. Red none.": the answer right after, then a break
    r"^[ \t]+(?:none|no|nope|nil|n/?a|negative)[ \t]*(?:[,.;!/]|$)"
)


def answered_no(text: str, start: int, end: int) -> bool:
    """The sign at `start:end` is a heading answered with a no right after it ("Chest pain: none")."""
    return bool(_ANSWERED_NO.match(text[end : end + 30]))


#: a message that says it asks in general ("General question for my class handout: ...", "... a
#: blood clot? Just a general question, I am healthy")
GENERAL_OPENING = re.compile(
    r"(?i)^\W*(?:(?:a|one|just\s+a|quick|a\s+quick|just\s+a\s+quick)\s+)?(?:general|generic|theory|theoretical)\s+"
    r"(?:question|q|query|one)\b|^\W*(?:generally\s+speaking|in\s+general|asking\s+generally)\b|"
    r"\b(?:just|only|purely)\s+(?:a\s+)?(?:general|theoretical)\s+(?:question|q|query)\b|\basking\s+(?:in\s+general|generally)\b|"
    r"\bout\s+of\s+(?:pure\s+)?(?:curiosity|interest)\b"
)


def hypothetical(text: str, start: int, end: int) -> bool:
    """The sign at `start:end` is supposed, not stated ("what if I get tingling?"), or the message
    says first that it asks in general and the sign's clause does not speak of the person typing."""
    clause = _clause(text, start, end)
    return bool(
        HYPOTHETICAL.search(normalise_apostrophes(_clause_before(text, start, end)))
        or HYPOTHETICAL_ANYWHERE.search(clause)
        or DISOWNED.search(normalise_apostrophes(text[end:]))
        or (GENERAL_OPENING.search(text) and not FIRST_PERSON.search(clause) and not MY_BODY.search(clause))
    )


#: the person typing says the signs are their own although they name their job ("nurse here, the patient is me")
SELF_AS_PATIENT = re.compile(
    r"(?i)\b(?:the\s+patient\s+is\s+me|i'?m\s+the\s+patient|i\s+am\s+the\s+patient|this\s+(?:one\s+)?is\s+(?:about\s+)?me|"
    r"asking\s+for\s+myself|for\s+myself|about\s+myself|my\s+own\s+(?:symptoms?|body|health))\b"
)


#: the bot addressed by its name at the start ("Dear coach,", "hi coach")
_SALUTATION = re.compile(r"(?i)^\W*(?:dear|hi|hello|hey|hiya|morning|evening|afternoon|thanks|cheers|ok|okay|yo)\s+coach\b")


#: a dash or a colon that ends an introduction ("sign-language teacher, Vientiane - thumb and ...")
_INTRO_BREAK = re.compile(r"\s[-\u2013\u2014]\s|:\s")


def at_work(text: str, start: int, end: int) -> bool:
    """The sign belongs to the person's work, not their body ("I dispense warfarin all day").

    Not when the person typing says it is their own ("nurse here, the patient is me"), nor when
    they ask to massage the one at work who has it ("one of my residents is slurring, should I
    massage him?"): then it is the body that will be massaged."""
    text = normalise_apostrophes(text)
    if not OCCUPATION.search(text) or not OCCUPATION.search(_SALUTATION.sub(" ", text, count=1)):
        return False  # no job named ("Dear coach, ..." addresses the bot)
    if SELF_AS_PATIENT.search(text) or _for_the_other_person(text):
        return False
    begin, finish = clause_bounds(text, start, end)
    sentence = text[begin:finish]
    # "porter here, nearly a stone's dropped off me": the speaker's own body; "I take warfarin": their own medicine
    if SPEAKER.search(sentence) or TAKING.search(sentence):
        return False
    # "Yoga teacher here. Breast cancer six years back": a job named does not make every sign the job's;
    # the sign's clause has to speak of the work (the people in it, what is done with the sign). A dash
    # or a colon after the job ends its clause as a full stop does ("teacher - fingers go to sleep")
    cut = [m.end() for m in _INTRO_BREAK.finditer(sentence) if m.end() <= start - begin]
    sentence = sentence[cut[-1] :] if cut else sentence
    return bool(WORK_LINK.search(sentence) or OCCUPATION.search(sentence))


def stopped(text: str, start: int, end: int) -> bool:
    """The medicine at `start:end` is one the person has stopped ("I came off warfarin")."""
    return bool(STOPPED.search(_clause(text, start, end)))


#: a year or a span that dates a stopped medicine ("off Eliquis since 2021", "once in 2012")
_LONG_SINCE = re.compile(r"(?i)\b(?:since|in|from)\s+(?:19[0-9]{2}|20[01][0-9]|202[0-4])\b")
#: a medicine taken now ("on Marevan 3mg a day", "currently taking")
PRESENT_USE = re.compile(
    r"(?i)\b(?:i'?m\s+on|i\s+am\s+on|currently|still\s+(?:on|taking|take)|every\s+day|a\s+day|daily|each\s+day|twice\s+a\s+day|"
    r"at\s+the\s+moment|right\s+now|these\s+days|has\s+me\s+on|have\s+me\s+on|i'?ve\s+been\s+(?:on|taking)|ever\s+since|"
    r"(?:checks?|check\s+on)\s+my\s+inr|for\s+life|lifelong|life-long|for\s+the\s+rest\s+of\s+my\s+life|indefinitely|"
    r"permanently|long[\s-]term|(?<!off\s)(?<!been\s)(?<!was\s)on\s+\w+\s+since\s+(?:the|my|i|then|it))\b"
)


def stopped_long_ago(text: str, start: int, end: int) -> bool:
    """A medicine of the past ("off Eliquis since 2021", "came off warfarin years ago", "took steroids
    as a teenager"): stopped and dated, or dated long ago with nothing saying it is taken now."""
    said = _clause(text, start, end)
    dated = bool(HISTORY.search(said) or _LONG_SINCE.search(said))
    return dated and (stopped(text, start, end) or not PRESENT_USE.search(said))


def star_sign(text: str, start: int, end: int) -> bool:
    """The sign word at `start:end` is a zodiac sign ("I'm a Cancer, typical crab")."""
    return bool(ZODIAC.search(_clause(text, start, end)))


#: a nerve word said as an approximation ("kind of tingly", "a bit numb", "numbish", "weak-ish"):
#: the person is unsure of the sensation itself, so it is asked about (flag_check), not assumed
HEDGED_SIGN = re.compile(
    r"(?i)\b(?:kind\s+of|kinda|sort\s+of|sorta|a\s+(?:little\s+|tiny\s+)?bit(?:\s+of)?|bit\s+of|a\s+little|a\s+tad|slightly|"
    r"somewhat|vaguely|faintly|mildly|ever\s+so\s+slightly)\s+(?:\w+\s+)?(?:numb|tingl|weak|pins\b|prickl)\w*"
    r"|\b(?:numb|tingl\w*|weak|prickl\w*|pins-and-needle)-?ish\b"
)


def approximated(text: str, start: int, end: int) -> bool:
    """A nerve sign in the clause of `start:end` is said as an approximation ("my leg feels
    kinda weakish", "fingers go kind of tingly-ish", "a bit of numbness")."""
    return bool(HEDGED_SIGN.search(_clause(text, start, end)))


#: sewing and craft, where pins and needles are things on the table
SEWING = re.compile(
    r"(?i)\b(?:sew|sewing|sewn|quilt\w*|knit\w*|embroider\w*|cross[-\s]stitch\w*|seamstress|tailor\w*|dressmak\w*|"
    r"upholster\w*|haberdash\w*|hem|hems|hemming|pinning|pincushion|pin\s+cushion|workbench|craft\s+room)\b"
)


_FELT_IN = re.compile(r"(?i)\s+(?:in|on|down|up|through|into|all\s+over)\s+(?:my|both|his|her|their|one)\b")


def sewing_things(text: str, start: int, end: int) -> bool:
    """"Pins and needles" at `start:end` are the sewing kind ("sewing a quilt with pins and needles
    everywhere"): the message speaks of sewing and the phrase is not felt somewhere ("in my feet")."""
    felt_in_a_body_part = _FELT_IN.match(text[end:])
    pins = re.search(r"\bpins?\b", text[start:end], re.I)  # the word, not the letters ("weeping")
    return bool(pins) and bool(SEWING.search(text)) and not felt_in_a_body_part


#: things that crack, swell or break without anyone being hurt ("my weld fractured", "the battery's swollen")
_THINGS = (
    r"(?:screens?|phones?|laptops?|tablets?|batter(?:y|ies)|pipes?|pipework|welds?|tiles?|glass|windscreen|windshield|mirror|"
    r"mugs?|cups?|plates?|bowls?|vase|pots?|jars?|bottles?|lids?|case|frame|board|deck|tyres?|tires?|wheels?|rims?|spokes?|"
    r"chain|saddle|helmet|ladder|shelf|table|chair|desk|door|window|wall|ceiling|floor|roof|paint|plaster|pavement|concrete|"
    r"bricks?|engine|hose|tank|boiler|radiator|bucket|tray|dough|crust|cake|loaf|pastry|zip|zipper|seam|strap|cable|wire|"
    r"cord|charger|controller|keyboard|headset|blade|drill|pan|oven|fridge|gutter|fence|beam|joist|pallet|crate|parcel|"
    r"hull|mast|oar|rope|reel|hive|comb|pump|valve|glaze|glazes|enamel|veneer|varnish|finish)"
)
_DAMAGE = (
    r"(?:cracked|fractured|fracture|broken|broke|busted|split|snapped|burst|swollen|swelled|swelling|bulging|bulged|"
    r"torn|tore|ripped|leaking|leaky|bent|buckled|shattered|chipped|dented)"
)
OBJECT_DAMAGE = re.compile(
    rf"(?i)\b{_THINGS}(?:'s)?\s+(?:(?:is|was|has|had|got|have|are|were|just|all|totally|completely|properly|gone|been|went|"
    rf"meant|supposed|to|look|looks|made)\s+){{0,4}}{_DAMAGE}\b|\b{_DAMAGE}\s+(?:\w+\s+)?{_THINGS}\b"
)


def damaged_thing(text: str, start: int, end: int) -> bool:
    """The damage word at `start:end` is said of a thing ("my weld fractured", "a cracked screen",
    "the battery is swollen"), not of a body part."""
    return any(m.start() <= start and end <= m.end() for m in OBJECT_DAMAGE.finditer(normalise_apostrophes(text)))


#: a quote opened after a verb of saying ("my wife said 'your face is drooping'", "he always says 'I'm on warfarin'")
_QUOTE_OPEN = re.compile(
    r"(?i)\b(?:say|says|said|saying|told\s+me|tells\s+me|asked|asks|goes|went|noticed|shouted|yelled|texted)\s*[:,]?\s*[\"'\u2018\u201c]"
)
_QUOTE_MARKS = "\"'\u2018\u2019\u201c\u201d"
_YOU = re.compile(r"(?i)\b(?:you|your|you'?re|ur|u)\b")
#: the quoted person speaks of their own body or medicine ("I'm on warfarin", "my legs"), not a hedge ("I think")
_I_HAVE = re.compile(
    r"(?i)\bi'?m\s*$|\bi\s+am\s*$|"
    r"\b(?:i'?m\s+on|i\s+am\s+on|i\s+have|i'?ve\s+(?:got|had)|i\s+had|i\s+take|i'?m\s+taking|my\s+(?!god|gosh|goodness|word)\w+)\b"
)
_CLINICIAN = re.compile(
    r"(?i)\b(?:doctor|doc|dr|gp|physio\w*|nurse|surgeon|consultant|specialist|midwife|paramedic|chiro\w*|osteo\w*|pharmacist|"
    r"cardiologist|neurologist|rheumatologist|orthopaedic|orthopedic|radiologist|vet)\b"
)


def _quote_before(text: str, start: int) -> Optional[str]:
    """The quoted words before `start` when the sign sits inside a quote someone is said to have said."""
    opened = None
    for match in _QUOTE_OPEN.finditer(text[:start]):
        opened = match
    if opened is None:
        return None
    inside = text[opened.end() : start]
    for i, char in enumerate(inside):  # a closing mark, not an apostrophe inside a word ("don't")
        if char in _QUOTE_MARKS and not (0 < i < len(inside) - 1 and inside[i - 1].isalpha() and inside[i + 1].isalpha()):
            return None
    return inside


#: whose sign a quote holds: the person typing's, or the quoted person's own
SPEAKER_QUOTED, OTHER_QUOTED = "speaker", "other"


def quoted_owner(text: str, start: int, end: int) -> Optional[str]:
    """Whose sign it is when it sits inside a quote (None when it does not).

    SPEAKER_QUOTED: said to the person typing ("my wife said 'your face is drooping, why are you
    talking funny?'") or by their clinician ("the GP said 'my guess is a DVT'"): it is theirs, and the
    quote's question does not ask about the word. OTHER_QUOTED: in another person's words about
    themselves ("my husband always says 'don't roll my legs, I'm on warfarin'"): it is the quoted
    person's."""
    text = normalise_apostrophes(text)
    quote = _quote_before(text, start)
    if quote is None:
        return None
    said_by_clinician = bool(_CLINICIAN.search(text[max(0, start - len(quote) - 60) : start - len(quote)]))
    if not said_by_clinician and not _YOU.search(quote.split(",")[-1]) and _I_HAVE.search(quote):
        return OTHER_QUOTED
    if said_by_clinician or _YOU.search(quote + text[start:end]):
        return SPEAKER_QUOTED
    return None


def figurative(text: str, start: int, end: int) -> bool:
    """The sign word at `start:end` sits in a figure of speech ("my boss is a pain in the neck")."""
    straight = text.replace("\u2019", "'").replace("\u2018", "'")  # same length: offsets stay
    return any(m.start() < end and start < m.end() for m in FIGURATIVE.finditer(straight))


#: a condition that has gone ("it cleared up completely", "no problems since")
RESOLVED = re.compile(
    r"(?i)\b(?:cleared\s+up|cleared|resolved|went\s+away|gone\s+(?:now|since|away|for)|totally\s+gone|completely\s+gone|fully\s+recovered|recovered\s+fully|never\s+came\s+back|"
    r"(?:had\s+)?nothing\s+since|no\s+(?:problems|trouble|issues|symptoms)\s+since|(?:all\s+)?fine\s+since|healed\s+(?:up|fine|completely)|"
    r"signed\s+(?:me\s+)?off|(?:long\s+since\s+|all\s+)?mended|all\s+sorted|sorted\s+itself|sorted\s+(?:with|by)|sorted\s+it(?:\s+out)?|"
    r"fixed\s+it|long\s+over|long\s+gone|hasn'?t\s+come\s+back|"
    r"never\s+returned|hasn'?t\s+returned|(?:been\s+)?(?:great|good|perfect|grand|fine|ok|okay)\s+ever\s+since|recovered\s+(?:a\s+long\s+time|ages|years|long|months)\s+ago|recovered\s+(?:completely|totally)|"
    # "it went the day he arrived"
    r"(?:it|that|they)\s+went\s+(?:the\s+(?:day|week|moment)|as\s+soon\s+as|once\s+(?:he|she|they|the)|after\s+(?:he|she|they|the)))\b"
)


def resolved_long_ago(text: str, start: int, end: int) -> bool:
    """The condition at `start:end` is dated long ago and has gone ("sciatica back in 2015, it
    cleared up completely"): it does not count, whatever the condition."""
    return bool(HISTORY.search(_clause(text, start, end)) and RESOLVED.search(normalise_apostrophes(text)))


#: what a clinician says is fine to do ("ball work", "gentle rolling", "any exercise")
_CLEARED_ACTIVITY = (
    r"(?:exercise|self[-\s]?massage|massage|ball\s+work|foam\s+rolling|rolling|stretching|activity|activities)"
)
#: a clinician has cleared massage ("the physio said I can massage it now", "GP gave me the all clear")
CLEARED = re.compile(
    r"(?i)\b(?:(?:doctor|doc|dr|gp|physio|physiotherapist|surgeon|consultant|specialist|nurse|midwife|osteo|chiro|she|he|they)\s+"
    r"(?:\w+\s+){0,3}?(?:said|says|told\s+me|confirmed|reckons)\s+(?:that\s+)?(?:i\s+(?:can|could|may|am\s+(?:ok|fine|good|safe)\s+to)|"
    r"it'?s\s+(?:ok|okay|fine|safe|good)\s+to|(?:ok|okay|fine|safe|good)\s+to)\s+(?:\w+\s+){0,2}?(?:massage|roll|foam\s+roll|use|train|"
    r"exercise|get\s+back|go\s+back|do)|cleared\s+(?:me|it)\s+(?:to|for)|"
    r"(?:doctor|doc|dr|gp|physio|physiotherapist|surgeon|consultant|specialist|osteo|chiro)\s+cleared\s+me\b|"
    r"told\s+me\s+to\s+(?:start\s+|get\s+)?(?:rolling|roll|massaging|massage|foam\s+roll)|"
    rf"(?:said|says)\b[^.!?]{{0,50}}?\bto\s+start\s+(?:gentle\s+|some\s+|light\s+)?{_CLEARED_ACTIVITY}|"
    # "said any exercise is fine", "said ball work around the shoulder is fine now", "the doctor said it
    # was a strain and gentle rolling is fine"
    rf"(?:said|says|told\s+me)\b[^.!?]{{0,50}}?\b(?:(?:any|all|gentle|light|some)\s+)?{_CLEARED_ACTIVITY}\b[^.!?]{{0,40}}?\b"
    r"(?:is|are|was|were)\s+(?:fine|ok|okay|safe|good|allowed)|signed\s+me\s+off(?!\s+(?:work|sick|for|from|on))|"
    r"cleared\s+my\s+(?!throat|head|mind|schedule|diary|plate|desk|calendar|name|browser|cache)\w+|"
    r"gave\s+me\s+the\s+(?:all[-\s]clear|green\s+light|go[-\s]ahead|ok)|"
    r"all[-\s]clear\s+(?:to|for)\s+(?:massage|roll|train|exercise))"
)


#: what an examination found: nothing ("all normal", "came back clear", "no restrictions", "happy for me to")
_FOUND_NOTHING = (
    r"(?:(?:all|everything|results?|tests?|scans?|bloods?|echo|ecg|ekg|mri|ct|x-?rays?|ultrasound|checks?)\s+"
    r"(?:\w+\s+){0,2}?(?:came\s+back\s+|was\s+|were\s+|is\s+|are\s+|looked\s+|showed\s+)?(?:normal|clear)|"
    r"all[-\s]clear|no\s+restrictions|cleared\s+(?:me\s+)?(?:for|to)|happy\s+for\s+me\s+to|"
    r"nothing\s+(?:wrong|abnormal|serious|sinister)\s+(?:with|found|showed))"
)
#: a clinician examined it and found nothing, said in one sentence ("the cardiologist did an echo
#: after I fainted: all normal, cleared for any exercise")
CHECKED_NORMAL = re.compile(rf"{_CLINICIAN.pattern}[^.!?]{{0,160}}?\b{_FOUND_NOTHING}\b")


def cleared(text: str) -> bool:
    """The message says a clinician has cleared massage or training, or examined the person and
    found nothing."""
    text = normalise_apostrophes(text)
    return bool(CLEARED.search(text) or CHECKED_NORMAL.search(text))


#: the person typing says they are well or take nothing ("I take nothing at all", "not me - I just
#: want to know", "I'm perfectly healthy", "my own problem is only a tight back")
DECLARED_WELL = re.compile(
    # "Not me - I just want to know", a phrase of its own ("not me being dramatic, but..." is not one)
    r"(?i)(?:^|[.!?;,(]|\s[-\u2013\u2014])\s*not\s+me\s*(?:[-,.!?;:)\u2013\u2014]|$)|"
    r"\b(?:(?:none|nothing)\s+of\s+(?:that|this|it)\s+(?:is|applies\s+to)\s+me|"
    r"i\s+(?:take|am\s+on|'?m\s+on|use)\s+nothing|nothing\s+(?:is\s+)?wrong\s+with\s+me|"
    r"(?:i'?m|i\s+am|im|and)\s+(?:perfectly\s+|completely\s+|totally\s+|very\s+|fit\s+and\s+)?healthy|"
    r"my\s+own\s+(?:problem|issue|trouble|complaint)\s+is\s+(?:only|just)|"
    r"i'?m\s+(?:fine|ok|okay|good|alright)\s*[-,:\u2013\u2014]?\s*(?:just|only))\b"
)


def declared_well(text: str) -> bool:
    """The person typing says they are well: a sign they name is then asked about, not assumed
    (it may be someone else's, or a question in general)."""
    return bool(DECLARED_WELL.search(normalise_apostrophes(text)))


#: a knock that is already over ("tingled for a few seconds, all gone now", "no injury")
OVER_NOW = re.compile(
    r"(?i)\b(?:fine\s+now|all\s+gone|gone\s+now|healed|mended|knitted|done\s+and\s+dusted|walking\s+fine|completely\s+better|"
    r"for\s+a\s+(?:few\s+)?(?:seconds?|minute|moment|second)|only\s+for\s+a\s+(?:second|moment|minute)|sore\s+for\s+a\s+day|"
    r"bit\s+sore\s+for\s+a\s+(?:day|minute)|just\s+a\s+graze)\b"
)


def over_now(text: str, start: int, end: int) -> bool:
    """The knock or passing sign at `start:end` is over ("hit my funny bone, tingled for a few
    seconds, all gone now"), said in its own clause or the next one. Only for knocks and passing
    signs: a clot history or a swollen calf is never "over" because the person says so."""
    after = normalise_apostrophes(text[start:])
    cuts = [m.start() for m in _SENTENCE.finditer(after)]
    reach = cuts[1] if len(cuts) > 1 else len(after)
    return bool(OVER_NOW.search(after[:reach]))


#: "never had back trouble until three weeks ago": the denial ends, the sign is there now
_UNTIL = re.compile(r"(?i)\b(?:until|till|til|up\s+until|before\s+(?:this|now|last|these))\b")


def until_now(text: str, start: int, end: int) -> bool:
    """The negated sign at `start:end` is followed, in its clause, by "until ...": it is there now."""
    said = _clause(text, start, end)
    offset = normalise_apostrophes(text).find(said)
    return bool(_UNTIL.search(said[max(0, end - offset) :] if offset >= 0 else said))
