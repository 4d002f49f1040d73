"""Messages written in a language the bot does not read.

The bot reads English; the red-flag vocabulary also holds the signs most emergencies hang on in
some other languages (components/cues.py, knowledge/content/red_flags.yml). A message written
wholly in any other language reaches no rule and no trained sentence, so a warning sign in it can
be neither found nor ruled out. The red-flag detector makes such a message a possible emergency
of the safety rule `unread_language` (components/red_flags.py): the bot says that it reads
English only, names the emergency signs with the emergency numbers, conditionally, and asks one
yes/no question in English before anything else (actions/screening/form.py).

A message is in a language the bot does not read when all three hold:

- it is long enough to tell: at least MIN_WORDS words, or MIN_UNSPACED letters of scripts written
  without spaces between words (Chinese, Japanese, Thai...). A greeting or a thank-you in another
  language ("gracias amigo, saludos desde Quito") stays with the classifier and its courtesy
  tables;
- less than MAX_ENGLISH_SHARE of its words are English words (the dictionary words the speller
  treats as real, components/spelling.py), so a message that mixes in English ("my upper back is
  bardzo sztywny, like concrete") is read as the English it holds;
- lingua (lingua-language-detector, a maintained language identifier whose models ship in its
  wheel) gives English a confidence below MAX_ENGLISH_CONFIDENCE. English full of names,
  medicines and places that are no dictionary words ("on clopidogrel since my stent, is foam
  rolling ok") keeps its English confidence. lingua runs in its low-accuracy mode (letter
  trigrams only): about 110 MB of models instead of about 900 MB and a fraction of a millisecond a
  message; behind the first two tests, both modes called as many of the project's texts unread
  (docs/architecture.md, "Messages in other languages"). It is built on the first message that
  passes the first two tests, never at import time, so a bot whose users all write English never
  loads it.
"""

from __future__ import annotations

import functools
from typing import Any, FrozenSet, Iterable, List

import regex

MIN_WORDS = 8
MIN_UNSPACED = 24
MAX_ENGLISH_SHARE = 0.5
MAX_ENGLISH_CONFIDENCE = 0.1

#: runs of letters in any script, with an inner apostrophe ("don't", "l'escalade", "sat sri akal").
#: A word's letters include the marks that scripts such as Tamil, Devanagari or Sinhala write
#: vowels and viramas with ("நன்றி", "धन्यवाद"): `re` does not count them as letters and cuts such
#: words up. Also the words components/unreadable.py reads in other scripts.
LETTER_RUNS = regex.compile(r"[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*")
_APOSTROPHE = regex.compile(r"['’]")
#: letters of scripts written without spaces between words
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}\p{Hangul}]")


@functools.lru_cache(maxsize=1)
def _detector() -> Any:
    """lingua's detector over all its languages, low-accuracy mode; built once per process."""
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def english_confidence(text: str) -> float:
    """lingua's confidence, 0 to 1, that `text` is English."""
    from lingua import Language

    return float(_detector().compute_language_confidence(text, Language.ENGLISH))


class LanguageCheck:
    """Tells a message in a language the bot does not read (module docstring)."""

    def __init__(self, english_words: Iterable[str]) -> None:
        self.english: FrozenSet[str] = frozenset(english_words)

    def english_share(self, words: List[str]) -> float:
        """The share of `words` that are English words (a word with an apostrophe: whole or by its parts)."""
        known = sum(w in self.english or all(part in self.english for part in _APOSTROPHE.split(w)) for w in words)
        return known / len(words)

    def unread(self, text: str) -> bool:
        words = [w.lower() for w in LETTER_RUNS.findall(text)]
        if len(words) < MIN_WORDS and len(_UNSPACED.findall(text)) < MIN_UNSPACED:
            return False
        if self.english_share(words) >= MAX_ENGLISH_SHARE:
            return False
        return english_confidence(text) < MAX_ENGLISH_CONFIDENCE
