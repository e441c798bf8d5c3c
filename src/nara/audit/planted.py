"""A synthetic access log with planted misuse, to measure the analysis's precision and recall.

The log is deterministic for a seed and looks like a few weeks of ordinary work:

- 40 officials in 4 agencies (``official:<agency>:k<n>``) each read 5–25 citizens on a working day, in
  office hours, household by household under a case reference (almost always: one read in a thousand
  slips through without one);
- each agency's system (``agency:<agency>``) reads in batches at 10:00 and 15:00 on working days; the batch
  size is what brings the log to about the number of records asked for;
- 5 third-party apps (``third_party:app-<n>``) read, any day and until late, within the consent each citizen
  gave them (a rare refusal when a consent was withdrawn);
- ``nara:proactive`` runs its determination every night at 02:00; citizens read their own data.

Planted on top (``PlantedLog.misuse``: scenario → the (code, actor) pairs an analysis should report):
officials snooping on unrelated citizens with no case or under made-up cases, officials reading without a
case, an official's night burst across midnight into Sunday, a third party reading facts beyond consent,
and one probing with refused reads. Look-alikes that must *not* be reported (``PlantedLog.benign``): a busy
day of real household cases, a single and a double slip without a case, an official working late, an
agency system's night retry, the nightly proactive run, and an app with a few refusals.

Findings are compared with the plants at (code, actor) level by :func:`score`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from nara.audit.analysis import (
    BEYOND_CONSENT,
    CODES,
    KST,
    MANY_SUBJECTS,
    NO_CASE,
    OFF_HOURS_BURST,
    Finding,
    LogEntry,
)
from nara.audit.services import AccessEvent

START = date(2026, 11, 2)  # a Monday
MINIMUM_DAYS = 14  # the plants fall in the first two weeks
POPULATION = 500_000  # synthetic citizens SYN000001 …


@dataclass(frozen=True)
class Agency:
    code: str
    purpose: str
    basis: str
    facts: tuple[str, ...]


AGENCIES = (
    Agency("MOHW", "기초연금 자격 확인", "law:basic_pension_act.art12",
           ("household.income_recognised_monthly", "household.assets", "member.birth_date")),
    Agency("MOLIT", "주거급여 자격 확인", "law:housing_benefit_act.art7",
           ("household.rent_monthly", "household.rent_deposit", "household.region")),
    Agency("MOEL", "국민취업지원제도 자격 확인", "law:employment_support_act.art6",
           ("household.income_annual", "member.age")),
    Agency("NTS", "근로장려금 자격 확인", "law:restriction_of_special_taxation_act.art100_3",
           ("household.income_annual", "household.assets", "household.size")),
)  # fmt: skip
OFFICIALS_PER_AGENCY = 10
APP_SCOPES = {
    "app-1": frozenset({"household.size", "household.region"}),
    "app-2": frozenset({"household.income_recognised_monthly", "household.size"}),
    "app-3": frozenset({"member.birth_date", "household.region"}),
    "app-4": frozenset({"household.rent_monthly", "household.rent_deposit"}),
    "app-5": frozenset({"household.size", "member.age"}),
}
APP_READS_PER_DAY = 60
APP_REFUSAL_RATE = 0.005
SLIP_RATE = 0.001
PROACTIVE_READS_PER_NIGHT = 400
CITIZEN_READS_PER_DAY = 50
BATCHES = (time(10), time(15))


@dataclass(frozen=True)
class PlantedLog:
    """Generated events in time order (UTC), the planted misuse, the look-alikes, and the consents."""

    events: list[tuple[datetime, AccessEvent]]
    misuse: dict[str, frozenset[tuple[str, str]]]  # scenario → (code, actor) an analysis should report
    benign: dict[str, str]  # look-alike scenario → the actor that should not be reported
    consents: dict[str, frozenset[str]] = field(default_factory=dict)  # consent id → facts it covers

    @property
    def expected(self) -> frozenset[tuple[str, str]]:
        """Every (code, actor) pair planted."""
        return frozenset().union(*self.misuse.values())

    def consented_facts(self, consent_id: str) -> frozenset[str] | None:
        return self.consents.get(consent_id)

    def entries(self) -> Iterator[LogEntry]:
        """The events as log entries, positions 1, 2, … in time order (as if written to the log)."""
        for position, (moment, event) in enumerate(self.events, start=1):
            yield LogEntry(
                position=position,
                recorded_at=moment,
                actor=event.actor,
                subject=event.subject,
                facts=tuple(sorted(set(event.facts))),
                purpose=event.purpose,
                basis=event.basis,
                outcome=event.outcome,
                case_ref=event.case_ref,
            )


def generate(records: int = 200_000, *, seed: int = 20261102, start: date = START) -> PlantedLog:
    """About ``records`` events (never fewer than two weeks' worth, some 70,000) from ``start``, a Monday."""
    if start.weekday() != 0:
        raise ValueError(f"the log starts on a Monday (the plants fall on given weekdays): {start}")
    days = max(MINIMUM_DAYS, round(records / 5_000))
    log = _Log(random.Random(seed), start)
    misuse, benign = _plant(log)
    for offset in range(days):
        day = start + timedelta(days=offset)
        log.apps_day(day)
        log.proactive_night(day)
        log.citizens_day(day)
        if day.weekday() < 5:
            for agency in AGENCIES:
                for number in range(1, OFFICIALS_PER_AGENCY + 1):
                    official = _official(agency, number)
                    if (official, day) not in log.replaced:
                        log.official_day(official, agency, day, log.rng.randint(5, 25))
    working_days = sum((start + timedelta(days=offset)).weekday() < 5 for offset in range(days))
    batch = max(10, (records - len(log.events)) // (working_days * len(AGENCIES) * len(BATCHES)))
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day.weekday() < 5:
            for agency in AGENCIES:
                log.agency_batches(agency, day, batch)
    log.events.sort(key=lambda pair: pair[0])
    return PlantedLog(log.events, misuse, benign, log.consents)


def _official(agency: Agency, number: int) -> str:
    return f"official:{agency.code}:k{AGENCIES.index(agency) + 1}{number:02d}"


def _korean_time(day: date, hour: int, minute: int = 0, second: float = 0.0) -> datetime:
    moment = datetime.combine(day, time(hour, minute), tzinfo=KST) + timedelta(seconds=second)
    return moment.astimezone(UTC)


class _Log:
    """The events being written, and the helpers that write a kind of day."""

    def __init__(self, rng: random.Random, start: date) -> None:
        self.rng = rng
        self.start = start
        self.events: list[tuple[datetime, AccessEvent]] = []
        self.consents: dict[str, frozenset[str]] = {}
        self.cases = 0
        self.replaced: set[tuple[str, date]] = set()  # an official's day a plant writes instead
        self.counted: set[tuple[str, date]] = set()  # an actor's day whose slips or refusals a plant counts

    def citizen(self) -> str:
        return f"SYN{self.rng.randrange(1, POPULATION):06d}"

    def household(self) -> list[str]:
        return [self.citizen() for _ in range(self.rng.choice((1, 1, 2, 2, 3, 4)))]

    def new_case(self, agency: Agency) -> str:
        self.cases += 1
        return f"{agency.code}-2026-{self.cases:07d}"

    def read(self, moment: datetime, event: AccessEvent) -> None:
        self.events.append((moment, event))

    def official_read(
        self, moment: datetime, official: str, agency: Agency, subject: str, case_ref: str | None
    ) -> None:
        facts = tuple(self.rng.sample(agency.facts, self.rng.randint(1, len(agency.facts))))
        self.read(
            moment, AccessEvent(official, subject, facts, agency.purpose, agency.basis, case_ref=case_ref)
        )

    def office_moment(self, day: date) -> datetime:
        return _korean_time(day, 9, 0, self.rng.uniform(0, 8.8 * 3600))

    def read_case(
        self, moment: datetime, official: str, agency: Agency, case_ref: str, members: list[str]
    ) -> int:
        counted = (official, moment.astimezone(KST).date()) in self.counted
        for member in members:
            moment += timedelta(seconds=self.rng.randint(5, 90))
            slipped = not counted and self.rng.random() < SLIP_RATE
            self.official_read(moment, official, agency, member, None if slipped else case_ref)
        return len(members)

    def official_day(self, official: str, agency: Agency, day: date, citizens: int) -> None:
        """Households under cases, in office hours, until about ``citizens`` citizens are read."""
        read = 0
        while read < citizens:
            read += self.read_case(
                self.office_moment(day), official, agency, self.new_case(agency), self.household()
            )

    def agency_batches(self, agency: Agency, day: date, size: int) -> None:
        for at in BATCHES:
            begin = _korean_time(day, at.hour, self.rng.randint(0, 20))
            for index in range(size):
                moment = begin + timedelta(seconds=index * 0.8)
                self.read(moment, AccessEvent(
                    f"agency:{agency.code}", self.citizen(), agency.facts, agency.purpose, agency.basis,
                    case_ref=f"BATCH-{agency.code}-{day:%Y%m%d}-{at:%H}",
                ))  # fmt: skip

    def consent(self, app: str, subject: str) -> str:
        consent_id = f"C-{app}-{subject}"
        self.consents[consent_id] = APP_SCOPES[app]
        return consent_id

    def app_read(self, moment: datetime, app: str, facts: Iterable[str], *, outcome: str = "granted",
                 consent_id: str | None = None) -> None:  # fmt: skip
        subject = self.citizen()
        consent_id = consent_id or self.consent(app, subject)
        self.read(moment, AccessEvent(
            f"third_party:{app}", subject, tuple(facts), "이용자가 요청한 맞춤 안내", f"consent:{consent_id}",
            outcome=outcome,
        ))  # fmt: skip

    def apps_day(self, day: date) -> None:
        for app, scope in APP_SCOPES.items():
            counted = (f"third_party:{app}", day) in self.counted
            for _ in range(APP_READS_PER_DAY):
                moment = _korean_time(day, 7, 0, self.rng.uniform(0, 17 * 3600 - 1))
                facts = self.rng.sample(sorted(scope), self.rng.randint(1, len(scope)))
                refused = not counted and self.rng.random() < APP_REFUSAL_RATE
                self.app_read(moment, app, facts, outcome="refused" if refused else "granted")

    def proactive_night(self, day: date) -> None:
        """Nara's own scheduled determination: hundreds of reads at 02:00, every night, by law."""
        for index in range(PROACTIVE_READS_PER_NIGHT):
            self.read(_korean_time(day, 2, 0, index * 3.0), AccessEvent(
                "nara:proactive", self.citizen(), ("household.income_recognised_monthly", "household.size"),
                "선제적 수급 자격 판정", "law:social_security_benefits_act.art5",
            ))  # fmt: skip

    def citizens_day(self, day: date) -> None:
        for _ in range(CITIZEN_READS_PER_DAY):
            person = self.citizen()
            self.read(_korean_time(day, 0, 0, self.rng.uniform(0, 86_399)), AccessEvent(
                f"citizen:{person}", person, ("household.size",), "본인 정보 열람", "self",
            ))  # fmt: skip

    def day(self, offset: int) -> date:
        return self.start + timedelta(days=offset)


def _plant(log: _Log) -> tuple[dict[str, frozenset[tuple[str, str]]], dict[str, str]]:
    """Write the misuse and the look-alikes; what each scenario should (not) make the analysis report.

    Planted first, so the ordinary days know which official's day a plant replaces and which day's slips or
    refusals a plant counts exactly (no random slip then tips a look-alike over a threshold).
    """
    mohw, molit, moel, nts = AGENCIES
    misuse = {
        "snooping without cases": _snooping(log, mohw, 7, log.day(3), citizens=70, made_up_cases=False),
        "snooping under made-up cases": _snooping(log, molit, 4, log.day(8), citizens=55, made_up_cases=True),
        "reading without a case": _without_case(log, moel, 5, log.day(2), reads=5),
        "reading without a case, at the threshold": _without_case(log, nts, 2, log.day(9), reads=3),
        "night burst across midnight": _night_burst(log, nts, 9, log.day(5)),
        "third party beyond consent": _beyond_consent(log, "app-3", log.day(4)),
        "third party probing": _probing(log, "app-5", log.day(10), refusals=8),
    }
    benign = {
        "busy day of household cases": _busy_day(log, mohw, 1, log.day(7)),
        "one read without a case": _without_case_benign(log, molit, 2, log.day(1), reads=1),
        "two reads without a case": _without_case_benign(log, moel, 3, log.day(11), reads=2),
        "official working late": _working_late(log, mohw, 3, log.day(1)),
        "agency system's night retry": _night_retry(log, molit, log.day(2)),
        "nightly proactive run": "nara:proactive",
        "app with a few refusals": _refusals_benign(log, "app-2", log.day(3), refusals=4),
    }
    return misuse, benign


def _snooping(
    log: _Log, agency: Agency, number: int, day: date, *, citizens: int, made_up_cases: bool
) -> frozenset[tuple[str, str]]:
    official = _official(agency, number)
    for _ in range(citizens):
        case_ref = log.new_case(agency) if made_up_cases else None
        log.official_read(log.office_moment(day), official, agency, log.citizen(), case_ref)
    if made_up_cases:
        return frozenset({(MANY_SUBJECTS, official)})
    return frozenset({(MANY_SUBJECTS, official), (NO_CASE, official)})


def _without_case(
    log: _Log, agency: Agency, number: int, day: date, *, reads: int
) -> frozenset[tuple[str, str]]:
    official = _without_case_benign(log, agency, number, day, reads=reads)
    return frozenset({(NO_CASE, official)})


def _without_case_benign(log: _Log, agency: Agency, number: int, day: date, *, reads: int) -> str:
    official = _official(agency, number)
    log.counted.add((official, day))
    for _ in range(reads):
        log.official_read(log.office_moment(day), official, agency, log.citizen(), None)
    return official


def _night_burst(log: _Log, agency: Agency, number: int, saturday: date) -> frozenset[tuple[str, str]]:
    """26 reads under cases from Saturday 23:35 to Sunday 00:20: never 30 a day, but 20 within an hour."""
    official = _official(agency, number)
    for index in range(26):
        moment = _korean_time(saturday, 23, 35, index * 105.0)
        log.official_read(moment, official, agency, log.citizen(), log.new_case(agency))
    return frozenset({(OFF_HOURS_BURST, official)})


def _beyond_consent(log: _Log, app: str, day: date) -> frozenset[tuple[str, str]]:
    """Six reads adding ``household.assets`` to what the citizens consented to, one under a made-up consent."""
    for index in range(6):
        facts = (*sorted(APP_SCOPES[app])[:1], "household.assets")
        log.app_read(_korean_time(day, 13, 10 * index), app, facts)
    log.app_read(_korean_time(day, 14, 30), app, sorted(APP_SCOPES[app]), consent_id=f"C-{app}-unknown")
    return frozenset({(BEYOND_CONSENT, f"third_party:{app}")})


def _probing(log: _Log, app: str, day: date, *, refusals: int) -> frozenset[tuple[str, str]]:
    _refusals_benign(log, app, day, refusals=refusals)
    return frozenset({(BEYOND_CONSENT, f"third_party:{app}")})


def _refusals_benign(log: _Log, app: str, day: date, *, refusals: int) -> str:
    log.counted.add((f"third_party:{app}", day))
    for index in range(refusals):
        log.app_read(_korean_time(day, 16, 5 * index), app, ("household.assets",), outcome="refused")
    return f"third_party:{app}"


def _busy_day(log: _Log, agency: Agency, number: int, day: date) -> str:
    """24 households of 3–4 under their cases: many citizens (over 80) but only 24 unrelated ones."""
    official = _official(agency, number)
    log.replaced.add((official, day))
    for _ in range(24):
        members = [log.citizen() for _ in range(log.rng.choice((3, 4)))]
        log.read_case(log.office_moment(day), official, agency, log.new_case(agency), members)
    return official


def _working_late(log: _Log, agency: Agency, number: int, day: date) -> str:
    """12 reads of 4 households' cases between 22:05 and 22:55: off hours, but no burst."""
    official = _official(agency, number)
    for household in range(4):
        case_ref = log.new_case(agency)
        for member in range(3):
            moment = _korean_time(day, 22, 5 + household * 13 + member * 3)
            log.official_read(moment, official, agency, log.citizen(), case_ref)
    return official


def _night_retry(log: _Log, agency: Agency, day: date) -> str:
    """15 reads the system retried at 23:10 after a failed batch: fewer than a burst."""
    actor = f"agency:{agency.code}"
    for index in range(15):
        log.read(_korean_time(day, 23, 10, index * 40.0), AccessEvent(
            actor, log.citizen(), agency.facts, agency.purpose, agency.basis, case_ref=f"RETRY-{day:%Y%m%d}",
        ))  # fmt: skip
    return actor


def score(findings: Iterable[Finding], planted: PlantedLog) -> dict[str, tuple[float, float]]:
    """Precision and recall per code, and ``overall``, comparing (code, actor) pairs with the plants.

    With nothing reported the precision is 1.0; with nothing planted the recall is 1.0.
    """
    reported = {(finding.code, finding.actor) for finding in findings}
    expected = planted.expected
    scores = {
        code: _precision_recall({p for p in reported if p[0] == code}, {p for p in expected if p[0] == code})
        for code in CODES
    }
    scores["overall"] = _precision_recall(reported, set(expected))
    return scores


def _precision_recall(reported: set[tuple[str, str]], expected: set[tuple[str, str]]) -> tuple[float, float]:
    hits = len(reported & expected)
    precision = hits / len(reported) if reported else 1.0
    recall = hits / len(expected) if expected else 1.0
    return precision, recall
