"""components/numbers.py `find_ages`: the ages people give, for themselves and for the people they type for."""

from __future__ import annotations

from typing import List

import pytest

from components.numbers import find_ages


def ages(text: str) -> List[int]:
    return [age for age, _, _ in find_ages(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm 74 and my back aches", [74]),
        ("my dad is 78", [78]),
        ("in my late sixties", [65]),
        # a relative's age as "mum's 78" or "grandad, 84,"
        ("nan's 91 and her hip is sore", [91]),
        ("grandad, 84, bent down and his back went", [84]),
        # numbers that are not ages
        ("mum's 45 minutes away", []),
        ("we did 78 reps", []),
        ("dad's 2 kids", []),
    ],
)
def test_ages_people_give(text: str, expected: List[int]) -> None:
    assert ages(text) == expected
