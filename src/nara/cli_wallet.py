"""`nara wallet …`: verify a presentation (anyone), the issuer's status lists and revocation (operator).

Registered by nara.cli (``app.add_typer(wallet_app, name="wallet")``); the operator commands use its
database session and security-log helpers, imported when they run.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from sqlalchemy.orm import Session, sessionmaker


def _sessions() -> sessionmaker[Session]:
    from nara.cli import _sessions as cli_sessions

    return cli_sessions()


def _operator_event(event: str, target: str) -> None:
    from nara.cli import _operator_event as record

    record(event, target)


# --- wallet (issue #8) · wallet-core: `nara wallet verify` -----------------------------------------------
wallet_app = typer.Typer(help="전자지갑: 전자증명서(SD-JWT VC) 확인", no_args_is_help=True)


def _verification_time(at: str | None) -> int | None:
    """``--at``: an ISO 8601 time with its offset (or Z), or seconds since the epoch."""
    from datetime import datetime

    if at is None:
        return None
    if at.isdigit():
        return int(at)
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        typer.echo(
            "--at은 시간대를 포함한 ISO 8601 시각(예: 2026-05-01T09:00:00+09:00)이나 epoch 초로 주세요.",
            err=True,
        )
        raise typer.Exit(2)
    return int(moment.timestamp())


@wallet_app.command("verify")
def wallet_verify(
    presentation: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="제출물 파일 (compact 또는 JSON 직렬화)"
    ),
    issuer_key: Path = typer.Option(
        ..., exists=True, dir_okay=False, help="발급기관 공개키: JWK 또는 JWK Set(kid로 고름)"
    ),
    audience: str = typer.Option(None, help="기대하는 KB-JWT aud (주면 소지자 확인 필수)"),
    nonce: str = typer.Option(None, help="기대하는 KB-JWT nonce (주면 소지자 확인 필수)"),
    at: str = typer.Option(None, help="확인 시각: ISO 8601(시간대 포함) 또는 epoch 초 (기본: 지금)"),
    typ: str = typer.Option("dc+sd-jwt", help="기대하는 헤더 typ; any면 확인하지 않음"),
    legacy_typ: bool = typer.Option(False, "--legacy-typ", help="옛 typ vc+sd-jwt도 받음"),
) -> None:
    """제출된 전자증명서를 확인하고 공개된 항목을 JSON으로 보입니다; 안 되면 이유 하나를 알리고 1로 끝납니다."""
    from nara.wallet import SdJwtInvalid, sdjwt

    try:
        keys = sdjwt.keys_from_jwks(json.loads(issuer_key.read_text()))
    except (ValueError, AttributeError, TypeError) as error:
        typer.echo(f"발급기관 키 파일을 읽을 수 없습니다: {error}", err=True)
        raise typer.Exit(2) from error
    try:
        verified = sdjwt.verify(
            presentation.read_text(), issuer_keys=keys, audience=audience, nonce=nonce,
            now=_verification_time(at), expected_typ=None if typ == "any" else typ, accept_legacy_typ=legacy_typ,
        )  # fmt: skip
    except SdJwtInvalid as error:
        typer.echo(f"{error.code}: {error.message}\n{error.message_ko}", err=True)
        raise typer.Exit(1) from error
    typer.echo(json.dumps(verified.claims, ensure_ascii=False, indent=2))


# --- end of wallet-core's block ---------------------------------------------------------------------------
# The issuer's operator commands: its status lists, and revocation (the office action, from the server).
_WALLET_ACTIONS = {"revoke": "invalid", "suspend": "suspended", "reinstate": "valid"}


@wallet_app.command("status-lists")
def wallet_status_lists() -> None:
    """발급기관의 상태 목록(Token Status List)을 보입니다: URI, 크기, 비트 수, 상태별 사본 수 (개인정보 없음)."""
    from nara.wallet import statuses

    with _sessions()() as session:
        summaries = statuses.list_summaries(session)
    if not summaries:
        typer.echo("상태 목록이 아직 없습니다: 전자증명서를 처음 발급할 때 만들어집니다.")
    for summary in summaries:
        counts = " · ".join(
            f"{label} {summary.counts.get(name, 0):,}" for name, label in statuses.STATUS_NAMES.items()
        )
        typer.echo(
            f"{summary.uri}\t{summary.size:,}개 × {summary.bits}비트\t사용 {summary.used:,}개\t{counts}"
        )


@wallet_app.command("revoke")
def wallet_revoke(
    credential_id: str = typer.Argument(..., help="발급 묶음 ID나 그 사본의 ID (사본 모두가 바뀝니다)"),
    suspend: bool = typer.Option(False, "--suspend", help="폐기하지 않고 일시 정지합니다"),
    reinstate: bool = typer.Option(False, "--reinstate", help="일시 정지를 풀어 다시 유효하게 합니다"),
    reason: str = typer.Option(..., "--reason", help="사유 (시민의 유통이력에 보입니다)"),
) -> None:
    """전자증명서를 폐기합니다(--suspend: 일시 정지, --reinstate: 정지 해제). 보안 기록에 남습니다."""
    from nara.kernel.db import transaction
    from nara.wallet import WalletRefused, statuses

    action = _wallet_action(suspend, reinstate, reason)
    sessions = _sessions()
    try:
        with transaction(sessions) as session:
            batch = statuses.batch_of(session, credential_id.strip())
            if batch is None:
                raise WalletRefused("wallet.issuance_not_found", "찾는 발급 기록이 없습니다.", status=404)
            copies = statuses.do_set_status(
                session, batch, _WALLET_ACTIONS[action], actor="operator:cli", reason=reason.strip()
            )
    except WalletRefused as error:
        typer.echo(f"{error.code}: {error.detail}", err=True)
        raise typer.Exit(1) from error
    _operator_event("wallet.status_changed", f"{batch} {action}")
    name = statuses.STATUS_NAMES[_WALLET_ACTIONS[action]]
    typer.echo(f"{batch}: 사본 {len(copies)}개를 '{name}'(으)로 바꿨습니다. 다음 상태 목록부터 보입니다.")


def _wallet_action(suspend: bool, reinstate: bool, reason: str) -> str:
    if suspend and reinstate:
        typer.echo("--suspend와 --reinstate는 함께 쓸 수 없습니다.", err=True)
        raise typer.Exit(2)
    if not reason.strip():
        typer.echo("--reason에 사유를 적어 주세요: 시민의 유통이력에 보입니다.", err=True)
        raise typer.Exit(2)
    return "suspend" if suspend else "reinstate" if reinstate else "revoke"
