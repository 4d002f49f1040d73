"""The spaCy side of the custom NLU components: a blank English pipeline and matching.

No pretrained English model can be installed here, so both components use
`spacy.blank("en")` with the lookup lemmatizer from spacy-lookups-data (installed as a
package; nothing is downloaded). The lookup table turns "calves" into "calve", so lemmas
alone miss plurals of the vocabulary: every token gets a `norm_` that first maps plurals
of vocabulary words back to the word ("calves" -> "calf"), keeps a listed word as it is when
its lemma is listed too ("legs" is not "leg": "both legs" must not match "my leg") or when its
lemma has an everyday meaning ("swollen" is not "swell idea"), then falls back to the lemma
of the lower-cased token (the table is case-sensitive: "Tingling" has no entry). With a speller,
a misspelt word is first read as the vocabulary word it is closest to (components/spelling.py).
Pipelines are built when a component is created or loaded, never at import time.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Tuple, cast

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from components.spelling import Speller

#: words whose lookup lemma has an everyday meaning of its own ("swollen" -> "swell", as in "swell
#: idea"; "number" is not "more numb"), or is another word: the table reads "worse" and "worst" as
#: "wrong" (so "the wrong button" was "getting worse"), and "pulling my shoulders forward" (posture)
#: is not "pulled my hamstring" (an injury); a "wound" is not the past of "wind" ("chapped from
#: the wind"), and "pura" ("pura vida") is not a Latin plural of "pus"; plurals that mean something
#: else than their singular: "the bumps of my spine" are not "the bump" of a pregnancy, "in tears" is
#: not a torn muscle; "pitting" (oedema) is not "the pit" a miner went down; "stitching" a girth
#: or a bridle is a saddler's work, not the stitches of a wound
KEEP_AS_IS = frozenset(
    {"swollen", "swelling", "number", "numbers", "worse", "worst", "wrong", "pulling", "pulls", "buns", "wound", "pura",
     "bumps", "tears", "pitting", "stitching"}
)
#: degree words that a phrase may carry or not without changing what it says ("I can't really
#: feel", "a bit slurred", "getting steadily worse"); a Normalizer with `skip_fillers` drops them
FILLERS = frozenset(
    {"really", "rly", "rlly", "rllly", "kinda", "sorta", "quite", "pretty", "very", "super", "totally", "literally", "slightly",
     "somewhat", "fairly", "steadily", "gradually", "progressively", "even", "realy", "reallly", "-", "smack"}
)  # fmt: skip
#: "and" as people type it between two words
AND_SPELLINGS = frozenset({"&", "n", "an", "'n'", "n'", "'n", "+"})
#: negated verbs as Scots, Caribbean and text-speak write them, read as the two words they stand
#: for ("I cannae feel my feet", "mi cyaan walk", "cnt breathe"); a Normalizer with `skip_fillers`
#: spells them out
RESPELLINGS = {
    **{word: ("can", "not") for word in ("cannae", "canna", "cyaan", "kyaan", "caan", "cnt", "kant")},
    **{word: ("could", "not") for word in ("couldnae", "cudnae", "cudnt", "couldnt")},
    **{f"{verb}nae": (verb, "not") for verb in ("do", "did", "does", "is", "was", "would", "have", "has")},
    "dinnae": ("do", "not"),
    # Scots "swall" (swell): "me tongue's swallin up"
    **{word: (english,) for word, english in (("swallin", "swelling"), ("swallt", "swelled"), ("swallen", "swollen"))},
}
#: the first half of "can't" and "won't" as the tokenizer splits them, read as the verb
SPLIT_MODALS = {"ca": "can", "wo": "will"}
#: the same, as runs of words
FILLER_RUNS = (("a", "little", "bit", "of"), ("a", "bit", "of"), ("a", "little", "bit"), ("a", "bit"), ("kind", "of"),
               ("sort", "of"), ("a", "lil"))  # fmt: skip


def blank_english() -> Language:
    """A blank English pipeline with the lookup lemmatizer (no model download)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup table from the installed spacy-lookups-data
    return nlp


def plural_forms(word: str) -> List[str]:
    """Regular and -f/-y plural spellings of one lower-case word."""
    forms = [word + "s", word + "es"]
    if word.endswith("f"):
        forms.append(word[:-1] + "ves")
    if word.endswith("fe"):
        forms.append(word[:-2] + "ves")
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms.append(word[:-1] + "ies")
    return forms


class Normalizer:
    """Tokenises text and sets each token's `norm_` for vocabulary-aware matching."""

    def __init__(
        self,
        nlp: Language,
        vocabulary_phrases: Iterable[str],
        use_lemmas: bool = True,
        speller: Optional[Speller] = None,
        skip_fillers: bool = False,
        word_building: bool = False,
    ) -> None:
        self.nlp = nlp
        self.word_building = word_building
        self.use_lemmas = use_lemmas
        self.speller = speller
        self.skip_fillers = skip_fillers
        # lemmas are looked up on the lower-cased token, so "Tingling" == "tingling"
        self._lemmas = cast(Lemmatizer, nlp.get_pipe("lemmatizer")).lookups.get_table("lemma_lookup")
        self._plurals: Dict[str, str] = {}
        tokenised = [[token.text for token in nlp.make_doc(phrase.lower())] for phrase in vocabulary_phrases]
        words = {word for tokens in tokenised for word in tokens}
        self._words = frozenset(words)
        lemma = lambda w: str(self._lemmas.get(w, w)).lower()  # noqa: E731
        # a plural listed as a term of its own, whose singular is a term too, keeps its own meaning
        # ("legs" is not "leg"); a verb's "-s" inside a phrase ("tongue feels too big") is still its lemma
        singles = {tokens[0] for tokens in tokenised if len(tokens) == 1}
        self._keep = frozenset(w for w in singles if lemma(w) in singles and w in plural_forms(lemma(w))) | KEEP_AS_IS
        for word in sorted(words):
            if word.isalpha() and len(word) > 2:
                for form in plural_forms(word):
                    if form not in words:  # a plural the vocabulary lists itself ("legs") keeps its own meaning
                        self._plurals.setdefault(form, word)

    def loose_form(self, lower: str) -> str:
        """Slang around a vocabulary word, read as the word: "needlez" -> "needles"; with
        `word_building`, also "tinglyness" -> "tingly", "shocky" -> "shock" (only onto vocabulary words)."""
        if lower in self._words or not lower.isalpha() or len(lower) < 4:
            return lower
        candidates = []
        if lower.endswith("z"):
            candidates.append(lower[:-1] + "s")
        if self.word_building and lower.endswith("ness"):
            candidates.append(lower[:-4])
        if self.word_building and lower.endswith("y"):
            candidates += [lower[:-1], lower[:-1] + "e"]
        if self.word_building and lower.endswith("ish"):
            candidates.append(lower[:-3])
        if lower.endswith("in"):  # the dropped g: "droopin" -> "drooping", "somethin" -> "something"
            candidates.append(lower + "g")
        return next((c for c in candidates if c in self._words or c in self._plurals), lower)

    def norm(self, lower: str) -> str:
        if lower.endswith("n't") or lower == "nt":  # "don't" and "dont" both split into "do" + "n't"/"nt"
            return "not"
        if lower in SPLIT_MODALS:  # "can't" splits into "ca" + "n't": the same words as "cannot"
            return SPLIT_MODALS[lower]
        if lower in AND_SPELLINGS:  # "pins & needles", "pins n needles"
            return "and"
        lower = self.loose_form(lower)
        if lower in KEEP_AS_IS:
            return lower
        if self.speller is not None and lower not in self._plurals:
            lower = self.speller.correct(lower)  # "numbnes" -> "numbness" (bounded, see components/spelling.py)
        if lower in self._plurals:
            return self._plurals[lower]
        if not self.use_lemmas or lower in self._keep:
            return lower
        return str(self._lemmas.get(lower, lower)).lower()

    def __call__(self, text: str) -> Doc:
        """The normalised doc. With `skip_fillers`, the doc holds the text without FILLERS and
        `source_offset(doc, ...)` maps its character offsets back to `text`."""
        doc = self.nlp.make_doc(text)
        if self.skip_fillers:
            doc = without_fillers(doc)
        guessed = set()
        for token in doc:
            token.norm_ = self.norm(token.lower_)
            if self.speller is not None and self.speller.guessed(self.loose_form(token.lower_)):
                guessed.add(token.i)
        doc.user_data["corrected"] = guessed  # tokens read through a wide guess of the speller
        return doc

    def pattern(self, phrase: str) -> Doc:
        """A phrase as a matcher pattern, normalised like the text it must match."""
        return self(phrase.lower())


def _filler_indices(doc: Doc) -> set:
    lower = [t.lower_ for t in doc]
    # fillers, and line breaks or runs of spaces ("leg\nkeeps\ngiving\nway" is one phrase)
    dropped = {i for i, word in enumerate(lower) if word in FILLERS or doc[i].is_space}
    for run in FILLER_RUNS:
        for i in range(len(lower) - len(run) + 1):
            if tuple(lower[i : i + len(run)]) == run:
                dropped.update(range(i, i + len(run)))
    return dropped


def without_fillers(doc: Doc) -> Doc:
    """`doc` without its filler words and with RESPELLINGS spelt out; user_data["source_offsets"]
    holds each token's offsets in the original (both words of "cannae" get the offsets of "cannae")."""
    dropped = _filler_indices(doc)
    if len(dropped) == len(doc) or not dropped and not any(t.lower_ in RESPELLINGS for t in doc):
        return doc
    words: List[str] = []
    spaces: List[bool] = []
    offsets: List[Tuple[int, int]] = []
    for t in doc:
        if t.i in dropped:
            continue
        parts = RESPELLINGS.get(t.lower_, (t.text,))
        # a dropped filler between two words leaves a space ("seventy-three" -> "seventy three")
        last_space = bool(t.whitespace_) or (t.i + 1 < len(doc) and t.i + 1 in dropped)
        words += parts
        spaces += [True] * (len(parts) - 1) + [last_space]
        offsets += [(t.idx, t.idx + len(t))] * len(parts)
    reduced = Doc(doc.vocab, words=words, spaces=spaces)
    reduced.user_data["source_offsets"] = offsets
    return reduced


def source_offsets(span: Span) -> Tuple[int, int]:
    """A span's character offsets in the text the doc was made from (fillers included)."""
    offsets = span.doc.user_data.get("source_offsets")
    if not offsets:
        return span.start_char, span.end_char
    return offsets[span.start][0], offsets[span.end - 1][1]


def phrase_matcher(normalizer: Normalizer, labelled: Iterable[Tuple[str, str]]) -> PhraseMatcher:
    """A NORM-attribute PhraseMatcher for (label, phrase) pairs."""
    matcher = PhraseMatcher(normalizer.nlp.vocab, attr="NORM")
    grouped: Dict[str, List[Doc]] = {}
    for label, phrase in labelled:
        grouped.setdefault(label, []).append(normalizer.pattern(phrase))
    for label, docs in grouped.items():
        matcher.add(label, docs)
    return matcher


def longest_matches(doc: Doc, matcher: PhraseMatcher) -> List[Span]:
    """Matches with overlaps resolved in favour of the longest span."""
    spans = [Span(doc, start, end, label=match_id) for match_id, start, end in matcher(doc)]
    return sorted(filter_spans(spans), key=lambda s: s.start)


def all_matches(doc: Doc, matcher: PhraseMatcher) -> List[Span]:
    """Every match, overlapping ones included."""
    return [Span(doc, start, end, label=match_id) for match_id, start, end in matcher(doc)]
