"""The `nara` command: every operation a person runs by hand."""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer
from sqlalchemy.orm import Session, sessionmaker

from nara.cli_wallet import wallet_app
from nara.kernel.db import make_engine, session_factory
from nara.rules import Situation
from nara.settings import get_settings

app = typer.Typer(
    help="나라(Nara) 관리 명령",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="데이터베이스", no_args_is_help=True)
catalog_app = typer.Typer(help="공공서비스 카탈로그", no_args_is_help=True)
eligibility_app = typer.Typer(help="자격 판정", no_args_is_help=True)
rules_app = typer.Typer(help="자격 규칙", no_args_is_help=True)
population_app = typer.Typer(help="합성 인구", no_args_is_help=True)
audit_app = typer.Typer(help="개인정보 접속기록", no_args_is_help=True)
registry_app = typer.Typer(help="기관 정보 보유처(레지스트리)와 정보 공동이용", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(catalog_app, name="catalog")
app.add_typer(eligibility_app, name="eligibility")
app.add_typer(rules_app, name="rules")
app.add_typer(population_app, name="population")
app.add_typer(audit_app, name="audit")
app.add_typer(registry_app, name="registry")


# A worker builds the catalogue's search index as it starts (seconds of CPU); on a busy machine its
# answer to the supervisor's health check can wait behind that, and the 5 s default had workers killed
# and restarted for ever.
WORKER_HEALTHCHECK_SECONDS = 120


@app.command()
def serve(
    host: str = typer.Option(None, help="주소 (기본: NARA_HOST, 127.0.0.1)"),
    port: int = typer.Option(None, help="포트 (기본: NARA_PORT, 8000)"),
    workers: int = typer.Option(1, min=1, help="작업 프로세스 수"),
) -> None:
    """Serve the portal and the API until Ctrl-C."""
    import uvicorn

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    typer.echo(
        f"나라 포털: http://{host}:{port}  (API 문서: http://{host}:{port}/api/v1/docs) — 끝내려면 Ctrl-C"
    )
    uvicorn.run(
        "nara.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="warning",
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )  # fmt: skip


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply database migrations."""
    from nara.schema import upgrade

    upgrade(get_settings().database_url, revision)
    typer.echo("데이터베이스를 최신 구조로 맞췄습니다.")


def _sessions() -> sessionmaker[Session]:
    return session_factory(make_engine(get_settings().database_url))


@catalog_app.command("seed")
def catalog_seed() -> None:
    """Load the curated catalog that ships with Nara (safe to run again)."""
    from nara.catalog import do_seed_catalog
    from nara.kernel.db import transaction

    typer.echo("나라가 정리한 서비스 목록을 불러오는 중…")
    with transaction(_sessions()) as session:
        report = do_seed_catalog(session)
    typer.echo(
        f"새로 {report.created}개, 바뀐 {report.updated}개, 그대로 {report.unchanged}개 ({report.seconds}초)"
    )


@catalog_app.command("import-gov24")
def catalog_import_gov24(
    files: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False, help="JSON 파일 (.json 또는 .json.gz)"
    ),
    show_rejected: int = typer.Option(20, help="거부된 행을 몇 개까지 보여 줄지 (전부: -1)"),
    report_file: Path | None = typer.Option(None, help="전체 결과를 JSON으로 저장할 파일"),
) -> None:
    """Import the national catalog (gov24 v3 open API: merged rows or endpoint pages)."""
    from nara.catalog import do_import_gov24
    from nara.kernel.db import transaction
    from nara.kernel.errors import NaraError

    typer.echo(
        f"파일 {len(files)}개를 읽는 중입니다. 바뀐 서비스만 검색 색인을 새로 만듭니다(1만 건에 30~45초)."
    )

    def show(done: int, total: int) -> None:
        typer.echo(f"  색인 {done:,}/{total:,} ({done * 100 // max(total, 1)}%)")

    try:
        with transaction(_sessions()) as session:
            report = do_import_gov24(session, files, progress=show)
    except NaraError as error:
        typer.echo(f"가져오지 못했습니다: {error.detail}", err=True)
        raise typer.Exit(1) from error
    typer.echo(
        f"받은 행 {report.received:,} · 새로 {report.created:,} · 바뀜 {report.updated:,} · 그대로 {report.unchanged:,}"
        f" · 나라 정리본에 연결 {report.linked_to_curated:,} · 거부 {len(report.rejected):,} ({report.seconds}초)"
    )
    shown = report.rejected if show_rejected < 0 else report.rejected[:show_rejected]
    for row in shown:
        typer.echo(f"  거부: {row.position}번째 행 (서비스ID {row.service_id or '없음'}): {row.reason}")
    if len(shown) < len(report.rejected):
        typer.echo(f"  …그 밖에 {len(report.rejected) - len(shown)}개 (--show-rejected -1 로 모두 보기)")
    if report_file:
        report_file.write_text(
            json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2), "utf-8"
        )


@catalog_app.command("evaluate-search")
def catalog_evaluate_search(
    show_misses: bool = typer.Option(False, help="top 5에 못 든 질문도 보여 주기"),
) -> None:
    """Report search quality (top-1, top-5, MRR) for lexical, dense and hybrid retrieval."""
    from nara.catalog import build_search_index
    from nara.catalog.search.evaluation import EVALUATION_SETS, evaluate_all, load_queries, national_only

    with _sessions()() as session:
        index = build_search_index(session)
    typer.echo(f"검색 대상 서비스 {index.size:,}개")
    for name in EVALUATION_SETS:
        queries = national_only(index, load_queries(name))
        typer.echo(f"[{name}] 평가 질문 {len(queries)}개")
        for result in evaluate_all(index, queries):
            typer.echo("  " + result.line())
            if show_misses and result.misses:
                typer.echo("    놓친 질문: " + " / ".join(result.misses))


def _read_situation(path: Path, on: str | None) -> Situation:
    import yaml

    from nara.kernel.clock import today
    from nara.rules import SituationInvalid, parse_situation

    try:
        document = yaml.safe_load(path.read_text("utf-8"))
        if on and isinstance(document, dict):
            document = {**{k: v for k, v in document.items() if k not in ("on", True)}, "on": on}
        return parse_situation(document, today=today())
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        typer.echo(f"상황 파일을 읽을 수 없습니다: {error}", err=True)
        raise typer.Exit(1) from error
    except SituationInvalid as error:
        typer.echo(f"상황 정보가 올바르지 않습니다 — {error.detail}", err=True)
        raise typer.Exit(1) from error


@eligibility_app.command("evaluate")
def eligibility_evaluate(
    situation: Path = typer.Option(..., exists=True, dir_okay=False, help="상황 파일 (YAML 또는 JSON)"),
    on: str | None = typer.Option(None, help="평가일 YYYY-MM-DD (기본: 파일의 on, 없으면 오늘)"),
    output: str = typer.Option("json", "--format", help="json 또는 text"),
    screening: bool = typer.Option(
        False,
        "--screening",
        help="전국 공공서비스 지원조건(가능성)도 함께 평가 — 정부24 목록을 가져온 데이터베이스 필요",
    ),
) -> None:
    """Evaluate every rule for a situation (full rules; with --screening also the catalog's screening rules)."""
    from nara.rules import Status, evaluate, evaluation_json, evaluation_text

    parsed = _read_situation(situation, on)
    results = evaluate(parsed)
    if screening:
        from nara.web.state import screening_book

        with _sessions()() as session:
            book = screening_book(session)
        if book.size == 0:
            typer.echo(
                "데이터베이스에 지원조건이 있는 서비스가 없습니다: 먼저 nara catalog import-gov24를 실행하세요.",
                err=True,
            )
        screened = book.screen(parsed)
        results += screened.results([Status.ELIGIBLE]) + screened.results([Status.UNDETERMINED])
    if output == "text":
        typer.echo(evaluation_text(parsed, results))
    else:
        typer.echo(json.dumps(evaluation_json(parsed, results), ensure_ascii=False, indent=2))


@eligibility_app.command("next-question")
def eligibility_next_question(
    situation: Path = typer.Option(..., exists=True, dir_okay=False, help="상황 파일 (YAML 또는 JSON)"),
) -> None:
    """The one fact to ask next to settle the most undetermined services."""
    from nara.rules import evaluate, next_question

    found = next_question(evaluate(_read_situation(situation, None)))
    document = (
        None if found is None else {"fact": found.fact, "question": found.question, "settles": found.settles}
    )
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


@eligibility_app.command("batch")
def eligibility_batch(
    population: Path = typer.Option(..., exists=True, dir_okay=False, help="합성 인구 Parquet 파일"),
    out: Path = typer.Option(..., dir_okay=False, help="받을 수 있는 (사람, 서비스) 쌍을 쓸 Parquet 파일"),
    on: str = typer.Option("2025-01-01", help="평가일 YYYY-MM-DD"),
    engine: str = typer.Option("polars", help="polars, duckdb 또는 spark (spark는 Java와 pyspark 필요)"),
) -> None:
    """Evaluate the full rules over a whole population file."""
    from datetime import date

    from nara.rules.batch import ENGINES, evaluate_population

    if engine not in ENGINES:
        typer.echo(f"'{engine}' 엔진은 아직 지원하지 않습니다. {' 또는 '.join(ENGINES)}를 쓰세요.", err=True)
        raise typer.Exit(2)
    typer.echo(f"인구 파일 전체를 {engine}로 평가합니다.")
    report = evaluate_population(
        population, out, date.fromisoformat(on), engine, progress=lambda step: typer.echo(f"  {step}…")
    )
    typer.echo(f"사람 {report.persons:,}명, 받을 수 있는 쌍 {report.pairs:,}개 ({report.seconds}초): {out}")


@rules_app.command("test")
def rules_test() -> None:
    """Run every YAML scenario and report failures by service."""
    from nara.rules import run_scenarios

    total, failures = run_scenarios()
    for failure in failures:
        typer.echo(f"실패 {failure.scenario.service_id} · {failure.scenario.file} · {failure.scenario.name}")
        for problem in failure.problems:
            typer.echo(f"    {problem}")
    typer.echo(f"{total - len(failures)} passed, {len(failures)} failed")
    if failures:
        raise typer.Exit(1)


@population_app.command("generate")
def population_generate(
    households: int = typer.Option(..., min=1, max=20_000_000, help="가구 수"),
    seed: int = typer.Option(1, help="난수 씨앗 (같은 값이면 같은 인구)"),
    out: Path = typer.Option(..., dir_okay=False, help="만들 Parquet 파일"),
    on: str = typer.Option("2025-01-01", help="나이와 소득 기준일 YYYY-MM-DD"),
) -> None:
    """Generate a synthetic population that matches published marginals (one Parquet row per person)."""
    from datetime import date

    from nara.population import generate
    from nara.rules import median_income_table

    when = date.fromisoformat(on)
    started = time.perf_counter()

    def show(done: int, total: int) -> None:
        typer.echo(
            f"  가구 {done:,}/{total:,} ({done * 100 // total}%) · {time.perf_counter() - started:.0f}초"
        )

    report = generate(households, seed, out, on=when, median_income=median_income_table(when), progress=show)
    typer.echo(
        f"가구 {report.households:,}개, 사람 {report.persons:,}명을 {report.seconds}초에 만들었습니다: {out}"
    )


@population_app.command("check")
def population_check(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="합성 인구 Parquet 파일"),
    on: str = typer.Option("2025-01-01", help="만들 때 쓴 기준일"),
) -> None:
    """Compare a generated population's marginals with the published statistics."""
    from datetime import date

    from nara.population import check_marginals
    from nara.rules import median_income_table

    when = date.fromisoformat(on)
    checks = check_marginals(path, when, median_income_table(when))
    for check in checks:
        typer.echo(check.line())
    far = [c for c in checks if not c.ok]
    typer.echo(f"{len(checks) - len(far)} passed, {len(far)} failed")
    if far:
        raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the access log's current head (a checkpoint), so that a cut-off tail is noticed."""
    from nara import audit
    from nara.kernel.db import transaction

    key = audit.load_or_create_key(get_settings().audit_key_path)
    with transaction(_sessions()) as session:
        checkpoint = audit.write_checkpoint(session, key)
    if checkpoint is None:
        typer.echo("접속기록이 비어 있어 서명할 것이 없습니다.")
    else:
        typer.echo(f"{checkpoint.position}번 기록까지 서명했습니다 (키 {checkpoint.key_id}).")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the whole access log: any altered, deleted or reordered record is named; exit 1 if any."""
    from nara import audit

    key = audit.load_or_create_key(get_settings().audit_key_path)
    with _sessions()() as session:
        report = audit.verify_log(session, key)
    for problem in report.problems:
        typer.echo(f"  문제: {problem}", err=True)
    if not report.ok:
        typer.echo(f"접속기록 {report.records:,}건 중 문제가 {len(report.problems)}개 있습니다.", err=True)
        raise typer.Exit(1)
    typer.echo(f"접속기록 {report.records:,}건과 확인점 {report.checkpoints}개가 모두 온전합니다.")


@audit_app.command("analyse")
def audit_analyse(
    days: int = typer.Option(30, min=1, max=3650, help="최근 며칠의 기록을 볼지"),
    as_json: bool = typer.Option(False, "--json", help="JSON으로 출력"),
) -> None:
    """Flag unusual access: many unrelated citizens, reads without a case, off-hours bursts, beyond consent."""
    from datetime import timedelta

    from nara import consent
    from nara.audit.analysis import analyse, load_entries
    from nara.kernel.clock import utcnow

    sessions = _sessions()
    with sessions() as session:

        def consented_facts(consent_id: str) -> frozenset[str] | None:
            given = consent.find(session, consent_id)
            return frozenset(given.facts) if given else None

        findings = analyse(
            load_entries(session, since=utcnow() - timedelta(days=days)), consented_facts=consented_facts
        )
    if as_json:
        typer.echo(json.dumps([finding.__dict__ for finding in findings], ensure_ascii=False, indent=2))
        return
    for finding in findings:
        typer.echo(f"[{finding.code}] {finding.message} (기록 {len(finding.positions)}건)")
    typer.echo(f"최근 {days}일 접속기록에서 살펴볼 일 {len(findings)}건을 찾았습니다.")


@registry_app.command("load")
def registry_load(
    households: int = typer.Option(1000, min=1, max=2_000_000, help="만들 가구 수 (--population이 없을 때)"),
    seed: int = typer.Option(1, help="난수 씨앗"),
    population: Path = typer.Option(None, exists=True, dir_okay=False, help="불러올 합성 인구 Parquet 파일"),
    if_empty: bool = typer.Option(False, "--if-empty", help="이미 불러왔으면 건너뜁니다 (make run)"),
) -> None:
    """Load every agency registry from a synthetic population (generated here unless --population)."""
    import tempfile
    from datetime import date

    from nara.population import generate
    from nara.registry import RegistryStore
    from nara.rules import median_income_table

    store = RegistryStore(get_settings().registry_url)
    store.create()
    if if_empty and store.counts()["resident"] > 0:
        typer.echo(f"기관 레지스트리에 이미 주민 {store.counts()['resident']:,}명이 있어 그대로 둡니다.")
        return
    with tempfile.TemporaryDirectory() as folder:
        if population is None:
            on = date(2025, 1, 1)
            population = Path(folder) / "population.parquet"
            typer.echo(f"합성 인구 {households:,}가구를 만드는 중…")
            generate(households, seed, population, on=on, median_income=median_income_table(on))
        loaded = store.load(population, progress=lambda agency, rows: typer.echo(f"  {agency}: {rows:,}건…"))
    for agency, rows in loaded.items():
        typer.echo(f"  {store.catalogue.agencies[agency].display}: {rows:,}건")
    typer.echo("기관 레지스트리를 모두 불러왔습니다 (합성 자료이며 실제 사람이 아닙니다).")


@registry_app.command("request")
def registry_request(
    caller: str = typer.Option(..., "--as", help="요청하는 쪽 (예: official:mohw:k0001, agency:mohw)"),
    subject: str = typer.Option(..., help="정보주체 (예: SYN0)"),
    facts: str = typer.Option(..., help="쉼표로 나눈 정보 이름 (예: member.birth_date,household.size)"),
    purpose: str = typer.Option(..., help="목적 (예: benefit_determination)"),
    basis: str = typer.Option(..., help="근거: law:<법령 id> 또는 consent:<동의 id>"),
    case_ref: str = typer.Option(None, help="이 조회가 속한 신청·사건 번호"),
) -> None:
    """Ask the registries for facts, as an agency would; prints the verified facts and signed responses."""
    from nara.kernel.errors import NaraError
    from nara.kernel.signing import load_or_create_key
    from nara.registry import ExchangeRequest, open_exchange, verify_responses

    settings = get_settings()
    audit_key = load_or_create_key(settings.audit_key_path)
    exchange = open_exchange(_sessions(), settings.registry_url, settings.registry_keys_dir, audit_key)
    request = ExchangeRequest(
        caller,
        subject,
        tuple(f.strip() for f in facts.split(",") if f.strip()),
        purpose,
        basis,
        case_ref=case_ref,
    )
    try:
        result = exchange.request(request)
    except NaraError as error:
        typer.echo(
            f"거절되었습니다 ({error.code}): {error.detail} — 이 요청도 접속기록에 남았습니다.", err=True
        )
        raise typer.Exit(1) from error
    values = verify_responses(result, exchange.keys.jwks())
    document = {
        "access_log_position": result.access_position,
        "facts": {name: {"value": fact.value, "agency": fact.agency} for name, fact in values.items()},
        "responses": [{"agency": r.agency, "jws": r.token} for r in result.responses],
    }
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


@registry_app.command("keys")
def registry_keys() -> None:
    """Print every agency's public key (JWKS), to check registry responses with."""
    from nara.registry import AgencyKeys, catalogue

    settings = get_settings()
    keys = AgencyKeys(settings.registry_keys_dir, list(catalogue().agencies))
    typer.echo(json.dumps(keys.jwks(), indent=2))


@app.command("verify-download")
def verify_download(
    archive: Path = typer.Argument(..., help="내려받은 zip 파일"),
    public_key: Path = typer.Option(
        None, exists=True, dir_okay=False, help="발급 공개키 JWK 파일 (기본: 이 서버의 키)"
    ),
) -> None:
    """Check a 'download my data' archive: the manifest's signature and every file's hash; exit 1 if any fails."""
    from nara import registry
    from nara.kernel.signing import load_or_create_key

    if public_key is not None:
        jwk = json.loads(public_key.read_text())
    else:
        jwk = load_or_create_key(get_settings().download_key_path).public_jwk()
    report = registry.verify_download(archive, jwk)
    for problem in report.problems:
        typer.echo(f"  문제: {problem}", err=True)
    if not report.ok:
        typer.echo("이 파일은 나라에서 발급한 그대로가 아닙니다.", err=True)
        raise typer.Exit(1)
    typer.echo(f"온전합니다: {report.subject}님의 정보 파일 {report.files}개, 발급 {report.issued_at}.")


def main() -> None:
    """Entry point: database problems become one plain sentence, not a stack trace."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from nara.kernel.errors import NaraError
    from nara.rules import RuleFileInvalid

    try:
        app()
    except RuleFileInvalid as error:
        typer.echo(f"자격 규칙 파일 오류: {error.detail}", err=True)
        raise SystemExit(1) from None
    except NaraError as error:
        typer.echo(f"{error.title} {error.detail} ({error.code})", err=True)
        raise SystemExit(1) from None
    except (OperationalError, ProgrammingError) as error:
        typer.echo(
            "데이터베이스를 쓸 수 없습니다. 먼저 `nara db upgrade`를 실행했는지, NARA_DATABASE_URL이 맞는지 확인해 주세요."
            f"\n(자세한 내용: {str(error.orig).splitlines()[0]})",
            err=True,
        )
        raise SystemExit(1) from None


identity_app = typer.Typer(help="통합로그인: 앱(클라이언트) 등록과 공무원 계정·역할", no_args_is_help=True)
clients_app = typer.Typer(help="로그인·API를 쓰는 누리집과 앱", no_args_is_help=True)
officials_app = typer.Typer(help="공무원 계정과 기관별 역할", no_args_is_help=True)
app.add_typer(identity_app, name="identity")
app.add_typer(wallet_app, name="wallet")
identity_app.add_typer(clients_app, name="clients")
identity_app.add_typer(officials_app, name="officials")


def _operator_event(event: str, target: str) -> None:
    from nara import audit

    audit.record_security_event(_sessions(), event, outcome="allowed", actor="operator:cli", target=target)


@clients_app.command("add")
def clients_add(
    client_id: str = typer.Option(..., help="영문·숫자·-·_ (예: example-agency)"),
    name: str = typer.Option(..., help="사람에게 보이는 이름"),
    kind: str = typer.Option("third_party", help="government(동의 화면 없음) 또는 third_party"),
    redirect_uri: list[str] = typer.Option([], help="로그인 뒤 돌아갈 주소 (정확히 일치, 여러 번 가능)"),
    post_logout_redirect_uri: list[str] = typer.Option([], help="로그아웃 뒤 돌아갈 주소"),
    scope: list[str] = typer.Option(["openid", "profile"], help="받을 수 있는 scope"),
    grant_type: list[str] = typer.Option(["authorization_code", "refresh_token"], help="grant type"),
    owner: str = typer.Option("", help="운영 기관·회사"),
    requests_per_minute: int = typer.Option(600, help="분당 요청 한도"),
) -> None:
    """앱을 등록하고 client secret을 한 번만 보여 줍니다 (저장되지 않음)."""
    from nara import identity
    from nara.kernel.db import transaction

    with transaction(_sessions()) as session:
        client, secret = identity.register_client(
            session, client_id=client_id, name=name, kind=kind, redirect_uris=redirect_uri,
            post_logout_redirect_uris=post_logout_redirect_uri, scopes=scope, grant_types=grant_type,
            owner=owner or name, requests_per_minute=requests_per_minute,
        )  # fmt: skip
    _operator_event("identity.client_registered", f"client:{client_id}")
    typer.echo(json.dumps({"client_id": client.client_id, "client_secret": secret}, ensure_ascii=False))
    typer.echo("client_secret은 다시 볼 수 없습니다. 지금 안전한 곳에 보관하세요.", err=True)


@clients_app.command("revoke")
def clients_revoke(client_id: str) -> None:
    """앱을 즉시 차단합니다: 새 토큰을 받을 수 없고, 가진 토큰도 바로 거절됩니다."""
    from nara import identity
    from nara.kernel.db import transaction

    with transaction(_sessions()) as session:
        identity.revoke_client(session, client_id)
    _operator_event("identity.client_revoked", f"client:{client_id}")
    typer.echo(f"{client_id}: 차단했습니다.")


@clients_app.command("set-redirects")
def clients_set_redirects(
    client_id: str, redirect_uri: list[str] = typer.Option(..., help="남길 redirect URI (여러 번 가능)")
) -> None:
    """앱의 redirect URI 목록을 바꿉니다 (더 쓰지 않는 주소를 빼는 데 씁니다)."""
    from nara import identity
    from nara.kernel.db import transaction

    with transaction(_sessions()) as session:
        identity.set_redirect_uris(session, client_id, redirect_uri)
    _operator_event("identity.client_redirects_set", f"client:{client_id}")
    typer.echo(f"{client_id}: {' '.join(redirect_uri)}")


@clients_app.command("list")
def clients_list() -> None:
    """등록된 앱 목록."""
    from nara import identity

    with _sessions()() as session:
        for client in identity.all_clients(session):
            state = "차단됨" if client.revoked_at else "사용 중"
            typer.echo(
                f"{client.client_id}\t{client.kind}\t{state}\t{client.name}\t{' '.join(client.scopes)}"
            )


@officials_app.command("add")
def officials_add(
    name: str = typer.Option(..., help="이름"),
    phone: str = typer.Option(..., help="인증번호를 받을 업무용 휴대폰"),
    agency: str = typer.Option(..., help="기관 코드 (예: income)"),
    role: str = typer.Option("checker", help="checker | decider | supervisor | auditor"),
) -> None:
    """공무원 계정을 만들고 첫 역할을 줍니다 (운영자; 첫 관리자를 세울 때 씁니다)."""
    from nara import identity
    from nara.kernel.db import transaction

    with transaction(_sessions()) as session:
        account = identity.create_official_account(
            session, display_name=name, phone=identity.normalise_phone(phone)
        )
        identity.grant_role(session, account_id=account.id, agency=agency, role=role, granted_by="operator")
    _operator_event("identity.role_granted", f"account:{account.id} {agency}:{role}")
    typer.echo(account.id)


@officials_app.command("grant")
def officials_grant(
    account_id: str,
    agency: str = typer.Option(..., help="기관 코드"),
    role: str = typer.Option(..., help="checker | decider | supervisor | auditor"),
) -> None:
    """공무원에게 역할을 줍니다 (운영자). 관리자는 업무시스템에서 같은 일을 합니다."""
    from nara import identity
    from nara.kernel.db import transaction

    with transaction(_sessions()) as session:
        identity.grant_role(session, account_id=account_id, agency=agency, role=role, granted_by="operator")
    _operator_event("identity.role_granted", f"account:{account_id} {agency}:{role}")
    typer.echo(f"{account_id}: {agency} {role}")


@identity_app.command("sample-residents")
def sample_residents(limit: int = typer.Option(5, min=1, max=50)) -> None:
    """개발용: 가입해 볼 수 있는 합성 주민의 이름·생년월일·(가상) 휴대폰 번호. 실제 사람이 아닙니다."""
    from nara import registry

    if get_settings().env != "development":
        typer.echo("개발 환경(NARA_ENV=development)에서만 쓸 수 있습니다.", err=True)
        raise typer.Exit(1)
    store = registry.RegistryStore(get_settings().registry_url)
    for person in store.residents(limit):
        phone = registry.mobile_phone(person["person_id"])
        typer.echo(f"{person['name']}\t{person['birth_date']}\t{phone}\t({person['person_id']})")
    store.dispose()


assistant_app = typer.Typer(help="지능형 국민비서", no_args_is_help=True)
app.add_typer(assistant_app, name="assistant")


@assistant_app.command("evaluate")
def assistant_evaluate(
    holdout: bool = typer.Option(False, help="튜닝에 쓰지 않은 대화(holdout.yaml)로 평가"),
    show_misses: bool = typer.Option(False, help="틀린 대화를 한 줄씩 보이기"),
) -> None:
    """써 둔 대화로 의도 정확도, 상위 3개 서비스 적중률, 지어낸 답의 수를 잽니다 (카탈로그: 현재 DB)."""
    from nara import assistant, catalog
    from nara.kernel.clock import today

    with _sessions()() as session:
        index = catalog.build_search_index(session)
        dialogues = assistant.load_dialogues("holdout.yaml") if holdout else None
        report = assistant.evaluate_dialogues(assistant.catalog_search(index, session), today(), dialogues)
    typer.echo(report.summary())
    for miss in report.misses if show_misses else []:
        typer.echo(f"  {miss}")


proactive_app = typer.Typer(help="복지멤버십: 새로 받을 수 있게 된 혜택을 찾아 알리기", no_args_is_help=True)
app.add_typer(proactive_app, name="proactive")


@proactive_app.command("run")
def proactive_run(
    on: str = typer.Option(None, help="평가일 YYYY-MM-DD (기본: 오늘)"),
    engine: str = typer.Option("duckdb", help="duckdb, spark(Java와 pyspark 필요) 또는 polars"),
    population: Path = typer.Option(
        None,
        exists=True,
        dir_okay=False,
        help="합성 인구 Parquet (기본: 기관 레지스트리에서 회원 가구만 읽음)",
    ),
    members: str = typer.Option(None, help="--population과 함께: all 또는 회원 person_id가 든 Parquet 파일"),
) -> None:
    """복지멤버십 회원 모두에게 모든 서비스를 평가하고, 지난 확인 뒤 새로 받을 수 있게 된 것마다 알림을 한 번 보냅니다."""
    import resource
    from datetime import date

    from nara import proactive, registry
    from nara.kernel.clock import today
    from nara.kernel.errors import NaraError

    if (population is None) != (members is None):
        typer.echo(
            "--population과 --members는 함께 쓰세요 (예: --population people.parquet --members all).",
            err=True,
        )
        raise typer.Exit(2)
    settings = get_settings()
    when = date.fromisoformat(on) if on else today()
    source: proactive.Source
    if population is not None:
        source = proactive.FileSource(population, None if members == "all" else Path(members))
    else:
        source = proactive.RegistrySource(registry.RegistryStore(settings.registry_url))
    started = time.perf_counter()
    with _sessions()() as session:
        last = proactive.last_finished(session)
        since = (
            f"{last.id}번 실행({last.on_date})과 비교합니다"
            if last
            else "처음 확인이라 모두 새로 받을 수 있는 것으로 봅니다"
        )
        typer.echo(f"복지멤버십 확인: {when}, {engine} — {since}.")
        try:
            run, report = proactive.do_run(
                session, source, on=when, engine=engine, state_dir=settings.proactive_dir,
                progress=lambda step: typer.echo(f"  {step}…"),
            )  # fmt: skip
        except NaraError as error:
            typer.echo(f"확인하지 못했습니다: {error.detail}", err=True)
            raise typer.Exit(1) from error
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    typer.echo(
        f"사람 {run.persons:,}명 · 회원 {run.members:,}명 · 받을 수 있는 항목 {run.eligible:,}개 · "
        f"새로 받을 수 있게 된 {run.newly_eligible:,}건 · 새 알림 {run.notices:,}건"
    )
    typer.echo(
        f"{seconds:.1f}초 (평가 {report.seconds}초, {run.persons / max(seconds, 1e-9):,.0f}명/초) · "
        f"최대 메모리 {peak:,.0f} MB{' (Spark JVM 제외)' if engine == 'spark' else ''} · {run.id}번 실행으로 기록했습니다."
    )


@proactive_app.command("runs")
def proactive_runs(limit: int = typer.Option(20, min=1, max=1000, help="몇 개까지 보일지")) -> None:
    """최근 복지멤버십 확인 실행 목록 (끝나지 못한 실행도 보입니다)."""
    from nara import proactive

    with _sessions()() as session:
        found = proactive.runs(session, limit)
    if not found:
        typer.echo("아직 실행한 적이 없습니다: nara proactive run")
    states = {"finished": "끝남", "running": "진행 중 또는 중단됨", "failed": "실패"}
    for run in found:
        compared = f"{run.previous_run_id}번과 비교" if run.previous_run_id else "처음"
        typer.echo(
            f"{run.id}번\t{run.on_date}\t{run.engine}\t{states.get(run.status, run.status)}\t{compared}\t"
            f"사람 {run.persons:,} · 회원 {run.members:,} · 항목 {run.eligible:,} · 새로 {run.newly_eligible:,} · "
            f"알림 {run.notices:,}\t{run.started_at:%Y-%m-%d %H:%M}" + (f"\t{run.error}" if run.error else "")
        )


# Who may run each command, and for what (every command must be listed: tests/test_cli.py checks). The
# command line runs on the server with the operator's database credentials: only operators can run it.
COMMAND_ACCESS = {
    "serve": "operator: serve the portal",
    "db upgrade": "operator: migrate",
    "catalog seed": "operator: load the curated catalog",
    "catalog import-gov24": "operator: import the national catalog",
    "catalog evaluate-search": "operator: measure search (no personal data)",
    "eligibility evaluate": "anyone: evaluate a situation file (no registry access)",
    "eligibility next-question": "anyone: next question for a situation file",
    "eligibility batch": "operator: batch evaluation of a synthetic population",
    "rules test": "anyone: run rule scenarios",
    "population generate": "operator: generate a synthetic population",
    "population check": "operator: check a synthetic population",
    "audit checkpoint": "operator: sign an access-log checkpoint",
    "audit verify": "auditor: verify the access log",
    "audit analyse": "auditor: analyse the access log for misuse",
    "registry load": "operator: load the synthetic registries",
    "registry request": "operator acting as the named caller: one exchange request, logged and checked",
    "registry keys": "anyone: print the public keys",
    "verify-download": "anyone: verify a citizen's download",
    "identity clients add": "operator: register a client",
    "identity clients revoke": "operator: revoke a client at once",
    "identity clients list": "operator: list clients",
    "identity clients set-redirects": "operator: replace a client's redirect URIs",
    "identity officials add": "operator: create an official and their first role",
    "identity officials grant": "operator: grant a role",
    "assistant evaluate": "anyone with the database: score the assistant on the written dialogues",
    "identity sample-residents": "operator, development only: synthetic residents to try enrolment with",
    "proactive run": "operator (scheduled): the 복지멤버십 job, reads members' registry facts under their consent",
    "proactive runs": "operator: list the 복지멤버십 job's runs (counts only, no personal data)",
    "wallet verify": "anyone: verify an SD-JWT VC presentation against a given issuer key (no database)",
    "wallet status-lists": "operator: list the issuer's status lists (sizes and counts only, no personal data)",
    "wallet revoke": "operator acting for the issuing agency: revoke, suspend or reinstate an issuance, logged",
}


if __name__ == "__main__":
    main()
