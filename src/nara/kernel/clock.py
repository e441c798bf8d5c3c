"""Time, always timezone-aware and in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

KOREA_OFFSET = timedelta(hours=9)


def utcnow() -> datetime:
    """The current moment in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Korea (KST is UTC+9, without daylight saving)."""
    return (utcnow() + KOREA_OFFSET).date()
