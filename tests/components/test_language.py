"""Messages in a language the bot does not read (components/language.py), and the possible
emergency the red-flag detector makes of them (components/red_flags.py)."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from components.language import LanguageCheck
from components.red_flags import ENGLISH_KEY, UNREAD_RULE, RedFlagMatcher
from components.spelling import english_words


@pytest.fixture(scope="module")
def check() -> LanguageCheck:
    return LanguageCheck(english_words())


@pytest.mark.parametrize(
    "text",
    [
        "Hola, trabajo en una panadería y desde el martes me cuesta mucho subir las escaleras sin parar",
        "Guten Morgen, seit dem Wochenende fühlt sich mein rechtes Bein ganz schwer an und ich weiß nicht warum",
        "Dzień dobry, od wczoraj wieczorem coś mi dolega i nie wiem, czy mogę dzisiaj ćwiczyć z piłką",
        "Habari za asubuhi, tangu jana jioni najisikia vibaya sana na sijui kama naweza kutumia mpira leo",
        "おはようございます。昨日の夜から体の調子がおかしくて、今日ボールを使っていいのか分かりません。",
        "สวัสดีครับ ตั้งแต่เมื่อคืนรู้สึกไม่ค่อยสบายตัว ไม่แน่ใจว่าวันนี้ใช้ลูกบอลนวดได้ไหมครับ",
        "مرحبا، منذ مساء أمس أشعر بشيء غريب في جسمي ولا أعرف إن كان بإمكاني استخدام الكرة اليوم",
    ],
)
def test_a_message_wholly_in_another_language_is_unread(check: LanguageCheck, text: str) -> None:
    assert check.unread(text)


@pytest.mark.parametrize(
    "text",
    [
        # English with names, places and medicines that are no dictionary words
        "on apixaban since the op in Llanfairfechan, can I roll my quads and hamstrings tonight?",
        "Siobhan here from Ballyjamesduff, my traps and rhomboids are in bits after the Dublin marathon",
        # English in text-speak
        "hiya coach my lwr bk is sooo stiff 2day after work wat ball shud i get pls",
        # mostly English, with words of another language
        "my upper back is bardzo sztywny after a long week at the warehouse, which ball should I use",
        # another language, too short to tell: the classifier and its courtesy tables read these
        "muchas gracias, hasta mañana",
        "danke schön, bis bald coach",
        "ありがとう",
    ],
)
def test_english_mixed_or_short_messages_are_read(check: LanguageCheck, text: str) -> None:
    assert not check.unread(text)


GERMAN = "Hallo, seit heute Morgen ist mir so komisch und ich weiß nicht, ob ich die Kugel heute benutzen darf"


def test_an_unread_message_is_a_possible_emergency_of_its_own_rule(rule_matcher: RedFlagMatcher) -> None:
    [flag] = rule_matcher.find(GERMAN)
    assert (flag.rule, flag.level, flag.certain) == (UNREAD_RULE, "emergency", False)
    assert (flag.start, flag.end) == (0, len(GERMAN))  # the whole message: no words to quote


def test_an_emergency_found_in_another_language_needs_no_unread_flag(rule_matcher: RedFlagMatcher) -> None:
    """The vocabulary holds the chest in some other languages: what it finds is certain, and stands alone."""
    text = "Ciao, ho un dolore forte al petto da stamattina e non riesco a respirare bene, cosa devo fare?"
    flags = rule_matcher.find(text)
    assert flags and all(f.rule != UNREAD_RULE for f in flags)
    assert any(f.level == "emergency" and f.certain for f in flags)


def test_without_the_english_words_no_message_is_unread(red_flag_vocabulary: Dict[str, Any]) -> None:
    vocabulary = {k: v for k, v in red_flag_vocabulary.items() if k != ENGLISH_KEY}
    assert RedFlagMatcher(vocabulary).find(GERMAN) == []
