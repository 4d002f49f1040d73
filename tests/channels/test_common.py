"""The small security helpers every channel shares (channels/common.py)."""

from __future__ import annotations

import pytest

from channels.common import SeenKeys, api_base_url, secrets_match, split_text


def test_secrets_match_is_exact_and_never_matches_an_empty_secret() -> None:
    assert secrets_match("s3cret", "s3cret")
    assert not secrets_match("s3cret ", "s3cret") and not secrets_match("S3CRET", "s3cret")
    assert not secrets_match("", "") and not secrets_match(None, "s3cret")
    assert not secrets_match("é", "s3cret")  # non-ASCII header: no exception, no match


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://api.telegram.org", True),
        ("http://127.0.0.1:8081", True),
        ("http://localhost:8081/api/", True),
        ("http://[::1]:8081", True),
        ("http://api.telegram.org", False),  # the token would travel in clear text
        ("ftp://127.0.0.1", False),
        ("https://user:pass@api.example.com", False),
        ("not a url", False),
    ],
)
def test_api_base_url_requires_https_except_on_loopback(url: str, ok: bool) -> None:
    if ok:
        assert api_base_url(url, "https://default.example") == url
    else:
        with pytest.raises(ValueError):
            api_base_url(url, "https://default.example")
    assert api_base_url("", "https://default.example") == "https://default.example"


def test_seen_keys_forget_after_ttl_and_stay_bounded() -> None:
    now = [0.0]
    seen = SeenKeys(ttl=60, max_size=3, clock=lambda: now[0])
    assert seen.add("a") and not seen.add("a")
    now[0] = 61
    assert seen.add("a")  # expired, so new again
    for key in "bcd":
        seen.add(key)
    assert "a" not in seen and all(key in seen for key in "bcd")


def test_split_text_cuts_between_lines_and_never_inside_an_entity() -> None:
    assert split_text("short", 10) == ["short"]
    assert split_text("aaaa\nbbbb\ncccc", 9) == ["aaaa\nbbbb", "cccc"]
    pieces = split_text("x" * 7 + "&amp;" + "y" * 3, 10)
    assert pieces == ["x" * 7, "&amp;" + "y" * 3]
