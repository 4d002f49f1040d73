"""Checks shared by the suites."""

from __future__ import annotations

from typing import Optional, TypeVar

T = TypeVar("T")


def present(value: Optional[T]) -> T:
    """`value`, which the test expects to be there (a known id's lookup, a reply's picture...): when
    it is missing the test fails here, by name, not with an AttributeError on None further on."""
    assert value is not None, "expected a value, got None"
    return value
