"""The verifiers' service (OpenID4VP 1.0): banks and offices register, ask with a DCQL query in a signed
request object, and receive the wallet's answer by ``direct_post``.

A verifier is a pre-registered client: its ``client_id`` is ``nara-verifier-…`` and wallets find its
name, purpose, retention and public key at ``/api/v1/wallet/verifiers/<client_id>``. Each request has a
fresh ``nonce`` and ``state`` and lives ten minutes; the response is checked with wallet-core's
``sdjwt.verify`` (issuer signature, key binding to this ``nonce`` and ``client_id``, validity) and the
issuer's status list from the verifier's cache — the issuer is never asked about one presentation. A
verified answer keeps only the claims the request asked for and returns a receipt signed by the verifier.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.kernel.clock import utcnow
from nara.wallet import keys, sdjwt
from nara.wallet.context import WalletContext
from nara.wallet.errors import SdJwtInvalid, StatusListInvalid
from nara.wallet.models import PresentationRequest, Verifier
from nara.wallet.refusals import WalletRefused, not_found
from nara.wallet.schemas import DOC_TYPES, FORMAT, doc_type, doc_type_of_vct, offered_claims
from nara.wallet.statuses import StatusChecker

REQUEST_TYP = "oauth-authz-req+jwt"
RECEIPT_TYP = "nara-presentation-receipt+jwt"
STATIC_AUDIENCE = "https://self-issued.me/v2"  # OpenID4VP §5.8: a wallet without published metadata
REQUEST_MINUTES = 10
STATUS_REASONS = {
    1: (
        "wallet.credential_revoked",
        "발급기관이 폐기한 증명서입니다. 전자지갑에서 증명서를 새로 발급받아 다시 제출해 주세요.",
    ),
    2: (
        "wallet.credential_suspended",
        "발급기관이 잠시 정지한 증명서입니다. 발급기관(행정복지센터)에 문의해 주세요.",
    ),
    3: (
        "wallet.credential_superseded",
        "새 증명서로 바뀐 옛 증명서입니다. 새로 받은 증명서로 다시 제출해 주세요.",
    ),
}


@dataclass(frozen=True)
class Preset:
    label: str
    doc: str
    claims: tuple[str, ...]


PRESETS = {
    "adult-name": Preset("19세 이상 + 이름 (모바일 신분증)", "mobile-id", ("age_over_19", "name")),
    "address-only": Preset("주소만 (주민등록표 등본)", "resident-register-extract", ("address",)),
    "household": Preset(
        "세대원 (주민등록표 등본)", "resident-register-extract", ("name", "household_members")
    ),
    "disability": Preset(
        "등록 장애인 여부 (장애인증명서)", "disability-certificate", ("registered_disabled",)
    ),
    "no-arrears": Preset("체납 없음 (납세증명서)", "tax-payment-certificate", ("name", "tax_arrears")),
}


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- registration -----------------------------------------------------------------------------------


def do_register_verifier(
    session: Session, ctx: WalletContext, *, name: str, purpose: str, retention_days: int
) -> tuple[Verifier, str]:
    """A new verifier and its portal key (shown once, stored as a hash)."""
    name, purpose = name.strip(), purpose.strip()
    if not name or not purpose or not 0 <= retention_days <= 3650:
        raise WalletRefused(
            "wallet.verifier_invalid",
            "기관 이름, 확인하는 목적, 보관 기간(0~3650일)을 모두 적어 주세요.",
            status=422,
        )
    verifier_id = f"verifier-{secrets.token_hex(8)}"
    manage_key = secrets.token_urlsafe(24)
    verifier = Verifier(
        id=verifier_id, client_id=f"nara-{verifier_id}", name=name[:200], purpose=purpose[:300],
        retention_days=retention_days, signing_key=ctx.verifier_vault.seal(keys.key_pem(keys.new_key()), verifier_id),
        manage_key_hash=_sha256(manage_key), created_at=utcnow(),
    )  # fmt: skip
    session.add(verifier)
    session.flush()
    return verifier, manage_key


def verifier_for_key(session: Session, verifier_id: str, manage_key: str) -> Verifier | None:
    """The verifier whose portal key this is, or None."""
    found = session.get(Verifier, verifier_id)
    if found is None or not hmac.compare_digest(found.manage_key_hash, _sha256(manage_key)):
        return None
    return found


def _signing_key(ctx: WalletContext, verifier: Verifier) -> Any:
    return keys.key_from_pem(ctx.verifier_vault.open(verifier.signing_key, verifier.id))


def verifier_metadata(session: Session, ctx: WalletContext, client_id: str) -> dict[str, Any]:
    """What a wallet knows of a pre-registered verifier: who, why, how long, and its public key."""
    found = session.scalars(select(Verifier).where(Verifier.client_id == client_id)).first()
    if found is None:
        raise not_found("wallet.unknown_verifier", "등록되지 않은 확인 기관입니다.")
    public_key = keys.public_jwk(_signing_key(ctx, found))
    public = public_key | {"kid": keys.thumbprint(public_key)[:16]}
    return {
        "client_id": found.client_id,
        "client_name": found.name,
        "purpose": found.purpose,
        "retention_days": found.retention_days,
        "jwks": {"keys": [public | {"alg": keys.ALG, "use": "sig"}]},
    }


# --- requests ---------------------------------------------------------------------------------------


def dcql_for(doc_code: str, claims: list[str]) -> dict[str, Any]:
    """A DCQL query for one SD-JWT VC of ``doc_code`` with the named top-level claims."""
    doc = doc_type(doc_code)
    offered = {claim.name for claim in offered_claims(doc)} if doc is not None else set()
    wanted = [name for name in dict.fromkeys(claims) if name in offered]
    if doc is None or not wanted:
        raise WalletRefused(
            "wallet.request_invalid", "증명서 종류와 확인할 항목을 하나 이상 골라 주세요.", status=422
        )
    return {
        "credentials": [
            {
                "id": doc.code,
                "format": FORMAT,
                "meta": {"vct_values": [doc.vct]},
                "claims": [{"path": [name]} for name in wanted],
            }
        ]
    }


def do_create_request(
    session: Session, verifier: Verifier, *, doc: str, claims: list[str], label: str
) -> PresentationRequest:
    query = dcql_for(doc, claims)
    now = utcnow()
    request = PresentationRequest(
        id=f"vpreq-{secrets.token_hex(10)}", verifier_id=verifier.id, label=label[:200] or "확인 요청",
        dcql=json.dumps(query, ensure_ascii=False), nonce=secrets.token_urlsafe(24), state=secrets.token_urlsafe(24),
        status="pending", created_at=now, expires_at=now + timedelta(minutes=REQUEST_MINUTES),
    )  # fmt: skip
    session.add(request)
    session.flush()
    return request


def request_uri(ctx: WalletContext, request: PresentationRequest) -> str:
    return ctx.url(f"/verifier/requests/{request.id}/object")


def authorization_uri(ctx: WalletContext, verifier: Verifier, request: PresentationRequest) -> str:
    """What the QR code holds: the request by reference (OpenID4VP §5.10, ``openid4vp://``)."""
    from urllib.parse import urlencode

    return "openid4vp://?" + urlencode(
        {"client_id": verifier.client_id, "request_uri": request_uri(ctx, request)}
    )


def request_object(session: Session, ctx: WalletContext, request_id: str) -> str:
    """The signed request object (JAR, RFC 9101) of a pending request."""
    request = session.get(PresentationRequest, request_id)
    if request is None or request.status != "pending" or request.expires_at <= utcnow():
        raise not_found(
            "wallet.request_closed",
            "이미 끝났거나 시간이 지난 요청입니다. 기관 화면의 새 QR 코드를 읽어 주세요.",
        )
    verifier = session.get(Verifier, request.verifier_id)
    assert verifier is not None
    key = _signing_key(ctx, verifier)
    claims = {
        "iss": verifier.client_id, "aud": STATIC_AUDIENCE, "client_id": verifier.client_id,
        "response_type": "vp_token", "response_mode": "direct_post", "response_uri": ctx.url("/verifier/response"),
        "nonce": request.nonce, "state": request.state, "dcql_query": json.loads(request.dcql),
        "client_metadata": {"vp_formats_supported": {FORMAT: {"sd-jwt_alg_values": [keys.ALG], "kb-jwt_alg_values": [keys.ALG]}}},
        "iat": int(time.time()), "exp": int(request.expires_at.timestamp()),
    }  # fmt: skip
    return keys.sign_jwt(claims, key, REQUEST_TYP, kid=keys.key_id(key))


# --- the response (direct_post) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    verified: bool
    code: str = ""
    message: str = ""
    receipt: str = ""


def do_receive_response(
    session: Session, ctx: WalletContext, checker: StatusChecker, *, vp_token: str, state: str
) -> Outcome:
    """Verify the wallet's answer and close the request either way (the caller commits, then answers)."""
    request = _pending(session, state)
    verifier = session.get(Verifier, request.verifier_id)
    assert verifier is not None
    try:
        result = _verify(ctx, checker, verifier, request, vp_token)
    except (SdJwtInvalid, StatusListInvalid) as error:
        return _fail(request, error.code, error.message_ko)
    except WalletRefused as error:
        return _fail(request, error.code, error.detail)
    request.status, request.completed_at = "verified", utcnow()
    request.result = json.dumps(result, ensure_ascii=False)
    return Outcome(True, receipt=_receipt(ctx, verifier, request, vp_token, result["disclosed"]))


def do_record_wallet_error(session: Session, *, state: str, error: str) -> Outcome:
    """The wallet answered with an error instead of a presentation (e.g. the citizen declined)."""
    request = _pending(session, state)
    if error == "access_denied":
        return _fail(request, "wallet.declined", "시민이 제출하지 않기로 했습니다.")
    return _fail(request, "wallet.wallet_error", f"전자지갑이 요청에 응하지 못했습니다 ({error[:40]}).")


def _pending(session: Session, state: str) -> PresentationRequest:
    request = session.scalars(
        select(PresentationRequest).where(PresentationRequest.state == state).with_for_update()
    ).first()
    if request is None:
        raise WalletRefused(
            "wallet.unknown_state", "알 수 없는 요청에 대한 응답입니다.", error="invalid_request"
        )
    if request.status != "pending" or request.expires_at <= utcnow():
        raise WalletRefused(
            "wallet.request_closed", "이미 끝났거나 시간이 지난 요청입니다. 기관 화면의 새 QR 코드를 읽어 주세요.",
            error="invalid_request",
        )  # fmt: skip
    return request


def _fail(request: PresentationRequest, code: str, message: str) -> Outcome:
    request.status, request.completed_at = "failed", utcnow()
    request.failure_code, request.failure_message = code, message[:500]
    return Outcome(False, code, message)


def _verify(
    ctx: WalletContext,
    checker: StatusChecker,
    verifier: Verifier,
    request: PresentationRequest,
    vp_token: str,
) -> dict[str, Any]:
    query = json.loads(request.dcql)["credentials"][0]
    presentation = _one_presentation(vp_token, query["id"])
    keys_by_kid = {key["kid"]: key for key in ctx.issuer_jwks()["keys"]}
    verified = sdjwt.verify(
        presentation,
        issuer_keys=lambda header, payload: (
            keys_by_kid.get(str(header.get("kid"))) if payload.get("iss") == ctx.issuer_id else None
        ),
        audience=verifier.client_id,
        nonce=request.nonce,
        require_key_binding=True,
        allowed_algs=(keys.ALG,),
    )
    claims = verified.claims
    if claims.get("vct") not in query["meta"]["vct_values"]:
        raise WalletRefused(
            "wallet.wrong_credential", "요청한 종류의 증명서가 아닙니다. 요청한 증명서로 다시 제출해 주세요."
        )
    asked = [str(claim["path"][0]) for claim in query["claims"]]
    missing = [name for name in asked if name not in claims]
    doc = doc_type_of_vct(str(claims["vct"]))
    assert doc is not None
    if missing:
        labels = ", ".join(doc.label_of(name) for name in missing)
        raise WalletRefused(
            "wallet.claims_missing", f"요청한 항목이 빠졌습니다: {labels}. 모두 골라 다시 제출해 주세요."
        )
    _check_status(checker, claims.get("status"))
    disclosed = sorted({str(path[0]) for path in verified.disclosed_paths})
    return {"doc_type": doc.code, "claims": {name: claims[name] for name in asked}, "disclosed": disclosed}


def _one_presentation(vp_token: str, query_id: str) -> str:
    try:
        token = json.loads(vp_token)
    except ValueError as error:
        raise WalletRefused("wallet.vp_token_invalid", "제출 형식(vp_token)이 올바르지 않습니다.") from error
    found = token.get(query_id) if isinstance(token, dict) else None
    if not isinstance(found, list) or len(found) != 1 or not isinstance(found[0], str):
        raise WalletRefused("wallet.vp_token_invalid", "요청한 증명서 하나를 제출해 주세요.")
    return found[0]


def _check_status(checker: StatusChecker, status: Any) -> None:
    reference = status.get("status_list") if isinstance(status, dict) else None
    if (
        not isinstance(reference, dict)
        or not isinstance(reference.get("idx"), int)
        or not isinstance(reference.get("uri"), str)
    ):
        raise WalletRefused("wallet.status_missing", "증명서에 상태 확인 정보가 없어 받을 수 없습니다.")
    value = checker.status(reference["uri"], reference["idx"])
    if value in STATUS_REASONS:
        code, message = STATUS_REASONS[value]
        raise WalletRefused(code, message)


def _receipt(
    ctx: WalletContext, verifier: Verifier, request: PresentationRequest, vp_token: str, disclosed: list[str]
) -> str:
    key = _signing_key(ctx, verifier)
    body = {
        "iss": verifier.client_id, "iat": int(time.time()), "jti": f"receipt-{secrets.token_hex(8)}",
        "verifier_name": verifier.name, "request": request.id, "state": request.state,
        "presentation_sha256": hashlib.sha256(vp_token.encode()).hexdigest(),
        "claims": disclosed, "purpose": verifier.purpose, "retention_days": verifier.retention_days,
    }  # fmt: skip
    return keys.sign_jwt(body, key, RECEIPT_TYP, kid=keys.key_id(key))


# --- the portal's views ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestView:
    id: str
    label: str
    status: str
    doc_label: str
    asked: list[str]
    claims: list[tuple[str, Any]]  # (label, value) when verified
    failure: str
    created_at: str


def request_view(
    session: Session, verifier: Verifier, request_id: str
) -> tuple[PresentationRequest, RequestView]:
    request = session.get(PresentationRequest, request_id)
    if request is None or request.verifier_id != verifier.id:
        raise not_found("wallet.request_not_found", "찾는 확인 요청이 없습니다.")
    if request.status == "pending" and request.expires_at <= utcnow():
        request.status = "expired"
    query = json.loads(request.dcql)["credentials"][0]
    doc = doc_type_of_vct(query["meta"]["vct_values"][0]) or DOC_TYPES["mobile-id"]
    result = json.loads(request.result) if request.result else {"claims": {}}
    view = RequestView(
        request.id, request.label, request.status, doc.label, [doc.label_of(str(c["path"][0])) for c in query["claims"]],
        [(doc.label_of(name), value) for name, value in result["claims"].items()], request.failure_message or "",
        request.created_at.isoformat(timespec="seconds"),
    )  # fmt: skip
    return request, view


def requests_of(session: Session, verifier: Verifier, limit: int = 20) -> list[PresentationRequest]:
    return list(
        session.scalars(
            select(PresentationRequest).where(PresentationRequest.verifier_id == verifier.id)
            .order_by(PresentationRequest.created_at.desc()).limit(limit)
        )
    )  # fmt: skip
