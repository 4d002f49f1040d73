"""A learned signal is certain only when the model is sure and the message says two signs of one of
the rule's combinations, about the writer (components/red_flags.py `_corroborated`); otherwise the
bot asks. The backstop here is a stand-in with a fixed answer, so each case tests the rule alone."""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import pytest

from components.backstop import Backstop
from components.red_flags import RedFlagDetector, RedFlagMatcher

#: says two of the three signs of meningitis_neck_fever (neck + stiff + fever): no rule fires
TWO_SIGNS = "since last night my neck is so stiff I can't look down"
ONE_SIGN = "my neck and shoulders are tight after a long week at the desk"
#: the signs are a coworker's; the writer's own neck is only sore
SOMEONE_ELSE = "my coworker's neck is so stiff she can't look down, mine is just a bit sore"


class FixedBackstop(Backstop):
    """Answers every message with one rule and one score."""

    def __init__(self, rule: str, score: float) -> None:  # no models: nothing to load
        self.rule, self.fixed = rule, score

    def possible_rule(self, text: str, threshold: float) -> Optional[Tuple[str, float]]:
        return (self.rule, self.fixed) if self.fixed >= threshold else None


def graded(vocabulary: Dict[str, Any], text: str, score: float, certain_from: Optional[float]) -> Tuple[str, bool]:
    matcher = RedFlagMatcher(
        vocabulary, RedFlagDetector.speller_of(vocabulary), FixedBackstop("meningitis_signs", score), 0.7, certain_from
    )
    [flag] = matcher.find(text)
    return flag.rule, flag.certain


def test_no_rule_fires_on_the_cases_by_itself(rule_matcher: RedFlagMatcher) -> None:
    for text in (TWO_SIGNS, ONE_SIGN, SOMEONE_ELSE):
        assert rule_matcher.find(text) == []


def test_a_sure_model_with_two_signs_of_a_combination_is_certain(red_flag_vocabulary: dict) -> None:
    assert graded(red_flag_vocabulary, TWO_SIGNS, 0.99, 0.98) == ("meningitis_signs", True)


@pytest.mark.parametrize(
    ("text", "score", "certain_from"),
    [
        (TWO_SIGNS, 0.97, 0.98),  # the model is not sure enough
        (TWO_SIGNS, 0.99, None),  # promotion switched off
        (ONE_SIGN, 0.999, 0.98),  # one sign word (a neck) corroborates nothing
        (SOMEONE_ELSE, 0.999, 0.98),  # the signs are someone else's
    ],
)
def test_otherwise_the_learned_signal_is_asked_about(
    red_flag_vocabulary: dict, text: str, score: float, certain_from: Optional[float]
) -> None:
    assert graded(red_flag_vocabulary, text, score, certain_from) == ("meningitis_signs", False)
