"""Spelling tolerance, bounded so that ordinary words never change.

A `Speller` maps a misspelt word to the one vocabulary word it is closest to ("numbnes" ->
"numbness", "hamstirng" -> "hamstring", "lowr" -> "lower"), with rapidfuzz's edit distance
and these bounds:

- words of 5-6 letters: one edit; 7 letters or more: two edits (a swap of two neighbouring
  letters counts as one edit: optimal string alignment distance); 4 letters: only one dropped
  letter ("lowr" -> "lower") or two swapped neighbours ("stpo" -> "stop"); shorter words and
  anything with digits are left alone;
- a real English word is never changed ("tinkling" stays "tinkling", "numbers" stays
  "numbers"): at training time the speller keeps the dictionary words (pyspellchecker's
  English frequency list, count >= 100) that lie within those bounds of the vocabulary, and
  those are known words at run time;
- when two vocabulary words are equally close, nothing changes (no guess), unless exactly one
  of them is the word with one letter dropped ("calvs" -> "calves", not "calve").

The dictionary is only read when a speller is built (training); the built speller is plain
data persisted inside the model, so parsing a message needs neither the dictionary nor the
network.
"""

from __future__ import annotations

import collections
import functools
from typing import Any, Dict, Iterable, List, Optional, Set

import numpy
from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_COUNT = 100  # a dictionary word seen at least this often is a real word, never corrected
MIN_LENGTH = 4
#: a one-edit correction of a word at least this long is a plain slip, not a guess
SURE_FROM_LENGTH = 6


def bound(length: int) -> int:
    """How many edits a word of this length may be away from the word it is read as."""
    if length < MIN_LENGTH:
        return 0
    return 1 if length < 7 else 2


def _dropped_letter(short: str, long: str) -> bool:
    """`short` is `long` with exactly one letter missing."""
    return len(long) == len(short) + 1 and any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _swapped_neighbours(typed: str, word: str) -> bool:
    """`typed` is `word` with two neighbouring letters swapped ("stpo" for "stop")."""
    if len(typed) != len(word) or typed == word:
        return False
    diff = [i for i in range(len(word)) if typed[i] != word[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and typed[diff[0]] == word[diff[1]] and typed[diff[1]] == word[diff[0]]


def _same_start(typed: str, word: str) -> bool:
    """Both start with the same letter, or the first two letters are swapped ("lfu" -> "flu")."""
    return typed[:1] == word[:1] or (len(typed) > 1 and len(word) > 1 and typed[0] == word[1] and typed[1] == word[0])


def _by_length(dictionary: Dict[str, int]) -> Dict[int, List[str]]:
    by_length: Dict[int, List[str]] = collections.defaultdict(list)
    for word, count in dictionary.items():
        if count >= MIN_COUNT and word.isalpha() and len(word) >= MIN_LENGTH:
            by_length[len(word)].append(word)
    return by_length


def english_words() -> Set[str]:
    """pyspellchecker's English words seen at least MIN_COUNT times (read at training time only)."""
    from spellchecker import SpellChecker

    return {w for w, count in SpellChecker(language="en").word_frequency.dictionary.items() if count >= MIN_COUNT}


@functools.lru_cache(maxsize=1)
def _real_words_by_length() -> Dict[int, List[str]]:
    """pyspellchecker's English words (count >= MIN_COUNT) by length, read once per process."""
    from spellchecker import SpellChecker

    return _by_length(SpellChecker(language="en").word_frequency.dictionary)


class Speller:
    """Corrects a word to the vocabulary (see the module docstring for the bounds)."""

    def __init__(self, vocabulary: Iterable[str], known: Iterable[str]) -> None:
        self.vocabulary: Set[str] = {w for w in vocabulary if w.isalpha()}
        self.known: Set[str] = set(known) | self.vocabulary
        self._by_length: Dict[int, List[str]] = collections.defaultdict(list)
        for word in sorted(self.vocabulary):
            self._by_length[len(word)].append(word)
        self._cache: Dict[str, Optional[str]] = {}

    @classmethod
    def build(cls, vocabulary: Iterable[str], dictionary: Optional[Dict[str, int]] = None, known: Iterable[str] = ()) -> Speller:
        """A speller for `vocabulary`; `dictionary` (word -> count) defaults to pyspellchecker's English list;
        `known`: more words never to change (the bot's other vocabulary: "lifters" is not "blisters")."""
        words = {w.lower() for w in vocabulary if w.isalpha() and len(w) >= MIN_LENGTH}
        by_length = _real_words_by_length() if dictionary is None else _by_length(dictionary)
        near: Set[str] = set()
        widest = bound(99)
        grouped: Dict[int, List[str]] = collections.defaultdict(list)
        for word in sorted(words):
            grouped[len(word)].append(word)
        # every real word that some misspelling bound could read as a vocabulary word: one
        # distance matrix per word length (rapidfuzz, both cores) instead of a search per word
        for length, group in grouped.items():
            nearby = [w for n in range(length - widest, length + widest + 1) for w in by_length.get(n, [])]
            if not nearby:
                continue
            distances = process.cdist(group, nearby, scorer=OSA.distance, score_cutoff=widest, dtype=numpy.uint8, workers=-1)
            for i, j in zip(*numpy.nonzero(distances <= widest), strict=True):
                match = nearby[j]
                if match != group[i] and distances[i, j] <= max(bound(len(match)), 1):
                    near.add(match)
        return cls(words, (near | {w.lower() for w in known if w.isalpha()}) - words)

    def to_json(self) -> Dict[str, Any]:
        return {"vocabulary": sorted(self.vocabulary), "known": sorted(self.known - self.vocabulary)}

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> Speller:
        return cls(data.get("vocabulary") or [], data.get("known") or [])

    def correct(self, word: str) -> str:
        """`word` (lower case) as the vocabulary word it is a misspelling of, or unchanged."""
        if word in self._cache:
            return self._cache[word] or word
        fixed = self._correct(word)
        if len(self._cache) < 50_000:
            self._cache[word] = fixed
        return fixed or word

    def guessed(self, word: str) -> bool:
        """`word` was read as another word by a wide guess: two edits, or a word of under 6
        letters ("xeralto" -> "xarelto", "fevr" -> "fever"); one edit in a longer word ("numbnes",
        "pregant", "warfrin") is a plain slip. A sign read through a guess is asked about."""
        fixed = self.correct(word)
        return fixed != word and (len(word) < SURE_FROM_LENGTH or OSA.distance(word, fixed) > 1)

    def _nearby(self, word: str, length: int) -> List[str]:
        """The vocabulary words of `length` that `word` could be a slip of. Slips rarely touch the
        first letter (Pollock & Zamora 1984), so a word that starts differently is another word
        ("proteas", the flowers, is not "roteas", a drug)."""
        return [w for w in self._by_length.get(length, []) if _same_start(word, w)]

    def _correct(self, word: str) -> Optional[str]:
        reach = bound(len(word))
        if not reach or not word.isalpha() or word in self.known:
            return None
        if len(word) == MIN_LENGTH:  # four letters: only a dropped letter or two swapped neighbours
            found = [w for w in self._nearby(word, len(word) + 1) if _dropped_letter(word, w)]
            found += [w for w in self._nearby(word, len(word)) if _swapped_neighbours(word, w)]
            return found[0] if len(found) == 1 else None
        nearby = [w for n in range(len(word) - reach, len(word) + reach + 1) for w in self._nearby(word, n)]
        matches = process.extract(word, nearby, scorer=OSA.distance, score_cutoff=reach, limit=None)
        if not matches:
            return None
        best = min(distance for _, distance, _ in matches)
        closest = sorted(w for w, distance, _ in matches if distance == best)
        if len(closest) > 1:  # a tie: only the word with one dropped letter, the commonest slip, wins
            closest = [w for w in closest if _dropped_letter(word, w)]
        return closest[0] if len(closest) == 1 else None
