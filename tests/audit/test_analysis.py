"""Access-log analysis: each detector finds its misuse and leaves the look-alikes alone; on a generated log
with planted misuse precision and recall are high; entries load back from the database as written."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy.orm import Session

from nara import audit
from nara.audit import planted
from nara.audit.analysis import (
    BEYOND_CONSENT,
    CODES,
    KST,
    MANY_SUBJECTS,
    NO_CASE,
    OFF_HOURS_BURST,
    Finding,
    LogEntry,
    Thresholds,
    analyse,
    load_entries,
)

MONDAY = date(2026, 11, 16)
SATURDAY = MONDAY + timedelta(days=5)
HANGUL = re.compile("[가-힣]")
DEFAULTS = Thresholds()


def korean_time(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A Korean wall-clock time (minutes past 59 run on into the next hours), as the log stores it (UTC)."""
    moment = datetime.combine(day, time(hour), tzinfo=KST) + timedelta(minutes=minute, seconds=second)
    return moment.astimezone(UTC)


@dataclass
class Log:
    """Builds log entries with increasing positions; each read returns its position."""

    entries: list[LogEntry] = field(default_factory=list)

    def read(
        self,
        actor: str,
        at: datetime,
        *,
        subject: str = "SYN000001",
        case_ref: str | None = "CASE-1",
        facts: tuple[str, ...] = ("household.size",),
        basis: str = "law:basic_pension_act.art12",
        outcome: str = "granted",
    ) -> int:
        position = len(self.entries) + 1
        self.entries.append(
            LogEntry(position, at, actor, subject, facts, "자격 확인", basis, outcome, case_ref)
        )
        return position

    def ordinary_day(self, official: str, day: date, cases: int, members: int = 2) -> list[int]:
        """``cases`` households of ``members`` citizens, each under its case, from 09:00."""
        positions = []
        for case in range(cases):
            for member in range(members):
                positions.append(
                    self.read(
                        official,
                        korean_time(day, 9, case, member),
                        subject=f"SYN-{official}-{day}-{case}-{member}",
                        case_ref=f"CASE-{official}-{day}-{case}",
                    )
                )
        return positions

    def uncased(self, official: str, moments: list[datetime], outcome: str = "granted") -> list[int]:
        return [
            self.read(official, moment, subject=f"SYN-X{index}", case_ref=None, outcome=outcome)
            for index, moment in enumerate(moments)
        ]

    def findings(
        self,
        code: str,
        consented_facts: Callable[[str], frozenset[str] | None] = lambda _: None,
        thresholds: Thresholds = DEFAULTS,
    ) -> list[Finding]:
        found = analyse(self.entries, consented_facts=consented_facts, thresholds=thresholds)
        return [finding for finding in found if finding.code == code]


def peers(log: Log, agency: str, cases: int = 4, days: int = 5) -> None:
    """Ten officials of ``agency`` with ordinary days of ``cases`` households, Monday to Friday."""
    for number in range(10):
        for offset in range(days):
            log.ordinary_day(f"official:{agency}:p{number}", MONDAY + timedelta(days=offset), cases)


def actors(findings: list[Finding]) -> list[str]:
    return [finding.actor for finding in findings]


# audit.many_subjects


def test_an_official_reading_many_unrelated_citizens_is_flagged_with_the_days_reads() -> None:
    log = Log()
    peers(log, "MOHW")
    snooper = "official:MOHW:k107"
    ordinary = log.ordinary_day(snooper, MONDAY + timedelta(days=2), cases=3)
    snooped = [
        log.read(
            snooper, korean_time(MONDAY + timedelta(days=2), 14, n), subject=f"SYN{n:06d}", case_ref=None
        )
        for n in range(40)
    ]
    [finding] = log.findings(MANY_SUBJECTS)
    assert finding.actor == snooper
    assert finding.positions == tuple(ordinary + snooped)
    assert finding.message == (
        "official:MOHW:k107 이(가) 2026-11-18 하루에 서로 관련 없는 시민 43명의 정보를 열람했습니다 "
        "(같은 기관 직원의 보통 수준: 4명)."
    )


def test_made_up_cases_do_not_hide_many_unrelated_citizens() -> None:
    log = Log()
    peers(log, "MOLIT")
    for n in range(45):
        log.read("official:MOLIT:k204", korean_time(MONDAY, 10, n), subject=f"SYN{n}", case_ref=f"FAKE-{n}")
    assert actors(log.findings(MANY_SUBJECTS)) == ["official:MOLIT:k204"]


def test_a_busy_day_of_household_cases_counts_households_not_members() -> None:
    log = Log()
    peers(log, "MOHW")
    log.ordinary_day("official:MOHW:k101", MONDAY, cases=25, members=4)  # 100 citizens, 25 cases
    log.read("official:MOHW:k101", korean_time(MONDAY, 16), subject="SYN-X", case_ref=None)
    assert log.findings(MANY_SUBJECTS) == []


def test_a_citizen_read_inside_and_outside_a_case_counts_once() -> None:
    log = Log()
    peers(log, "MOHW")
    official = "official:MOHW:k102"
    for n in range(31):
        log.read(official, korean_time(MONDAY, 10, n), subject=f"SYN{n}", case_ref="CASE-BIG")
        log.read(official, korean_time(MONDAY, 11, n), subject=f"SYN{n}", case_ref=None)
    assert log.findings(MANY_SUBJECTS) == []  # one case with its 31 citizens: one unrelated "citizen"


def test_the_peer_baseline_raises_the_bar_where_everyone_reads_many() -> None:
    log = Log()
    for number in range(10):
        for offset in range(5):
            cases = 38 + (number + offset) % 7  # a call centre: 38–44 single-person cases a day
            log.ordinary_day(f"official:NTS:c{number}", MONDAY + timedelta(days=offset), cases, members=1)
    for n in range(48):
        log.read(
            "official:NTS:c0", korean_time(MONDAY + timedelta(days=7), 10, n), subject=f"S{n}", case_ref=None
        )
    for n in range(80):
        log.read(
            "official:NTS:c1", korean_time(MONDAY + timedelta(days=7), 10, n), subject=f"S{n}", case_ref=None
        )
    findings = log.findings(MANY_SUBJECTS)
    assert actors(findings) == ["official:NTS:c1"]  # 48 is over the floor of 30, not over 41 + 6 × 2
    assert "보통 수준: 41명" in findings[0].message


def test_the_floor_holds_where_everyone_reads_few() -> None:
    log = Log()
    peers(log, "MOEL", cases=2)  # median 2, MAD 0: the floor of 30 decides
    for n in range(30):
        log.read("official:MOEL:k301", korean_time(MONDAY, 10, n), subject=f"S{n}", case_ref=f"C{n}")
    assert log.findings(MANY_SUBJECTS) == []
    assert actors(log.findings(MANY_SUBJECTS, thresholds=Thresholds(many_subjects_floor=29))) == [
        "official:MOEL:k301"
    ]


# audit.no_case


def test_reads_without_a_case_make_a_finding_from_three_a_day() -> None:
    log = Log()
    log.ordinary_day("official:MOEL:k305", MONDAY, cases=3)
    moments = [korean_time(MONDAY, hour) for hour in (10, 13, 16)]
    positions = log.uncased("official:MOEL:k305", moments)
    [finding] = log.findings(NO_CASE)
    assert (finding.actor, finding.positions) == ("official:MOEL:k305", tuple(positions))
    assert finding.message == (
        "official:MOEL:k305 이(가) 2026-11-16에 사건(신청) 번호 없이 시민 정보를 3건 열람했습니다 "
        "(10:00–16:00, 한국 시간)."
    )


def test_one_or_two_slips_refusals_and_other_actors_are_not_reads_without_a_case() -> None:
    log = Log()
    log.uncased("official:MOLIT:k202", [korean_time(MONDAY, 10)])
    log.uncased("official:MOEL:k303", [korean_time(MONDAY, 10), korean_time(MONDAY, 15)])
    log.uncased("official:MOEL:k303", [korean_time(MONDAY + timedelta(days=1), 10)] * 2)  # two on each day
    log.uncased("official:NTS:k401", [korean_time(MONDAY, hour) for hour in (10, 11, 12)], outcome="refused")
    for hour in (10, 11, 12):
        log.read("agency:NTS", korean_time(MONDAY, hour), case_ref=None)
        log.read("nara:proactive", korean_time(MONDAY, hour), case_ref=None)
    assert log.findings(NO_CASE) == []


def test_days_are_korean_days() -> None:
    log = Log()
    monday_night = [korean_time(MONDAY, 23, 0), korean_time(MONDAY, 23, 50)]
    tuesday_morning = [korean_time(MONDAY + timedelta(days=1), 0, 10)]
    assert len({moment.date() for moment in monday_night + tuesday_morning}) == 1  # one UTC day
    log.uncased("official:MOHW:k103", monday_night + tuesday_morning)
    assert log.findings(NO_CASE) == []
    log.uncased("official:MOHW:k103", [korean_time(MONDAY, 22, 30)])
    [finding] = log.findings(NO_CASE)
    assert len(finding.positions) == 3
    assert "2026-11-16" in finding.message


# audit.off_hours_burst


def night_reads(log: Log, actor: str, start: datetime, count: int, every: timedelta) -> list[int]:
    return [log.read(actor, start + every * n, subject=f"SYN{n}", case_ref=f"C{n}") for n in range(count)]


def test_a_night_burst_is_one_finding_with_its_reads() -> None:
    log = Log()
    burst = night_reads(log, "official:NTS:k409", korean_time(MONDAY, 23, 20), 26, timedelta(minutes=2))
    [finding] = log.findings(OFF_HOURS_BURST)
    assert (finding.actor, finding.positions) == ("official:NTS:k409", tuple(burst))
    assert finding.message == (
        "official:NTS:k409 이(가) 업무시간 밖인 2026-11-16(월) 23:20부터 2026-11-17 00:10까지 "
        "시민 정보를 26건 몰아서 열람했습니다 (한국 시간)."
    )


def test_weekend_bursts_of_agency_systems_are_flagged_and_separate_bursts_stay_separate() -> None:
    log = Log()
    first = night_reads(log, "agency:MOLIT", korean_time(SATURDAY, 14), 20, timedelta(minutes=3))
    second = night_reads(log, "agency:MOLIT", korean_time(SATURDAY, 18), 20, timedelta(minutes=3))
    night_reads(log, "agency:MOLIT", korean_time(MONDAY, 14), 300, timedelta(seconds=1))  # office hours
    assert [finding.positions for finding in log.findings(OFF_HOURS_BURST)] == [tuple(first), tuple(second)]


def test_working_late_slow_nights_and_nara_runs_are_not_bursts() -> None:
    log = Log()
    night_reads(log, "official:MOHW:k103", korean_time(MONDAY, 22, 5), 19, timedelta(minutes=2))
    night_reads(log, "official:MOHW:k104", korean_time(MONDAY, 22), 40, timedelta(minutes=4))  # 16 an hour
    night_reads(log, "agency:MOLIT", korean_time(MONDAY, 23, 10), 15, timedelta(seconds=40))
    night_reads(log, "nara:proactive", korean_time(MONDAY, 2), 500, timedelta(seconds=3))
    night_reads(log, "third_party:app-1", korean_time(MONDAY, 23), 30, timedelta(seconds=30))
    night_reads(log, "official:MOHW:k105", korean_time(MONDAY, 17, 50), 30, timedelta(seconds=30))
    assert log.findings(OFF_HOURS_BURST) == []


def test_twenty_reads_within_an_hour_is_the_default_burst() -> None:
    log = Log()
    night_reads(log, "official:MOHW:k106", korean_time(MONDAY, 1), 20, timedelta(minutes=3))  # 57 minutes
    assert len(log.findings(OFF_HOURS_BURST)) == 1
    assert log.findings(OFF_HOURS_BURST, thresholds=Thresholds(burst_reads=21)) == []


# audit.beyond_consent

CONSENTS = {"C-1": frozenset({"member.birth_date", "household.region"})}


def app_read(
    log: Log,
    app: str,
    minute: int,
    facts: tuple[str, ...],
    basis: str = "consent:C-1",
    outcome: str = "granted",
) -> int:
    moment = korean_time(MONDAY, 13, minute)
    return log.read(app, moment, facts=facts, case_ref=None, basis=basis, outcome=outcome)


def test_a_third_party_reading_beyond_consent_is_flagged_naming_the_facts() -> None:
    log = Log()
    app_read(log, "third_party:app-1", 0, ("household.region", "member.birth_date"))
    beyond = app_read(log, "third_party:app-3", 1, ("household.assets", "member.birth_date"))
    unknown = app_read(log, "third_party:app-3", 2, ("household.region",), basis="consent:C-404")
    [finding] = log.findings(BEYOND_CONSENT, consented_facts=CONSENTS.get)
    assert (finding.actor, finding.positions) == ("third_party:app-3", (beyond, unknown))
    assert finding.message == (
        "third_party:app-3 이(가) 2026-11-16에 시민의 동의를 벗어나 정보를 2건 열람했습니다: "
        "동의하지 않은 정보(household.assets) 1건, 확인되지 않거나 없는 동의 1건 (13:01–13:02, 한국 시간)."
    )


def test_without_a_consent_register_every_consent_is_unknown() -> None:
    log = Log()
    app_read(log, "third_party:app-1", 0, ("household.region",))
    assert actors(log.findings(BEYOND_CONSENT)) == ["third_party:app-1"]


def test_probing_with_refused_reads_is_flagged_from_five_a_day() -> None:
    log = Log()
    probes = [
        app_read(log, "third_party:app-5", n, ("household.assets",), outcome="refused") for n in range(5)
    ]
    for n in range(4):
        app_read(log, "third_party:app-2", n, ("household.assets",), outcome="refused")
    [finding] = log.findings(BEYOND_CONSENT, consented_facts=CONSENTS.get)
    assert (finding.actor, finding.positions) == ("third_party:app-5", tuple(probes))
    assert "거절된 열람 시도를 5건" in finding.message


def test_the_consent_register_is_asked_once_per_consent() -> None:
    log = Log()
    for n in range(10):
        app_read(log, "third_party:app-1", n, ("household.region",))
    asked: list[str] = []

    def consented_facts(consent_id: str) -> frozenset[str] | None:
        asked.append(consent_id)
        return CONSENTS.get(consent_id)

    assert analyse(log.entries, consented_facts=consented_facts) == []
    assert asked == ["C-1"]


# the generated log with planted misuse


@pytest.fixture(scope="module")
def planted_log() -> planted.PlantedLog:
    return planted.generate(70_000, seed=11)


@pytest.fixture(scope="module")
def planted_findings(planted_log: planted.PlantedLog) -> list[Finding]:
    return analyse(planted_log.entries(), consented_facts=planted_log.consented_facts)


def test_planted_misuse_is_found_with_high_precision_and_recall(
    planted_log: planted.PlantedLog, planted_findings: list[Finding]
) -> None:
    scores = planted.score(planted_findings, planted_log)
    assert set(scores) == {*CODES, "overall"}
    for code, (precision, recall) in scores.items():
        assert precision >= 0.9, (code, precision)
        assert recall >= 0.9, (code, recall)


def test_every_planted_scenario_is_reported_and_no_look_alike_is(
    planted_log: planted.PlantedLog, planted_findings: list[Finding]
) -> None:
    reported = {(finding.code, finding.actor) for finding in planted_findings}
    for scenario, expected in planted_log.misuse.items():
        assert expected <= reported, scenario
    flagged = {finding.actor for finding in planted_findings}
    for scenario, actor in planted_log.benign.items():
        assert actor not in flagged, scenario
    assert len(planted_log.misuse) >= 5
    assert len(planted_log.benign) >= 5


def test_the_generated_log_is_deterministic_and_ordinary_work_looks_ordinary(
    planted_log: planted.PlantedLog,
) -> None:
    again = planted.generate(70_000, seed=11)
    assert again.events[:1000] == planted_log.events[:1000]
    assert len(again.events) == len(planted_log.events)
    moments = [moment for moment, _ in planted_log.events]
    assert moments == sorted(moments)
    assert all(moment.tzinfo is not None for moment in moments)
    official_reads = [event for _, event in planted_log.events if event.actor.startswith("official:")]
    with_case = sum(event.case_ref is not None for event in official_reads) / len(official_reads)
    assert 0.95 < with_case < 1
    assert {event.actor.partition(":")[0] for _, event in planted_log.events} == {
        "official", "agency", "third_party", "nara", "citizen",
    }  # fmt: skip


def test_findings_speak_korean_and_name_the_actor(planted_findings: list[Finding]) -> None:
    assert planted_findings
    for finding in planted_findings:
        assert HANGUL.search(finding.message), finding.message
        assert finding.message.startswith(f"{finding.actor} 이(가) ")
        assert finding.positions == tuple(sorted(set(finding.positions)))


def test_score_compares_code_and_actor_pairs(planted_log: planted.PlantedLog) -> None:
    [(code, actor), *_] = sorted(planted_log.expected)
    right = Finding(code, actor, (1,), "…")
    wrong = Finding(code, "official:XX:nobody", (2,), "…")
    scores = planted.score([right, wrong], planted_log)
    expected_for_code = sum(1 for pair in planted_log.expected if pair[0] == code)
    assert scores[code] == (0.5, 1 / expected_for_code)
    assert scores["overall"] == (0.5, 1 / len(planted_log.expected))


# loading from the database


def test_load_entries_reads_back_what_record_accesses_wrote(session: Session) -> None:
    monday, tuesday = korean_time(MONDAY, 10), korean_time(MONDAY + timedelta(days=1), 10)
    first = audit.record_accesses(
        session,
        [
            audit.AccessEvent(
                "official:MOHW:k101", "SYN000001", ("member.birth_date", "household.assets"),
                "기초연금 자격 확인", "law:basic_pension_act.art12", case_ref="MOHW-2026-0000001",
            ),
            audit.AccessEvent(
                "third_party:app-1", "SYN000002", ("household.size",), "맞춤 안내", "consent:C-1",
                outcome="refused",
            ),
        ],
        at=monday,
    )  # fmt: skip
    second = audit.record_accesses(
        session,
        [audit.AccessEvent("nara:proactive", "SYN000003", ("household.size",), "판정", "law:x")],
        at=tuesday,
    )
    entries = [entry for entry in load_entries(session) if entry.position in {*first, *second}]
    assert entries == [
        LogEntry(
            first[0], monday, "official:MOHW:k101", "SYN000001", ("household.assets", "member.birth_date"),
            "기초연금 자격 확인", "law:basic_pension_act.art12", "granted", "MOHW-2026-0000001",
        ),
        LogEntry(
            first[1], monday, "third_party:app-1", "SYN000002", ("household.size",), "맞춤 안내", "consent:C-1",
            "refused", None,
        ),
        LogEntry(
            second[0], tuesday, "nara:proactive", "SYN000003", ("household.size",), "판정", "law:x", "granted",
            None,
        ),
    ]  # fmt: skip
    assert all(entry.recorded_at.utcoffset() == timedelta(0) for entry in entries)
    since_tuesday = [entry.position for entry in load_entries(session, since=tuesday.astimezone(KST))]
    assert second[0] in since_tuesday
    assert not {*first} & {*since_tuesday}
