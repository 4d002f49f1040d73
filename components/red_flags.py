"""Deterministic red-flag detector: safety wins over the classifier.

Runs on every message, last in the NLU pipeline, whatever the classifier or the
FallbackClassifier decided. Each sign it finds is graded:

- **certain**: a named sign, about the person, now: `red_flag` entities (value: the safety rule
  id) and the intent `report_red_flag` with confidence 1, so the screening ends at once;
- **possible**: a sign that may not mean what it says (a misspelling read through the speller, a
  word inside a figure of speech, a stopped medicine, a pattern marked `possible`), or, where no
  rule fired at all, a message the learned backstop finds likely a red flag (components/backstop.py): a
  `possible_flag` entity, and the bot asks one yes/no question about it before any hands-on
  advice (flag_check). A possible emergency also forces `report_red_flag`, so the conditional
  emergency advice comes at once. A learned flag is certain instead when the model is at least
  `certain_from` sure and the message says two signs of one of the rule's combinations. A message
  written in a language the bot does not read (components/language.py), with no emergency found
  in it, is a possible emergency of the rule `unread_language`: a sign in it cannot be ruled out.

Patterns come from the knowledge store (knowledge/red_flag_vocabulary.py: red_flags.yml,
conditions with a safety rule, every name of the medicines in medicines.yml) and are persisted
in the model at training time. A concept term may hold `#` for any number ("# weeks ago") and
`*` for any one word ("two * instead of one"); the
concepts `age_50_plus` and `age_70_plus` come from the ages people give (components/numbers.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from components import cues
from components.backstop import Backstop, Corpus
from components.language import LanguageCheck
from components.numbers import find_ages, find_pain_ratings
from components.spelling import Speller, english_words
from components.text import Normalizer, all_matches, blank_english, phrase_matcher, source_offsets
from components.vocabulary_component import KNOWN_KEY, VocabularyComponent

RED_FLAG_INTENT = "report_red_flag"
RED_FLAG_ENTITY = "red_flag"
POSSIBLE_ENTITY = "possible_flag"
BLOCKING_LEVELS = ("refer", "urgent", "emergency")
CERTAIN, POSSIBLE = "certain", "possible"
#: the safety rule of a message in a language the bot does not read (components/language.py)
UNREAD_RULE = "unread_language"
#: key of the persisted vocabulary that holds the English words the language check counts
ENGLISH_KEY = "_english"
#: a flag of these rules keeps these classifier intents: "it got worse" or "it's a 9 now" after a
#: session is the session report that logs it and gives the same rule's advice (actions/coaching/session_log.py)
KEEPS_INTENT = {"report_session": frozenset({"persistent_or_worsening", "severe_persistent_pain"})}
#: the concept of phrases in which sign words have an everyday meaning ("cancer research",
#: "chest day", "swollen ego"): a sign inside one of them does not count
EVERYDAY_SENSES = "everyday_senses"
#: a pain rating at or above this, however it is typed ("8", "9/10", "about an eight"), is the
#: severe-pain rule: "I'd say an 8" leads where "9/10" leads
SEVERE_PAIN_FROM = 8
SEVERE_PAIN_RULE = "severe_persistent_pain"
#: ages people give, as concepts patterns can use ("74 and my back went": age_70_plus + back)
AGE_CONCEPTS = (("age_50_plus", 50), ("age_70_plus", 70))
NUMBER = "#"
#: in a concept term, any one word ("two * instead of one": two towers, two cups)
ANY_WORD = "*"
#: terms with these placeholders are matched token by token, not as phrases
PLACEHOLDERS = (NUMBER, ANY_WORD)
#: rules of knocks and passing signs: said to be over already ("all gone now", "healed"), they do not count
PASSING_RULES = frozenset(
    {"recent_surgery_or_injury", "suspected_fracture", "acute_tear", "nerve_symptoms", "skin_wound_or_infection"}
)
#: rules whose sign, said as an approximation ("kind of tingly", "a bit numbish"), is possible: asked
#: about, and a "yes" refers. Only at the refer level: an urgent or emergency sign stays as certain
#: however it is hedged (a numb-ish saddle area is still cauda equina).
HEDGEABLE_RULES = frozenset({"nerve_symptoms"})


def knowledge_red_flags() -> Dict[str, Any]:
    from knowledge.red_flag_vocabulary import red_flag_vocabulary

    return red_flag_vocabulary()


def detector_vocabulary(red_flags: Dict[str, Any], entity_vocabulary: Dict[str, Any]) -> Dict[str, Any]:
    """The red-flag vocabulary, with the entity aliases as words its speller must not change
    ("what do you recommend for lifters" is not about blisters)."""
    from components.entity_extractor import alias_phrases

    return {**red_flags, KNOWN_KEY: sorted(set(alias_phrases(entity_vocabulary)))}


def red_flag_phrases(vocabulary: Dict[str, Any]) -> List[str]:
    words = [t for terms in vocabulary["concepts"].values() for t in terms if not _placeholders(t)]
    return words + [p for pattern in vocabulary["patterns"] for p in pattern["phrases"]]


@dataclasses.dataclass(frozen=True)
class RedFlag:
    rule: str
    level: str
    start: int
    end: int
    pattern: str
    certain: bool = True


def _placeholders(term: str) -> bool:
    return any(word in PLACEHOLDERS for word in term.split())


def _token_pattern(normalizer: Normalizer, term: str) -> List[Dict[str, Any]]:
    """A token pattern for a term with `#` standing for any number ("# weeks ago") and `*` for
    any one word ("two * instead of one")."""
    tokens: List[Dict[str, Any]] = []
    for word in term.lower().split():
        if word == NUMBER:
            tokens.append({"LIKE_NUM": True})
        elif word == ANY_WORD:
            tokens.append({"IS_PUNCT": False})
        else:
            tokens.extend({"NORM": token.norm_} for token in normalizer.pattern(word))
    return tokens


class RedFlagMatcher:
    """Finds warning signs in text; free of Rasa types so it is easy to test.

    A sign does not count when it is negated ("no numbness"), when it belongs to someone else
    who is not the one doing the massage ("my grandad had cancer"), when it is the term of a
    question ("what's a blood thinner?"), when it is supposed ("what if I get tingling?"), when
    it belongs to the person's work ("I dispense warfarin all day"), when it is a star sign, when
    it sits inside an everyday phrase ("cancer research", concept `everyday_senses`), or, for
    patterns marked `recent_only`, when its clause dates it long ago ("surgery 15 years ago").
    It is only possible (asked about) when a misspelling was read through the speller, when it
    sits in a figure of speech, when the medicine has been stopped, or when a refer-level nerve sign
    is said as an approximation ("kind of tingly", "numbish"). Filler words ("a bit
    slurred") are skipped on both sides. The cues come from components/cues.py.
    """

    def __init__(
        self,
        vocabulary: Dict[str, Any],
        speller: Optional[Speller] = None,
        backstop: Optional[Backstop] = None,
        possible_from: float = 1.0,
        certain_from: Optional[float] = None,
    ) -> None:
        self.backstop = backstop
        self.possible_from = possible_from
        self.certain_from = certain_from
        self.concepts: Dict[str, List[str]] = vocabulary["concepts"]
        self.patterns: List[Dict[str, Any]] = vocabulary["patterns"]
        self.levels: Dict[str, str] = vocabulary.get("levels") or {}
        self.normalizer = Normalizer(
            blank_english(), red_flag_phrases(vocabulary), speller=speller, skip_fillers=True, word_building=True
        )
        plain = [(c, t) for c, terms in self.concepts.items() for t in terms if not _placeholders(t)]
        labelled = [(f"phrase|{p['id']}", phrase) for p in self.patterns for phrase in p["phrases"]]
        labelled += [(f"concept|{c}", term) for c, term in plain]
        self.matcher = phrase_matcher(self.normalizer, labelled)
        self.placed = Matcher(self.normalizer.nlp.vocab)  # terms with # or *, token by token
        for concept, terms in self.concepts.items():
            placed = [_token_pattern(self.normalizer, t) for t in terms if _placeholders(t)]
            if placed:
                self.placed.add(f"concept|{concept}", placed)
        self._by_id = {p["id"]: p for p in self.patterns}
        english = vocabulary.get(ENGLISH_KEY)
        self.language = LanguageCheck(english) if english and UNREAD_RULE in self.levels else None
        self._recent_only_concepts = {c for p in self.patterns if p.get("recent_only") for c in p["all_of"]}
        self._stoppable_concepts = {c for p in self.patterns if p.get("stoppable") for c in p["all_of"]}
        self._past_counts_concepts = {c for p in self.patterns for c in p.get("past_counts") or ()}
        self._rule_combinations: Dict[str, List[Set[str]]] = {}
        for p in self.patterns:
            if len(p.get("all_of") or ()) > 2:
                self._rule_combinations.setdefault(p["rule"], []).append(set(p["all_of"]))

    def _context(
        self,
        text: str,
        span: Span,
        norms: List[str],
        flag_tokens: Set[int],
        recent_only: bool,
        stoppable: bool = False,
        past_counts: bool = False,
    ) -> Optional[str]:
        """None when the sign does not count, else how sure it is (certain or possible).

        `recent_only`: dated long ago, it does not count; `stoppable` (a medicine): stopped long
        ago, it does not count, stopped lately or undated, it is asked about; `past_counts`: long
        ago and cleared up, it still counts (a past cancer with a new back pain)."""
        start, end = span.start_char, span.end_char
        if cues.negated(norms, span.start, flag_tokens) and not cues.until_now(text, start, end):
            return None
        if cues.answered_no(text, start, end):
            return None
        quoted = cues.quoted_owner(text, start, end)
        if quoted == cues.OTHER_QUOTED:
            return None
        if quoted != cues.SPEAKER_QUOTED and (cues.about_someone_else(text, start, end) or cues.asked_about(text, start, end)):
            return None
        if cues.learning_the_word(text, start, end):
            return None
        if cues.hypothetical(text, start, end) or cues.at_work(text, start, end) or cues.star_sign(text, start, end):
            return None
        if cues.sewing_things(text, start, end) or cues.damaged_thing(text, start, end):
            return None
        if not past_counts and (recent_only and cues.in_the_past(text, start, end) or cues.resolved_long_ago(text, start, end)):
            return None
        if stoppable and cues.stopped_long_ago(text, start, end):
            return None
        corrected = span.doc.user_data.get("corrected") or set()
        if any(i in corrected for i in range(span.start, span.end)) or cues.figurative(text, start, end):
            return POSSIBLE
        if stoppable and cues.stopped(text, start, end):
            return POSSIBLE  # "I came off my blood thinners": asked, never assumed either way
        return CERTAIN

    @staticmethod
    def _combination(pattern: Dict[str, Any], hits: Dict[str, List[Tuple[Span, str]]]) -> Optional[Tuple[Span, str]]:
        """The earliest span of a match of every `all_of` concept (within `within` words) and how
        sure it is (possible when any part is), or None."""
        needed = pattern["all_of"]
        if not needed or any(c not in hits for c in needed) or any(c in hits for c in pattern.get("unless") or ()):
            return None
        window = pattern.get("within")

        def grade(parts: Iterable[Tuple[Span, str]]) -> str:
            return POSSIBLE if any(sure == POSSIBLE for _, sure in parts) else CERTAIN

        if window is None:
            parts = [min(hits[c], key=lambda h: (h[1] != CERTAIN, h[0].start)) for c in needed]
            return min((p[0] for p in parts), key=lambda s: s.start), grade(parts)
        for anchor, _ in sorted((h for c in needed for h in hits[c]), key=lambda h: h[0].start):
            chosen = []
            for concept in needed:
                near = [h for h in hits[concept] if anchor.start <= h[0].start <= anchor.start + window]
                if not near:
                    break
                chosen.append(min(near, key=lambda h: h[1] != CERTAIN))
            else:
                return anchor, grade(chosen)
        return None

    def _synthetic(self, doc: Doc, text: str) -> List[Tuple[str, Span]]:
        """Concept hits that are not words: the ages people give."""
        hits = []
        for age, start, end in find_ages(text):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            hits += [(concept, span) for concept, least in AGE_CONCEPTS if age >= least and concept in self.concepts]
        return hits

    def _severe_pain(self, text: str) -> List[RedFlag]:
        level = self.levels.get(SEVERE_PAIN_RULE)
        if not level:
            return []
        return [
            RedFlag(SEVERE_PAIN_RULE, level, start, end, "pain_rating")
            for value, start, end in find_pain_ratings(text)
            if value.isdigit() and int(value) >= SEVERE_PAIN_FROM
        ]

    def find(self, text: str) -> List[RedFlag]:
        original = text
        doc = self.normalizer(text)
        text = doc.text  # without filler words ("a bit slurred"), like the patterns; offsets map back
        norms = [token.norm_ for token in doc]
        matches = all_matches(doc, self.matcher) + [Span(doc, s, e, label=m) for m, s, e in self.placed(doc)]
        everyday = [s for s in matches if doc.vocab.strings[s.label] == f"concept|{EVERYDAY_SENSES}"]
        matches = [s for s in matches if not any(e.start <= s.start and s.end <= e.end for e in everyday)]
        flag_tokens = {i for span in matches for i in range(span.start, span.end)}
        phrased: List[RedFlag] = []
        concept_hits: Dict[str, List[Tuple[Span, str]]] = {}
        for span in matches:
            kind, ident = doc.vocab.strings[span.label].split("|", 1)
            if kind == "phrase":
                pattern = self._by_id[ident]
                sure = self._context(
                    text, span, norms, flag_tokens, bool(pattern.get("recent_only")), bool(pattern.get("stoppable"))
                )
                if sure is not None:
                    certain = sure == CERTAIN and pattern.get("certainty", CERTAIN) == CERTAIN
                    phrased.append(RedFlag(pattern["rule"], pattern["level"], *source_offsets(span), ident, certain))
            else:
                sure = self._context(
                    text,
                    span,
                    norms,
                    flag_tokens,
                    ident in self._recent_only_concepts,
                    ident in self._stoppable_concepts,
                    ident in self._past_counts_concepts,
                )
                if sure is not None:
                    concept_hits.setdefault(ident, []).append((span, sure))
        for concept, span in self._synthetic(doc, text):
            sure = self._context(text, span, norms, flag_tokens, False)
            if sure is not None:
                concept_hits.setdefault(concept, []).append((span, sure))
        # a phrase pattern's `unless` concepts, said anywhere in the message, cancel it as they cancel a combination
        found = [f for f in phrased if not any(c in concept_hits for c in self._by_id[f.pattern].get("unless") or ())]
        for pattern in self.patterns:
            combined = self._combination(pattern, concept_hits)
            if combined is not None:
                span, sure = combined
                certain = sure == CERTAIN and pattern.get("certainty", CERTAIN) == CERTAIN
                found.append(RedFlag(pattern["rule"], pattern["level"], *source_offsets(span), pattern["id"], certain))
        found += self._severe_pain(text)
        found = [f for f in found if not (f.rule in PASSING_RULES and cues.over_now(text, *_span_in(text, f)))]
        found = [_hedged(f, original) for f in found]
        if cues.cleared(original) or cues.declared_well(original):
            # "the physio said I can massage it now", "I take nothing at all": a refer-level sign is
            # asked about, not assumed; an urgent or emergency sign stays certain whoever said what
            found = [dataclasses.replace(f, certain=False) if f.level == "refer" else f for f in found]
        if not found and self.backstop is not None:
            learned = self.backstop.possible_rule(text, self.possible_from)
            if learned and learned[0] in self.levels:
                rule, score = learned
                certain = self._corroborated(rule, score, concept_hits)
                found.append(RedFlag(rule, self.levels[rule], 0, len(text), "backstop", certain=certain))
        if self.language and not any(f.level == "emergency" for f in found) and self.language.unread(original):
            found.append(RedFlag(UNREAD_RULE, self.levels[UNREAD_RULE], 0, len(original), "language", certain=False))
        return _unique(found)

    def _corroborated(self, rule: str, score: float, concept_hits: Dict[str, List[Tuple[Span, str]]]) -> bool:
        """A learned signal is certain only when the model is at least `certain_from` sure and the
        message says, about the writer and now, two of the signs one of the rule's combinations
        needs (concepts that passed every context cue: not negated, not someone else's, not long
        ago...): "neck stiff, 39.4 on the thermometer" lacks the fever word, yet says two of
        neck + stiff + fever. One sign word is not enough: a tight neck alone is no emergency."""
        if self.certain_from is None or score < self.certain_from:
            return False
        return any(len(needed & concept_hits.keys()) >= 2 for needed in self._rule_combinations.get(rule, ()))


def _hedged(flag: RedFlag, text: str) -> RedFlag:
    """A certain refer-level sign said as an approximation becomes possible (HEDGEABLE_RULES)."""
    if flag.certain and flag.rule in HEDGEABLE_RULES and flag.level == "refer" and cues.approximated(text, flag.start, flag.end):
        return dataclasses.replace(flag, certain=False)
    return flag


def _span_in(text: str, flag: RedFlag) -> Tuple[int, int]:
    """The flag's offsets in `text` (the text without filler words): near enough for a clause cue."""
    return min(flag.start, len(text)), min(flag.end, len(text))


def _unique(flags: List[RedFlag]) -> List[RedFlag]:
    """One flag per rule: a certain one before a possible one, an emergency before the rest, the earliest."""
    unique: Dict[str, RedFlag] = {}
    for flag in sorted(flags, key=lambda f: (not f.certain, f.level != "emergency", f.start)):
        unique.setdefault(flag.rule, flag)
    return list(unique.values())


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER],
    is_trainable=True,
)
class RedFlagDetector(VocabularyComponent, EntityExtractorMixin):
    """Marks warning signs: certain ones force `report_red_flag`, possible ones are asked about.

    config: `backstop_corpus` (the folder of the learned backstop's corpus, data/safety),
    `possible_from` (the backstop's score from which a message is a possible red flag) and
    `certain_from` (the score from which it is certain, when the message says two signs of one
    of the same rule's combinations; None: never)."""

    _backstop: Optional[Backstop] = None  # trained or restored before the matcher is built

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"backstop_corpus": "data/safety", "possible_from": 0.7, "certain_from": None}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        digest = hashlib.sha256((super().fingerprint_addon(config) or "").encode())
        folder = Path(config.get("backstop_corpus") or "data/safety")
        for path in sorted(folder.rglob("*.yml")):  # the measured batches (measured/) train it too
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
        return digest.hexdigest()

    def train(self, training_data: TrainingData) -> Resource:
        corpus = Corpus.read(Path(self._config.get("backstop_corpus") or "data/safety"))
        benign = [m.get("text") for m in training_data.intent_examples if m.get("intent") != RED_FLAG_INTENT]
        self._backstop = Backstop.train(corpus, [t for t in benign if t and not t.startswith("/")])
        resource = super().train(training_data)
        with self._model_storage.write_to(self._resource) as path:
            self._backstop.save(path)
        return resource

    def restore(self) -> None:
        with self._model_storage.read_from(self._resource) as path:
            self._backstop = Backstop.load(path)
        super().restore()

    @staticmethod
    def read_vocabulary() -> Dict[str, Any]:
        from components.entity_extractor import knowledge_vocabulary

        return detector_vocabulary(knowledge_red_flags(), knowledge_vocabulary())

    @staticmethod
    def phrases(vocabulary: Dict[str, Any]) -> Iterable[str]:
        return red_flag_phrases(vocabulary)

    @classmethod
    def with_speller(cls, vocabulary: Dict[str, Any]) -> Dict[str, Any]:
        """Also the English words the language check counts (components/language.py)."""
        return {**super().with_speller(vocabulary), ENGLISH_KEY: sorted(english_words())}

    def use(self, vocabulary: Dict[str, Any]) -> None:
        possible_from = float(self._config.get("possible_from", 1.0))
        certain_from = self._config.get("certain_from")
        self._matcher = RedFlagMatcher(
            vocabulary,
            self.speller_of(vocabulary),
            self._backstop,
            possible_from,
            None if certain_from is None else float(certain_from),
        )

    def annotate(self, message: Message, text: str) -> None:
        flags = [f for f in self._matcher.find(text) if f.level in BLOCKING_LEVELS]
        if not flags:
            return
        certain = [f for f in flags if f.certain]
        possible = [f for f in flags if not f.certain and f.rule not in {c.rule for c in certain}]
        entities = self.add_extractor_name(
            [
                {
                    "entity": RED_FLAG_ENTITY if f.certain else POSSIBLE_ENTITY,
                    "value": f.rule,
                    "start": f.start,
                    "end": f.end,
                    "confidence_entity": 1.0,
                }
                for f in [*certain, *possible]
            ]
        )
        message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        intent = str((message.get(INTENT) or {}).get("name") or "")
        if {f.rule for f in certain} <= KEEPS_INTENT.get(intent, frozenset()) and not possible:
            return
        if not certain and not any(f.level == "emergency" for f in possible):
            return  # possible signs only: the classifier's intent stands, the bot asks before any steps
        forced = {"name": RED_FLAG_INTENT, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != RED_FLAG_INTENT]
        message.set(INTENT, forced, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [forced, *ranking], add_to_output=True)
