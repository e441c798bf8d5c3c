"""`do_run` against a real database and the test registries: members only, every read logged first, one
notice per newly eligible service — never twice, not even after a crash."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy.orm import Session

from nara import audit, consent, notices, proactive, registry
from nara.kernel.clock import utcnow
from nara.population import generate
from nara.rules import median_income_table
from nara.rules.parameters import parameters

BASIC_PENSION = "SSE000000170"
ON = date(2025, 1, 1)


def run(session: Session, source: proactive.Source, on: date, state: Path) -> proactive.Run:
    done, _ = proactive.do_run(session, source, on=on, engine="duckdb", state_dir=state)
    return done


def pension_notices(session: Session, person: str) -> list[notices.Notice]:
    return notices.notices_with_key(session, person, f"proactive:{BASIC_PENSION}:")


def turning_65(store: registry.RegistryStore, folder: Path) -> tuple[str, date]:
    """A head of household in the test registries who turns 65 on a date D for which 기초연금's
    parameters are published, whose household's 소득인정액 is under the threshold on D."""
    people = folder / "all.parquet"
    store.extract(people, None)
    frame = pl.read_parquet(people)
    couples = set(frame.filter(pl.col("relation") == "spouse")["household_id"])
    threshold = parameters()["basic_pension.selection_threshold_single"]
    couple_threshold = parameters()["basic_pension.selection_threshold_couple"]
    for head in frame.filter(pl.col("relation") == "self").sort("person_id").iter_rows(named=True):
        born: date = head["birth_date"]
        if (born.month, born.day) == (2, 29):
            continue
        birthday = born.replace(year=born.year + 65)
        if not date(2024, 1, 2) <= birthday <= date(2026, 12, 31):
            continue
        limit = (couple_threshold if head["household_id"] in couples else threshold).at(birthday)
        if limit is not None and head["income_recognised_monthly"] <= limit:
            return head["person_id"], birthday
    raise AssertionError("no head in the test registries turns 65 in 2024–2026 under the 기초연금 threshold")


def only_new_members(session: Session) -> None:
    """Members other tests of this run left in the database leave first (inside this test's transaction),
    so the counts below are this test's own whatever ran before it on the same worker."""
    for member in consent.members(session, utcnow()):
        consent.leave_membership(session, member)


def test_a_citizen_who_just_turned_65_is_told_of_basic_pension_exactly_once(
    session: Session, registries: registry.RegistryStore, tmp_path: Path
) -> None:
    person, birthday = turning_65(registries, tmp_path)
    only_new_members(session)
    joined = consent.join_membership(session, person, registry.catalogue().facts)
    source = proactive.RegistrySource(registries)
    day_before = run(session, source, birthday - timedelta(days=1), tmp_path / "state")
    assert day_before.status == "finished"
    assert day_before.members == 1
    assert pension_notices(session, person) == []
    on_the_day = run(session, source, birthday, tmp_path / "state")
    assert on_the_day.previous_run_id == day_before.id
    told = pension_notices(session, person)
    assert [(n.title, n.link, n.kind) for n in told] == [
        ("새로 받을 수 있는 혜택: 기초연금", f"/services/{BASIC_PENSION}", "proactive")
    ]
    assert f"{birthday.year}년 {birthday.month}월 {birthday.day}일 기준" in told[0].body
    assert "매달" in told[0].body
    again = run(session, source, birthday, tmp_path / "state")
    assert (again.newly_eligible, again.notices) == (0, 0)
    assert len(pension_notices(session, person)) == 1
    reads = [entry for entry in audit.history(session, person) if entry.actor == consent.MEMBERSHIP_RECIPIENT]
    assert len(reads) == 3  # one per run, before the registries were read
    assert {(r.basis, r.purpose, r.outcome) for r in reads} == {
        (f"consent:{joined.id}", consent.MEMBERSHIP_PURPOSE, "granted")
    }
    assert "household.income_recognised_monthly" in reads[0].facts
    assert {r.case_ref for r in reads} == {f"proactive-run:{n.id}" for n in (day_before, on_the_day, again)}


def test_household_members_reads_are_logged_and_non_members_are_never_told(
    session: Session, registries: registry.RegistryStore, tmp_path: Path
) -> None:
    people = tmp_path / "all.parquet"
    registries.extract(people, None)
    frame = pl.read_parquet(people)
    couple = frame.filter(pl.col("relation") == "spouse").sort("person_id")["household_id"][0]
    household = frame.filter(pl.col("household_id") == couple)["person_id"].to_list()
    head = frame.filter((pl.col("household_id") == couple) & (pl.col("relation") == "self"))["person_id"][0]
    only_new_members(session)
    joined = consent.join_membership(session, head, registry.catalogue().facts)
    left = consent.join_membership(session, "SYN0", registry.catalogue().facts)
    consent.leave_membership(session, "SYN0")
    done = run(session, proactive.RegistrySource(registries), ON, tmp_path / "state")
    assert (done.members, done.persons) == (1, len(household))
    for person in frame["person_id"]:
        if person != head:
            assert notices.notices_with_key(session, person, "proactive:") == [], person
    assert notices.notices_with_key(
        session, head, "proactive:"
    )  # the head of a real household gets something
    for person in household:
        entry = next(e for e in audit.history(session, person) if e.case_ref == f"proactive-run:{done.id}")
        assert entry.basis == f"consent:{joined.id}"
    assert not [e for e in audit.history(session, "SYN0") if e.basis == f"consent:{left.id}"]


@pytest.fixture(scope="module")
def small_population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("proactive-runs") / "people.parquet"
    generate(300, 9, path, on=ON, median_income=median_income_table(ON))
    return path


def test_a_crash_after_the_notices_then_a_rerun_writes_no_notice_twice(
    session: Session, small_population: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, state = proactive.FileSource(small_population), tmp_path / "state"
    first = run(session, source, ON, state)
    assert first.notices == first.newly_eligible > 0
    import nara.proactive.services as services

    def crash(*args: object) -> None:
        raise RuntimeError("전원이 나갔습니다")

    monkeypatch.setattr(services, "_finish", crash)
    later = date(2026, 1, 1)
    with pytest.raises(RuntimeError):
        run(session, source, later, state)
    crashed = proactive.runs(session)[0]
    assert (crashed.status, crashed.error) == ("failed", "전원이 나갔습니다")
    assert proactive.last_finished(session) == first
    everyone = pl.read_parquet(small_population, columns=["person_id"])["person_id"].to_list()
    written_before_crash = sum(notices.count(session, person) for person in everyone)
    monkeypatch.undo()
    rerun = run(session, source, later, state)
    assert rerun.previous_run_id == first.id
    assert rerun.newly_eligible > 0
    assert rerun.notices == 0  # every one of them was written before the crash
    assert sum(notices.count(session, person) for person in everyone) == written_before_crash
    nothing_new = run(session, source, later, state)
    assert (nothing_new.newly_eligible, nothing_new.notices) == (0, 0)
    assert [r.status for r in proactive.runs(session)[:4]] == ["finished", "finished", "failed", "finished"]


def test_an_unknown_engine_or_a_lost_snapshot_is_a_clear_refusal(
    session: Session, small_population: Path, tmp_path: Path
) -> None:
    source = proactive.FileSource(small_population)
    with pytest.raises(proactive.ProactiveInvalid):
        proactive.do_run(session, source, on=ON, engine="hadoop", state_dir=tmp_path)
    bad = tmp_path / "bad.parquet"
    pl.DataFrame({"person_id": ["SYN1"]}).write_parquet(bad)
    with pytest.raises(proactive.ProactiveInvalid) as no_columns:
        proactive.do_run(session, proactive.FileSource(bad), on=ON, engine="duckdb", state_dir=tmp_path)
    assert "household_id" in no_columns.value.detail
    done = run(session, source, ON, tmp_path)
    assert done.snapshot is not None
    Path(done.snapshot).unlink()
    with pytest.raises(proactive.SnapshotMissing) as missing:
        run(session, source, ON, tmp_path)
    assert f"{done.id}번 실행" in missing.value.detail
