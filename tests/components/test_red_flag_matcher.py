"""The deterministic red-flag layer, phrase by phrase (the full suite runs end to end)."""

from __future__ import annotations

import dataclasses

import pytest

from components.red_flags import RedFlagMatcher


@pytest.fixture(scope="module")
def matcher(repo) -> RedFlagMatcher:
    return RedFlagMatcher(dataclasses.asdict(repo.red_flag_vocabulary()))


def levels(matcher: RedFlagMatcher, text: str) -> set:
    return {f.level for f in matcher.find(text)}


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("I'm on warfarin", "refer"),
        ("I take blood thinners", "refer"),
        ("pins and needles down my arm", "refer"),
        ("my foot goes numb", "refer"),
        ("shooting pain down my leg", "refer"),
        ("I had surgery on my knee last month", "refer"),
        ("I'm pregnant", "refer"),
        ("my sciatica is flaring", "refer"),
        ("my calf is swollen, red and hot", "emergency"),
        ("chest pain and I can't catch my breath", "emergency"),
        ("I can't control my bladder since my back went", "emergency"),
        ("worst headache of my life", "emergency"),
        ("one side of my face is drooping", "emergency"),
    ],
)
def test_flags(matcher: RedFlagMatcher, text: str, level: str) -> None:
    assert level in levels(matcher, text)


@pytest.mark.parametrize(
    "text",
    [
        "tight glutes after squats",
        "sore calves after my long run",
        "stiff neck from working at my desk",
        "my chest feels tight after bench press",
        "no numbness or tingling, just tight hamstrings",
        "I don't have any tingling",
        "how hard should I press",
    ],
)
def test_benign(matcher: RedFlagMatcher, text: str) -> None:
    assert levels(matcher, text) & {"refer", "emergency"} == set()


def test_a_hedge_is_not_a_denial(matcher: RedFlagMatcher) -> None:
    assert "refer" in levels(matcher, "not sure if it's tingling")
