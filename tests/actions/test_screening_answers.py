import pytest

from actions.screening_answers import interpret_answer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", "yes"),
        ("Yep", "yes"),
        ("I do", "yes"),
        ("yes I am", "yes"),
        ("I take them daily", "yes"),
        ("no", "no"),
        ("nope", "no"),
        ("not at all", "no"),
        ("I don't", "no"),
        ("none of those", "no"),
        ("not that I know of", "no"),
        ("I'm not", "no"),
        ("only a bit", "partial"),
        ("a little", "partial"),
        ("not sure", "partial"),
        ("maybe", "partial"),
        ("yes, sometimes", "partial"),
        ("kind of", "partial"),
        ("I don't know", "partial"),
        ("purple elephants", None),
        ("", None),
    ],
)
def test_interpret_answer(text: str, expected) -> None:
    assert interpret_answer(text) == expected
