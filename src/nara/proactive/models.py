"""The proactive domain's table: one row per run of the 복지멤버십 job (its snapshot is a file)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.kernel.db import Base, UTCDateTime


class ProactiveRun(Base):
    """복지멤버십 정기 확인 — one run: who was looked at, what was found, what was new, where it is kept.

    The last *finished* run's snapshot is what the next run compares with; a run that crashed stays
    ``running`` (or ``failed``) and is never compared with."""

    __tablename__ = "proactive_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    on_date: Mapped[date] = mapped_column(Date)  # the date the rules were evaluated for
    engine: Mapped[str] = mapped_column(String(20))  # duckdb | spark | polars
    source: Mapped[str] = mapped_column(String(500))  # "registries", or the population file used
    status: Mapped[str] = mapped_column(String(20), index=True)  # running | finished | failed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    previous_run_id: Mapped[int | None] = mapped_column(Integer)  # the run compared with (None: first)
    persons: Mapped[int] = mapped_column(BigInteger, default=0)  # persons evaluated
    members: Mapped[int] = mapped_column(BigInteger, default=0)
    eligible: Mapped[int] = mapped_column(BigInteger, default=0)  # (member, service, beneficiary) rows
    newly_eligible: Mapped[int] = mapped_column(BigInteger, default=0)  # new (member, service) pairs
    notices: Mapped[int] = mapped_column(BigInteger, default=0)  # notices written by this run
    snapshot: Mapped[str | None] = mapped_column(String(500))  # the snapshot file (Parquet)
    error: Mapped[str | None] = mapped_column(String(500))  # why a failed run failed
