"""The `nara` command, run as a person would (against a throw-away SQLite database)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nara.cli import app
from nara.settings import get_settings
from tests.factories import make_gov24_row

runner = CliRunner()


@pytest.fixture
def fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("NARA_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("NARA_ENV", "development")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_upgrade_seed_and_import_report_what_happened(fresh_database: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    seeded = runner.invoke(app, ["catalog", "seed"])
    assert seeded.exit_code == 0
    assert "새로" in seeded.output
    dump = tmp_path / "rows.json"
    dump.write_text(
        json.dumps([make_gov24_row(), make_gov24_row(id="X2", serviceField="우주")], ensure_ascii=False)
    )
    imported = runner.invoke(
        app, ["catalog", "import-gov24", str(dump), "--report-file", str(tmp_path / "r.json")]
    )
    assert imported.exit_code == 0, imported.output
    assert "새로 1" in imported.output
    assert "거부: 2번째 행 (서비스ID X2): 알 수 없는 서비스분야" in imported.output
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["rejected"][0]["service_id"] == "X2"


def test_unreadable_file_exits_1_with_a_korean_message(fresh_database: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    broken = tmp_path / "broken.json"
    broken.write_text("not json")
    result = runner.invoke(app, ["catalog", "import-gov24", str(broken)])
    assert result.exit_code == 1
    assert "가져오지 못했습니다" in result.output


def test_rules_test_passes_and_says_how_many(fresh_database: Path) -> None:
    result = runner.invoke(app, ["rules", "test"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 failed")


def test_eligibility_evaluate_text_and_bad_situation(tmp_path: Path) -> None:
    situation = tmp_path / "family.yaml"
    situation.write_text(
        "on: 2025-03-15\nsubject: me\nhousehold: {income_recognised_monthly: 500000}\n"
        "members:\n  - {id: me, relation: self, birth_date: 1955-01-01}\n",
        "utf-8",
    )
    result = runner.invoke(
        app, ["eligibility", "evaluate", "--situation", str(situation), "--format", "text"]
    )
    assert result.exit_code == 0, result.output
    assert "기초연금: 받을 수 있어요 (매달 34만 2,510원)" in result.output
    assert "생계급여: 받을 수 있어요 (매달 26만 5,444원)" in result.output
    situation.write_text("subject: nobody\nmembers: [{id: me}]\n", "utf-8")
    refused = runner.invoke(app, ["eligibility", "evaluate", "--situation", str(situation)])
    assert refused.exit_code == 1
    assert "subject" in refused.output


def test_population_generate_check_and_batch(tmp_path: Path) -> None:
    people = tmp_path / "people.parquet"
    made = runner.invoke(
        app, ["population", "generate", "--households", "30000", "--seed", "3", "--out", str(people)]
    )
    assert made.exit_code == 0, made.output
    assert "가구 30,000개" in made.output
    checked = runner.invoke(app, ["population", "check", str(people)])
    assert checked.exit_code == 0, checked.output
    assert checked.output.strip().endswith("0 failed")
    pairs = tmp_path / "pairs.parquet"
    batch = runner.invoke(app, ["eligibility", "batch", "--population", str(people), "--out", str(pairs)])
    assert batch.exit_code == 0, batch.output
    assert pairs.exists()
    assert "2/3" in batch.output
    assert "3/3" in batch.output
    refused = runner.invoke(
        app, ["eligibility", "batch", "--population", str(people), "--out", str(pairs), "--engine", "hadoop"]
    )
    assert refused.exit_code == 2


def test_evaluate_with_screening_adds_the_catalogs_possible_services(
    fresh_database: Path, tmp_path: Path
) -> None:
    runner.invoke(app, ["db", "upgrade"])
    dump = tmp_path / "rows.json"
    adults = {"JA0110": 20, "JA0111": 99}
    dump.write_text(json.dumps([make_gov24_row(id="S-ADULT", condition=adults)], ensure_ascii=False))
    assert runner.invoke(app, ["catalog", "import-gov24", str(dump)]).exit_code == 0
    situation = tmp_path / "me.yaml"
    situation.write_text(
        "on: 2025-06-01\nsubject: me\nmembers: [{id: me, relation: self, birth_date: 1980-01-01}]\n"
    )
    shown = runner.invoke(app, ["eligibility", "evaluate", "--situation", str(situation), "--screening"])
    assert shown.exit_code == 0, shown.output
    results = json.loads(shown.output)["results"]
    screened = [r for r in results if r["rule_kind"] == "screening"]
    assert [(r["service_id"], r["status"]) for r in screened] == [("S-ADULT", "eligible")]
    assert {r["rule_kind"] for r in results} == {"full", "screening"}
    text = runner.invoke(
        app, ["eligibility", "evaluate", "--situation", str(situation), "--screening", "--format", "text"]
    )
    assert "받을 가능성이 있어요" in text.output


def test_audit_verify_names_a_tampered_record(
    fresh_database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from nara import audit
    from nara.kernel.db import make_engine, session_factory, transaction

    monkeypatch.setenv("NARA_AUDIT_KEY_PATH", str(tmp_path / "audit.pem"))
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["audit", "checkpoint"]).output.startswith("접속기록이 비어")
    sessions = session_factory(make_engine(get_settings().database_url))
    with transaction(sessions) as session:
        for n in range(3):
            audit.record_access(
                session,
                audit.AccessEvent(
                    "국세청", f"SYN{n}", ("household.assets",), "근로장려금 심사", "조세특례제한법 제100조의6"
                ),
            )
    assert "3번 기록까지 서명했습니다" in runner.invoke(app, ["audit", "checkpoint"]).output
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    with transaction(sessions) as session:
        session.execute(text("UPDATE audit_access_log SET subject = 'SYN9' WHERE position = 2"))
    checked = runner.invoke(app, ["audit", "verify"])
    assert checked.exit_code == 1
    assert "2번 기록의 내용이 기록된 뒤에 바뀌었습니다." in checked.output


def test_every_command_declares_who_may_run_it() -> None:
    import typer

    from nara.cli import COMMAND_ACCESS, app

    def leaves(command: Any, prefix: str = "") -> list[str]:
        if hasattr(command, "commands"):
            return [
                name for sub, child in command.commands.items() for name in leaves(child, f"{prefix}{sub} ")
            ]
        return [prefix.strip()]

    commands = leaves(typer.main.get_command(app))
    assert sorted(commands) == sorted(COMMAND_ACCESS), set(commands) ^ set(COMMAND_ACCESS)


def test_clients_are_registered_listed_narrowed_and_revoked_from_the_command_line(
    fresh_database: Path,
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    added = runner.invoke(
        app,
        ["identity", "clients", "add", "--client-id", "cli-app", "--name", "시험 앱", "--redirect-uri",
         "https://app.example/cb", "--scope", "openid", "--scope", "eligibility"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "client_secret" in added.output
    assert "cli-app" in runner.invoke(app, ["identity", "clients", "list"]).output
    bad = runner.invoke(
        app, ["identity", "clients", "set-redirects", "cli-app", "--redirect-uri", "http://a.example/cb"]
    )
    assert bad.exit_code != 0
    official = runner.invoke(
        app,
        ["identity", "officials", "add", "--name", "김담당", "--phone", "01012345678", "--agency", "income"],
    )
    assert official.exit_code == 0, official.output
    revoked = runner.invoke(app, ["identity", "clients", "revoke", "cli-app"])
    assert "차단했습니다" in revoked.output


def test_proactive_run_tells_each_new_pair_once_and_lists_its_runs(
    fresh_database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.factories import make_population

    monkeypatch.setenv("NARA_PROACTIVE_DIR", str(tmp_path / "proactive"))
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    people = make_population(tmp_path / "people.parquet", households=60)
    command = ["proactive", "run", "--on", "2025-03-01", "--engine", "polars", "--population", str(people)]
    first = runner.invoke(app, [*command, "--members", "all"])
    assert first.exit_code == 0, first.output
    assert "처음 확인" in first.output
    assert "명/초" in first.output
    assert "최대 메모리" in first.output
    again = runner.invoke(app, [*command, "--members", "all"])
    assert again.exit_code == 0, again.output
    assert "1번 실행(2025-03-01)과 비교합니다" in again.output
    assert "새로 받을 수 있게 된 0건 · 새 알림 0건" in again.output
    listed = runner.invoke(app, ["proactive", "runs"])
    assert listed.output.splitlines()[0].startswith("2번\t2025-03-01\tpolars\t끝남\t1번과 비교")
    alone = runner.invoke(app, ["proactive", "run", "--members", "all"])
    assert alone.exit_code == 2
    unknown = runner.invoke(app, [*command, "--members", "all", "--engine", "hadoop"])
    assert unknown.exit_code == 1
    assert "엔진은 쓸 수 없습니다" in unknown.output
