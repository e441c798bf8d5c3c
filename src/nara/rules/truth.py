"""Kleene's three-valued logic: true, false, or unknown (a fact is missing)."""

from __future__ import annotations

from enum import Enum


class Truth(Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    def __invert__(self) -> Truth:
        """Negation.

        >>> ~Truth.UNKNOWN
        <Truth.UNKNOWN: 'unknown'>
        """
        if self is Truth.UNKNOWN:
            return self
        return Truth.FALSE if self is Truth.TRUE else Truth.TRUE

    @staticmethod
    def of(value: bool) -> Truth:
        return Truth.TRUE if value else Truth.FALSE


def all_of(values: list[Truth]) -> Truth:
    """Kleene AND: false wins, then unknown.

    >>> all_of([Truth.TRUE, Truth.UNKNOWN, Truth.FALSE])
    <Truth.FALSE: 'false'>
    >>> all_of([Truth.TRUE, Truth.UNKNOWN])
    <Truth.UNKNOWN: 'unknown'>
    """
    if Truth.FALSE in values:
        return Truth.FALSE
    return Truth.UNKNOWN if Truth.UNKNOWN in values else Truth.TRUE


def any_of(values: list[Truth]) -> Truth:
    """Kleene OR: true wins, then unknown.

    >>> any_of([Truth.FALSE, Truth.UNKNOWN, Truth.TRUE])
    <Truth.TRUE: 'true'>
    """
    if Truth.TRUE in values:
        return Truth.TRUE
    return Truth.UNKNOWN if Truth.UNKNOWN in values else Truth.FALSE
