"""Flagging unusual access in the personal-data access log (개인정보 접속기록 이상 징후 분석).

Four detectors point an auditor at the records worth a look first; each finding has a stable code:

- ``audit.many_subjects``: an official who read many *unrelated* citizens in one day, far more than the
  officials of the same agency usually do (snooping). Reads under one case reference count once per case,
  so a household read member by member, or a busy day of real cases, is not "many unrelated citizens".
- ``audit.no_case``: an official who read citizens' data with no case (application) behind it, several
  times in one day. A single slip is left alone.
- ``audit.off_hours_burst``: an official or an agency system reading many records within an hour at
  night (22:00–06:00) or at the weekend.
- ``audit.beyond_consent``: a third-party app reading facts its consent does not cover (or under a consent
  nobody knows), or collecting many refusals in one day (probing for what it may read).

Nara's own components (``nara:*``, e.g. ``nara:proactive``) are not checked by these detectors: their
nightly determination runs are scheduled, mandated by law and read in bulk by design, so every night would
be an "off-hours burst" and every run "many unrelated citizens". Their reads are reviewed through the
rules they apply, not through patterns of human behaviour. Citizens reading their own data are not
checked either.

The analysis is a single pass over the entries with per-actor, per-day aggregation: memory grows with the
number of (actor, day) groups and the reads kept as evidence, never with pairs of records. Times are stored
in UTC; days, hours and weekends are those of Korea (KST, UTC+9). Public holidays count as working days.
"""

from __future__ import annotations

import json
import statistics
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.audit.models import AccessRecord

KST = ZoneInfo("Asia/Seoul")

MANY_SUBJECTS = "audit.many_subjects"
NO_CASE = "audit.no_case"
OFF_HOURS_BURST = "audit.off_hours_burst"
BEYOND_CONSENT = "audit.beyond_consent"
CODES = (MANY_SUBJECTS, NO_CASE, OFF_HOURS_BURST, BEYOND_CONSENT)

OFFICIAL = "official"  # official:<agency_code>:<staff_id>
AGENCY = "agency"  # agency:<agency_code>
THIRD_PARTY = "third_party"  # third_party:<client_id>
NARA = "nara"  # nara:<component>
CITIZEN = "citizen"  # citizen:<person_id>
CONSENT = "consent:"  # basis consent:<consent_id>

_WEEKDAYS = "월화수목금토일"


@dataclass(frozen=True)
class LogEntry:
    """One access-log record, as the analysis needs it (``recorded_at`` in UTC)."""

    position: int
    recorded_at: datetime
    actor: str
    subject: str
    facts: tuple[str, ...]
    purpose: str
    basis: str
    outcome: str
    case_ref: str | None


@dataclass(frozen=True)
class Finding:
    """Something an auditor should look at: what (``code``), who, which records, and a sentence saying it."""

    code: str
    actor: str
    positions: tuple[int, ...]
    message: str


@dataclass(frozen=True)
class Thresholds:
    """Where ordinary work ends and a finding begins. The defaults suit a central agency's daily work.

    - ``many_subjects_floor`` (30): an official's unrelated citizens in one day must exceed this, whatever
      the peers do, and also
    - ``many_subjects_spread`` (6.0): exceed the agency's usual day, median + 6 × MAD (median absolute
      deviation) of all the agency's officials' days; robust to the few bad days it is looking for.
    - ``no_case_per_day`` (3): reads without a case by one official in one day that make a finding.
    - ``burst_reads`` (20) within ``burst_window`` (60 minutes), off hours, make a burst.
    - ``night_from_hour`` (22) and ``night_until_hour`` (6): the night, in Korean time; Saturdays and
      Sundays are off hours all day.
    - ``refusals_per_day`` (5): refused reads by one third party in one day that look like probing.
    """

    many_subjects_floor: int = 30
    many_subjects_spread: float = 6.0
    no_case_per_day: int = 3
    burst_reads: int = 20
    burst_window: timedelta = timedelta(minutes=60)
    night_from_hour: int = 22
    night_until_hour: int = 6
    refusals_per_day: int = 5


DEFAULT_THRESHOLDS = Thresholds()


def load_entries(session: Session, since: datetime | None = None) -> Iterator[LogEntry]:
    """Stream the log in position order (from ``since`` on, when given), without loading it all."""
    query = select(
        AccessRecord.position,
        AccessRecord.recorded_at,
        AccessRecord.actor,
        AccessRecord.subject,
        AccessRecord.facts,
        AccessRecord.purpose,
        AccessRecord.basis,
        AccessRecord.outcome,
        AccessRecord.case_ref,
    ).order_by(AccessRecord.position)
    if since is not None:
        query = query.where(AccessRecord.recorded_at >= _in_utc(since))
    for row in session.execute(query.execution_options(yield_per=10_000)):
        yield LogEntry(
            position=row.position,
            recorded_at=_in_utc(row.recorded_at),
            actor=row.actor,
            subject=row.subject,
            facts=_parsed_facts(row.facts),
            purpose=row.purpose,
            basis=row.basis,
            outcome=row.outcome,
            case_ref=row.case_ref,
        )


def _unknown_consent(_consent_id: str) -> frozenset[str] | None:
    return None


def analyse(
    entries: Iterable[LogEntry],
    *,
    consented_facts: Callable[[str], frozenset[str] | None] = _unknown_consent,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[Finding]:
    """Run the four detectors over the entries in one pass; findings in the order of their first record.

    ``consented_facts(consent_id)`` gives the facts a consent covers, or None when the consent is unknown
    (then every read under it is beyond consent).
    """
    many_subjects = ManySubjects(thresholds)
    no_case = NoCase(thresholds)
    bursts = OffHoursBursts(thresholds)
    beyond_consent = BeyondConsent(thresholds, consented_facts)
    kinds: dict[str, str] = {}
    for entry in entries:
        kind = kinds.get(entry.actor)
        if kind is None:
            kind = kinds[entry.actor] = actor_kind(entry.actor)
        if kind == OFFICIAL:
            local = _in_korea(entry.recorded_at)
            many_subjects.observe(entry, local)
            no_case.observe(entry, local)
            bursts.observe(entry, local)
        elif kind == AGENCY:
            bursts.observe(entry, _in_korea(entry.recorded_at))
        elif kind == THIRD_PARTY:
            beyond_consent.observe(entry, _in_korea(entry.recorded_at))
    findings = [
        *many_subjects.findings(),
        *no_case.findings(),
        *bursts.findings(),
        *beyond_consent.findings(),
    ]
    return sorted(findings, key=lambda finding: (finding.positions[0], finding.code, finding.actor))


def actor_kind(actor: str) -> str:
    """``official``, ``agency``, ``third_party``, ``nara`` or ``citizen``: the part before the first colon."""
    return actor.partition(":")[0]


def agency_of(actor: str) -> str:
    """The agency code of ``official:<agency_code>:<staff_id>`` or ``agency:<agency_code>``."""
    return actor.split(":")[1] if ":" in actor else ""


class _Evidence:
    """The records behind a finding, with their first and last time (Korean time)."""

    __slots__ = ("first", "last", "positions")

    def __init__(self, local: datetime) -> None:
        self.positions = array("q")
        self.first = self.last = local

    def add(self, position: int, local: datetime) -> None:
        self.positions.append(position)
        self.first, self.last = min(self.first, local), max(self.last, local)

    def span(self) -> str:
        return f"{self.first:%H:%M}–{self.last:%H:%M}"


class _OfficialDay(_Evidence):
    """One official's day: the cases worked on, and the citizens read inside and outside a case."""

    __slots__ = ("cased_subjects", "cases", "uncased_subjects")

    def __init__(self, local: datetime) -> None:
        super().__init__(local)
        self.cases: set[str] = set()
        self.cased_subjects: set[str] = set()
        self.uncased_subjects: set[str] = set()

    def unrelated(self) -> int:
        """Cases, plus citizens read outside any case that day: each is one unrelated citizen."""
        return len(self.cases) + len(self.uncased_subjects - self.cased_subjects)


class ManySubjects:
    """``audit.many_subjects``: an official's unrelated citizens in one Korean day, against the peers."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds
        self.days: dict[tuple[str, date], _OfficialDay] = {}

    def observe(self, entry: LogEntry, local: datetime) -> None:
        key = (entry.actor, local.date())
        day = self.days.get(key)
        if day is None:
            day = self.days[key] = _OfficialDay(local)
        day.add(entry.position, local)
        if entry.case_ref is None:
            day.uncased_subjects.add(entry.subject)
        else:
            day.cases.add(entry.case_ref)
            day.cased_subjects.add(entry.subject)

    def findings(self) -> Iterator[Finding]:
        counts = {key: day.unrelated() for key, day in self.days.items()}
        peers: dict[str, list[int]] = defaultdict(list)
        for (actor, _), count in counts.items():
            peers[agency_of(actor)].append(count)
        usual = {agency: usual_day(days) for agency, days in peers.items()}
        for (actor, day), count in counts.items():
            median, spread = usual[agency_of(actor)]
            limit = max(
                self.thresholds.many_subjects_floor, median + self.thresholds.many_subjects_spread * spread
            )
            if count > limit:
                yield Finding(
                    MANY_SUBJECTS,
                    actor,
                    tuple(self.days[actor, day].positions),
                    f"{actor} 이(가) {day} 하루에 서로 관련 없는 시민 {count}명의 정보를 열람했습니다 "
                    f"(같은 기관 직원의 보통 수준: {median:g}명).",
                )


def usual_day(counts: list[int]) -> tuple[float, float]:
    """The median of the day counts and their median absolute deviation."""
    median = statistics.median(counts)
    return median, statistics.median(abs(count - median) for count in counts)


class NoCase:
    """``audit.no_case``: an official's granted reads with no case behind them, per Korean day."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds
        self.days: dict[tuple[str, date], _Evidence] = {}

    def observe(self, entry: LogEntry, local: datetime) -> None:
        if entry.case_ref is not None or entry.outcome != "granted":
            return
        key = (entry.actor, local.date())
        day = self.days.get(key)
        if day is None:
            day = self.days[key] = _Evidence(local)
        day.add(entry.position, local)

    def findings(self) -> Iterator[Finding]:
        for (actor, day), reads in self.days.items():
            if len(reads.positions) >= self.thresholds.no_case_per_day:
                yield Finding(
                    NO_CASE,
                    actor,
                    tuple(reads.positions),
                    f"{actor} 이(가) {day}에 사건(신청) 번호 없이 시민 정보를 {len(reads.positions)}건 "
                    f"열람했습니다 ({reads.span()}, 한국 시간).",
                )


class OffHoursBursts:
    """``audit.off_hours_burst``: many reads within a sliding window, at night or at the weekend."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds
        self.reads: dict[str, list[tuple[datetime, int]]] = defaultdict(list)

    def observe(self, entry: LogEntry, local: datetime) -> None:
        if self.off_hours(local):
            self.reads[entry.actor].append((local, entry.position))

    def off_hours(self, local: datetime) -> bool:
        """Saturday, Sunday, or the night (Korean time)."""
        return (
            local.weekday() >= 5
            or local.hour >= self.thresholds.night_from_hour
            or local.hour < self.thresholds.night_until_hour
        )

    def findings(self) -> Iterator[Finding]:
        for actor, reads in self.reads.items():
            reads.sort()
            for burst in bursts(reads, self.thresholds.burst_reads, self.thresholds.burst_window):
                first, last = burst[0][0], burst[-1][0]
                until = f"{last:%H:%M}" if last.date() == first.date() else f"{last:%Y-%m-%d} {last:%H:%M}"
                yield Finding(
                    OFF_HOURS_BURST,
                    actor,
                    tuple(position for _, position in burst),
                    f"{actor} 이(가) 업무시간 밖인 {first:%Y-%m-%d}({_WEEKDAYS[first.weekday()]}) "
                    f"{first:%H:%M}부터 {until}까지 시민 정보를 {len(burst)}건 몰아서 열람했습니다 (한국 시간).",
                )


def bursts(
    reads: list[tuple[datetime, int]], size: int, window: timedelta
) -> Iterator[list[tuple[datetime, int]]]:
    """Runs of reads (sorted by time) where at least ``size`` fall within ``window`` of each other.

    Overlapping windows make one burst; a linear sweep with two pointers.
    """
    in_burst = [False] * len(reads)
    start, marked_until = 0, -1
    for end, (moment, _) in enumerate(reads):
        while moment - reads[start][0] > window:
            start += 1
        if end - start + 1 >= size:
            for index in range(max(start, marked_until + 1), end + 1):
                in_burst[index] = True
            marked_until = end
    current: list[tuple[datetime, int]] = []
    for read, marked in zip(reads, in_burst, strict=True):
        if current and (not marked or read[0] - current[-1][0] > window):
            yield current
            current = []
        if marked:
            current.append(read)
    if current:
        yield current


class _Overreach(_Evidence):
    """A third party's reads beyond consent in one day: the facts it had no consent for, and how many
    reads had no known consent at all."""

    __slots__ = ("facts", "unconsented")

    def __init__(self, local: datetime) -> None:
        super().__init__(local)
        self.facts: set[str] = set()
        self.unconsented = 0  # reads under an unknown consent, or under no consent at all


class BeyondConsent:
    """``audit.beyond_consent``: third parties reading outside their consents, or probing with refusals."""

    def __init__(
        self, thresholds: Thresholds, consented_facts: Callable[[str], frozenset[str] | None]
    ) -> None:
        self.thresholds = thresholds
        self.consented_facts = consented_facts
        self.consents: dict[str, frozenset[str] | None] = {}
        self.overreach: dict[tuple[str, date], _Overreach] = {}
        self.refusals: dict[tuple[str, date], _Evidence] = {}

    def observe(self, entry: LogEntry, local: datetime) -> None:
        if entry.outcome != "granted":
            self._refused(entry, local)
            return
        allowed = self.allowed(entry.basis)
        if allowed is not None and allowed.issuperset(entry.facts):
            return
        key = (entry.actor, local.date())
        day = self.overreach.get(key)
        if day is None:
            day = self.overreach[key] = _Overreach(local)
        day.add(entry.position, local)
        if allowed is None:
            day.unconsented += 1
        else:
            day.facts.update(fact for fact in entry.facts if fact not in allowed)

    def allowed(self, basis: str) -> frozenset[str] | None:
        """The facts the basis's consent covers (asked once per consent); None for no or unknown consent."""
        if not basis.startswith(CONSENT):
            return None
        consent_id = basis.removeprefix(CONSENT)
        if consent_id not in self.consents:
            self.consents[consent_id] = self.consented_facts(consent_id)
        return self.consents[consent_id]

    def _refused(self, entry: LogEntry, local: datetime) -> None:
        key = (entry.actor, local.date())
        day = self.refusals.get(key)
        if day is None:
            day = self.refusals[key] = _Evidence(local)
        day.add(entry.position, local)

    def findings(self) -> Iterator[Finding]:
        for (actor, day), reads in self.overreach.items():
            yield Finding(
                BEYOND_CONSENT,
                actor,
                tuple(reads.positions),
                f"{actor} 이(가) {day}에 시민의 동의를 벗어나 정보를 {len(reads.positions)}건 열람했습니다: "
                f"{_overreach_detail(reads)} ({reads.span()}, 한국 시간).",
            )
        for (actor, day), refused in self.refusals.items():
            if len(refused.positions) >= self.thresholds.refusals_per_day:
                yield Finding(
                    BEYOND_CONSENT,
                    actor,
                    tuple(refused.positions),
                    f"{actor} 이(가) {day} 하루에 거절된 열람 시도를 {len(refused.positions)}건 했습니다 "
                    f"({refused.span()}, 한국 시간): 동의 범위 밖의 정보를 떠보는 것일 수 있습니다.",
                )


def _overreach_detail(reads: _Overreach) -> str:
    beyond = len(reads.positions) - reads.unconsented
    parts = [f"동의하지 않은 정보({_listed(reads.facts)}) {beyond}건"] if beyond else []
    if reads.unconsented:
        parts.append(f"확인되지 않거나 없는 동의 {reads.unconsented}건")
    return ", ".join(parts)


def _listed(facts: set[str], shown: int = 3) -> str:
    names = sorted(facts)
    more = f" 외 {len(names) - shown}개" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _in_utc(moment: datetime) -> datetime:
    """Aware UTC; a naive time (SQLite hands them back so) is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _in_korea(moment: datetime) -> datetime:
    return _in_utc(moment).astimezone(KST) if moment.tzinfo is None else moment.astimezone(KST)


@lru_cache(maxsize=4096)
def _parsed_facts(text: str) -> tuple[str, ...]:
    """The record's JSON list of fact names (few distinct lists, so they are parsed once each)."""
    return tuple(json.loads(text))
