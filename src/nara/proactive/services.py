"""Running the 복지멤버십 job: members → facts → ``find_new`` → one notice per newly eligible service.

``do_run`` is a batch, not a request: it commits in steps, each of which is safe to repeat.

1. the run is recorded as ``running`` (so a crash leaves a trace in ``nara proactive runs``);
2. (registry path) one access-log record per person whose facts are read, under the membership consent
   of a member of their household, committed *before* the registries are read;
3. ``find_new`` compares with the last *finished* run's snapshot;
4. notices are written in batches, each committed; a notice's dedupe key names the run compared with
   (``proactive:<service>:<previous run id | first>``), so a crash between the notices and step 5,
   followed by a re-run, writes no notice twice;
5. the run is recorded as ``finished`` with its snapshot, which the next run compares with.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

import polars as pl
import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara import audit, consent, notices, registry
from nara.kernel.clock import utcnow
from nara.proactive.errors import ProactiveInvalid, SnapshotMissing
from nara.proactive.job import ENGINES, JobReport, find_new
from nara.proactive.messages import KIND, message
from nara.proactive.models import ProactiveRun
from nara.rules.polars_batch import columns_needed
from nara.rules.rulebook import Rule, rulebook

Progress = Callable[[str], None]
REQUIRED_COLUMNS = ("person_id", "household_id", "relation", "birth_date")
NOTICE_BATCH = 5_000  # notices per transaction
DEDUPE_PREFIX = "proactive:"


class Source(Protocol):
    """Where a run's population and members come from."""

    @property
    def label(self) -> str:
        """What the run's row records as its source."""
        ...

    def prepare(
        self, session: Session, work: Path, run_id: int, progress: Progress
    ) -> tuple[Path, Path | None]:
        """The population file and the members file (None: everyone in the population)."""
        ...


@dataclass(frozen=True)
class RegistrySource:
    """The product's path: the members are the citizens with 복지멤버십 in force, their households'
    facts are read from the agencies' registries, every read logged first."""

    store: registry.RegistryStore
    label: str = "registries"

    def prepare(
        self, session: Session, work: Path, run_id: int, progress: Progress
    ) -> tuple[Path, Path | None]:
        columns = columns_needed(rulebook())
        facts = tuple(sorted(fact.name for fact in self.store.facts_for(columns)))
        given = {c.subject: c for c in consent.memberships(session, utcnow()) if set(facts) <= set(c.facts)}
        progress(f"복지멤버십 회원 {len(given):,}명의 가구를 주민등록에서 찾는 중")
        households = self.store.households_of(given)
        events = list(_access_events(households, given, facts, run_id))
        audit.record_accesses(session, events)
        session.commit()  # the access log is written before any fact is read
        progress(
            f"가구원 {len(events):,}명의 정보를 기관 레지스트리에서 읽는 중 (접속기록 {len(events):,}건)"
        )
        population, members = work / "population.parquet", work / "members.parquet"
        self.store.extract(population, set(households), columns)
        found = sorted(set(given) & {person for people in households.values() for person in people})
        pl.DataFrame({"person_id": found}, schema={"person_id": pl.String}).write_parquet(members)
        return population, members


@dataclass(frozen=True)
class FileSource:
    """A synthetic population file and a members file (None: everyone), for benchmarks and trials."""

    population: Path
    members: Path | None = None

    @property
    def label(self) -> str:
        return str(self.population)[:500]

    def prepare(
        self, session: Session, work: Path, run_id: int, progress: Progress
    ) -> tuple[Path, Path | None]:
        _check_columns(self.population, REQUIRED_COLUMNS)
        if self.members is not None:
            _check_columns(self.members, ("person_id",))
        return self.population, self.members


@dataclass(frozen=True)
class Run:
    """One run as the CLI and the operator see it."""

    id: int
    on_date: date
    engine: str
    source: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    previous_run_id: int | None
    persons: int
    members: int
    eligible: int
    newly_eligible: int
    notices: int
    snapshot: str | None
    error: str | None


def do_run(
    session: Session,
    source: Source,
    *,
    on: date,
    engine: str,
    state_dir: Path,
    progress: Progress = lambda step: None,
) -> tuple[Run, JobReport]:
    """Run the job for ``on``; returns the finished run and the job's figures (see the module's steps)."""
    if engine not in ENGINES:
        raise ProactiveInvalid(f"'{engine}' 엔진은 쓸 수 없습니다. {', '.join(ENGINES)} 중 하나를 고르세요.")
    previous = last_finished(session)
    before = _previous_snapshot(previous)
    row = ProactiveRun(
        on_date=on, engine=engine, source=source.label, status="running", started_at=utcnow(),
        previous_run_id=previous.id if previous else None,
        persons=0, members=0, eligible=0, newly_eligible=0, notices=0,
    )  # fmt: skip
    session.add(row)
    session.commit()
    try:
        with tempfile.TemporaryDirectory(prefix="nara-proactive-") as work:
            population, members = source.prepare(session, Path(work), row.id, progress)
            out = state_dir / f"run-{row.id:06d}"
            snapshot, new, report = find_new(population, members, before, on, engine, out, progress)
        progress(f"새로 받을 수 있게 된 {report.new:,}건을 알리는 중")
        written = _notify(session, new, on, row.previous_run_id)
        _finish(session, row, report, snapshot, written)
    except BaseException as error:
        session.rollback()
        row.status, row.finished_at, row.error = "failed", utcnow(), str(error)[:500]
        session.commit()
        raise
    return _view(row), report


def last_finished(session: Session) -> Run | None:
    """The last finished run: the one the next run compares with."""
    query = select(ProactiveRun).where(ProactiveRun.status == "finished").order_by(ProactiveRun.id.desc())
    row = session.scalars(query.limit(1)).first()
    return _view(row) if row else None


def runs(session: Session, limit: int = 20) -> list[Run]:
    """The latest runs, newest first (crashed and failed ones too)."""
    query = select(ProactiveRun).order_by(ProactiveRun.id.desc()).limit(limit)
    return [_view(row) for row in session.scalars(query)]


def drafts(new: Path, on: date, previous_run_id: int | None) -> Iterator[list[notices.NoticeDraft]]:
    """The notices for a ``new.parquet`` file, in batches: one per (member, service)."""
    by_id: dict[str, Rule] = {rule.service_id: rule for rule in rulebook()}
    since = previous_run_id if previous_run_id is not None else "first"
    for batch in pq.ParquetFile(new).iter_batches(batch_size=NOTICE_BATCH):
        found = []
        for pair in batch.to_pylist():
            text = message(by_id[pair["service_id"]], pair["reason"], pair["beneficiaries"], on)
            found.append(
                notices.NoticeDraft(
                    person_id=pair["person_id"], kind=KIND, title=text.title, body=text.body, link=text.link,
                    dedupe_key=f"{DEDUPE_PREFIX}{pair['service_id']}:{since}",
                )
            )  # fmt: skip
        yield found


def _notify(session: Session, new: Path, on: date, previous_run_id: int | None) -> int:
    written = 0
    for batch in drafts(new, on, previous_run_id):
        written += notices.send_many(session, batch)
        session.commit()
    return written


def _finish(session: Session, row: ProactiveRun, report: JobReport, snapshot: Path, written: int) -> None:
    row.status, row.finished_at, row.snapshot = "finished", utcnow(), str(snapshot)
    row.persons, row.members, row.eligible = report.persons, report.members, report.eligible
    row.newly_eligible, row.notices = report.new, written
    session.commit()


def _previous_snapshot(previous: Run | None) -> Path | None:
    if previous is None:
        return None
    path = Path(previous.snapshot or "")
    if not previous.snapshot or not path.is_file():
        raise SnapshotMissing(
            f"{previous.id}번 실행의 결과 파일({previous.snapshot})이 없어 새로 받을 수 있게 된 혜택을 가려낼 수 "
            "없습니다. 파일을 되살리거나 NARA_PROACTIVE_DIR이 맞는지 확인해 주세요."
        )
    return path


def _access_events(
    households: dict[str, list[str]], given: dict[str, consent.Consent], facts: tuple[str, ...], run_id: int
) -> Iterator[audit.AccessEvent]:
    """One record per person read: under their own membership, or that of their household's first member."""
    for people in households.values():
        member = next(person for person in people if person in given)
        for person in people:
            basis = given.get(person, given[member])
            yield audit.AccessEvent(
                actor=consent.MEMBERSHIP_RECIPIENT, subject=person, facts=facts,
                purpose=consent.MEMBERSHIP_PURPOSE, basis=f"consent:{basis.id}",
                on_behalf_of=f"citizen:{basis.subject}", case_ref=f"proactive-run:{run_id}",
            )  # fmt: skip


def _check_columns(path: Path, required: tuple[str, ...]) -> None:
    try:
        names = set(pq.read_schema(path).names)
    except (OSError, ValueError) as error:
        raise ProactiveInvalid(f"{path}: Parquet 파일로 읽을 수 없습니다 ({error}).") from error
    missing = [name for name in required if name not in names]
    if missing:
        raise ProactiveInvalid(f"{path}에 {', '.join(missing)} 열이 없습니다.")


def _view(row: ProactiveRun) -> Run:
    return Run(
        id=row.id, on_date=row.on_date, engine=row.engine, source=row.source, status=row.status,
        started_at=row.started_at, finished_at=row.finished_at, previous_run_id=row.previous_run_id,
        persons=row.persons, members=row.members, eligible=row.eligible, newly_eligible=row.newly_eligible,
        notices=row.notices, snapshot=row.snapshot, error=row.error,
    )  # fmt: skip
