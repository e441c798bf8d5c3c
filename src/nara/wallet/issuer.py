"""The credential issuer (OpenID4VCI 1.0, pre-authorised code flow) — Nara on behalf of the agencies.

1. A signed-in citizen asks for a document: ``do_create_offer`` makes a single-use pre-authorised code
   (10 minutes) and the credential offer (``openid-credential-offer://?credential_offer=…``).
2. The wallet exchanges the code at the token endpoint (grant
   ``urn:ietf:params:oauth:grant-type:pre-authorized_code``) for an access token bound to that offer.
3. It gets a ``c_nonce`` from the nonce endpoint and signs one ``openid4vci-proof+jwt`` per holder key.
4. The credential endpoint checks every proof (type, ES256, the key in the header, ``aud`` = this
   issuer, the nonce, ``iat``), reads the claims from the registries through the exchange (logged),
   and returns one SD-JWT VC per proof: distinct holder keys, fresh salts, random status indices.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nara import identity
from nara.kernel.clock import today, utcnow
from nara.wallet import history, keys, sdjwt, statuses
from nara.wallet.claims import read_claims
from nara.wallet.context import WalletContext
from nara.wallet.models import CredentialOffer, IssuedCredential, IssuerNonce
from nara.wallet.refusals import WalletRefused
from nara.wallet.schemas import DOC_TYPES, FORMAT, DocType, disclosable_paths, doc_type

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYP = "openid4vci-proof+jwt"
ISSUANCE_SCOPE = "wallet_credential"
ISSUANCE_CLIENT = "nara-wallet-issuance"
TOKEN_SECONDS = 300
NONCE_SECONDS = 300
PROOF_MAX_AGE = 300
ISSUER_NAME = "나라 (행정안전부 등 발급기관을 대신하여)"


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- metadata -----------------------------------------------------------------------------------------


def issuer_metadata(ctx: WalletContext) -> dict[str, Any]:
    """Credential issuer metadata (OpenID4VCI §12.2), served at /.well-known/openid-credential-issuer."""
    return {
        "credential_issuer": ctx.issuer_id,
        "authorization_servers": [ctx.url("")],
        "credential_endpoint": ctx.url("/credential"),
        "nonce_endpoint": ctx.url("/nonce"),
        "batch_credential_issuance": {"batch_size": ctx.batch_size},
        "display": [{"name": "나라 전자증명서", "locale": "ko-KR"}],
        "credential_configurations_supported": {code: _configuration(doc) for code, doc in DOC_TYPES.items()},
    }


def _configuration(doc: DocType) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "vct": doc.vct,
        "scope": doc.code,
        "cryptographic_binding_methods_supported": ["jwk"],
        "credential_signing_alg_values_supported": [keys.ALG],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": [keys.ALG]}},
        "credential_metadata": {
            "display": [{"name": doc.label, "locale": "ko-KR", "description": doc.description}],
            "claims": [
                {"path": [claim.name], "display": [{"name": claim.label, "locale": "ko-KR"}]}
                for claim in doc.claims
            ],
        },
    }


def authorization_server_metadata(ctx: WalletContext) -> dict[str, Any]:
    """RFC 8414 metadata of the issuer's authorisation server (pre-authorised code only). Its identifier
    is ``<public url>/api/v1/wallet`` — the bare public URL is the OpenID provider's — so the document
    lives at ``/.well-known/oauth-authorization-server/api/v1/wallet`` (RFC 8414 §3.1)."""
    return {
        "issuer": ctx.url(""),
        "token_endpoint": ctx.url("/token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "pre-authorized_grant_anonymous_access_supported": True,
        "token_endpoint_auth_methods_supported": ["none"],
    }


def jwt_vc_issuer_metadata(ctx: WalletContext) -> dict[str, Any]:
    """SD-JWT VC issuer metadata (/.well-known/jwt-vc-issuer): where verifiers find the issuer's keys."""
    return {"issuer": ctx.issuer_id, "jwks": ctx.issuer_jwks()}


# --- 1. the offer ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    id: str
    doc_type: str
    code: str  # the pre-authorised code: in the offer only, stored as a hash
    body: dict[str, Any]

    @property
    def uri(self) -> str:
        """The offer by value, as a wallet scans it from a QR code or opens it as a link."""
        return "openid-credential-offer://?credential_offer=" + quote(
            json.dumps(self.body, separators=(",", ":"))
        )


def do_create_offer(
    session: Session, ctx: WalletContext, *, person_id: str, account_id: str, doc: str
) -> Offer:
    """A credential offer with a single-use pre-authorised code, from the citizen's signed-in session."""
    chosen = doc_type(doc)
    if chosen is None:
        raise WalletRefused(
            "wallet.unknown_document", "발급할 수 없는 증명서 종류입니다. 목록에서 골라 주세요."
        )
    code, now = secrets.token_urlsafe(32), utcnow()
    offer = CredentialOffer(
        id=f"offer-{secrets.token_hex(10)}",
        code_hash=_sha256(code),
        person_id=person_id,
        account_id=account_id,
        doc_type=chosen.code,
        created_at=now,
        expires_at=now + timedelta(minutes=ctx.offer_minutes),
    )
    session.add(offer)
    session.flush()
    body = {
        "credential_issuer": ctx.issuer_id,
        "credential_configuration_ids": [chosen.code],
        "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": code}},
    }
    return Offer(offer.id, chosen.code, code, body)


# --- 2. the token endpoint ----------------------------------------------------------------------------


def do_redeem_code(session: Session, ctx: WalletContext, *, grant_type: str, code: str) -> dict[str, Any]:
    """The token response for a pre-authorised code (single use; the token is bound to the offer)."""
    if grant_type != PRE_AUTHORIZED_GRANT:
        raise WalletRefused(
            "wallet.unsupported_grant", "사전 승인 코드 방식만 지원합니다.", error="unsupported_grant_type"
        )
    offer = session.scalars(
        select(CredentialOffer).where(CredentialOffer.code_hash == _sha256(code)).with_for_update()
    ).first()
    if offer is None or offer.redeemed_at is not None or offer.expires_at <= utcnow():
        raise WalletRefused(
            "wallet.offer_invalid",
            "발급 코드가 맞지 않거나 이미 쓰였거나 시간이 지났습니다. 전자지갑에서 다시 발급을 요청해 주세요.",
            error="invalid_grant",
        )
    _ensure_issuance_client(session)
    token = ctx.tokens.issue_access_token(
        subject=offer.account_id, client_id=ISSUANCE_CLIENT, scope=ISSUANCE_SCOPE, kind="citizen",
        lifetime=TOKEN_SECONDS,
    )  # fmt: skip
    offer.redeemed_at, offer.token_hash = utcnow(), _sha256(token)
    return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS}


def _ensure_issuance_client(session: Session) -> None:
    """The issuer's tokens name a client the token gate knows (registered once, no usable secret)."""
    if identity.find_client(session, ISSUANCE_CLIENT) is not None:
        return
    try:
        with session.begin_nested():
            identity.register_client(
                session, client_id=ISSUANCE_CLIENT, name="나라 전자증명서 발급", kind="government",
                redirect_uris=[], scopes=["openid"], owner="나라", requests_per_minute=60_000,
            )  # fmt: skip
    except IntegrityError:
        pass  # another process registered it first


# --- 3. the nonce endpoint ----------------------------------------------------------------------------


def do_new_nonce(session: Session) -> str:
    nonce = secrets.token_urlsafe(32)
    session.add(
        IssuerNonce(nonce_hash=_sha256(nonce), expires_at=utcnow() + timedelta(seconds=NONCE_SECONDS))
    )
    session.flush()
    return nonce


def _use_nonce(session: Session, nonce: Any) -> None:
    row = (
        session.get(IssuerNonce, _sha256(str(nonce)), with_for_update=True)
        if isinstance(nonce, str)
        else None
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise WalletRefused(
            "wallet.invalid_nonce", "확인값(c_nonce)이 맞지 않거나 시간이 지났습니다. 새로 받아 다시 요청해 주세요.",
            error="invalid_nonce",
        )  # fmt: skip
    row.used_at = utcnow()


# --- 4. the credential endpoint -----------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    """An offer claimed for issuance by a valid credential request (first transaction)."""

    offer_id: str
    person_id: str
    doc: DocType
    holder_jwks: tuple[dict[str, str], ...]


def do_claim_offer(session: Session, ctx: WalletContext, *, token: str, person_id: str, body: Any) -> Claimed:
    """Check the credential request and its proofs and claim the offer (so it issues once)."""
    offer = session.scalars(
        select(CredentialOffer).where(CredentialOffer.token_hash == _sha256(token)).with_for_update()
    ).first()
    if offer is None or offer.person_id != person_id or offer.issued_at is not None:
        raise WalletRefused(
            "wallet.token_used", "이 접근 토큰으로는 더 발급할 수 없습니다. 처음부터 다시 요청해 주세요.",
            status=401, error="invalid_token",
        )  # fmt: skip
    proofs = _proofs(body, offer.doc_type, ctx.batch_size)
    jwks = _check_proofs(session, ctx, proofs)
    offer.issued_at = utcnow()
    return Claimed(offer.id, offer.person_id, DOC_TYPES[offer.doc_type], jwks)


def _proofs(body: Any, doc: str, batch_size: int) -> list[str]:
    if not isinstance(body, dict) or body.get("credential_configuration_id") != doc:
        raise WalletRefused(
            "wallet.unknown_configuration", "요청한 증명서 종류가 발급 제안과 다릅니다.",
            error="unknown_credential_configuration",
        )  # fmt: skip
    proofs = body.get("proofs")
    jwts = proofs.get("jwt") if isinstance(proofs, dict) and len(proofs) == 1 else None
    if not isinstance(jwts, list) or not jwts or not all(isinstance(p, str) for p in jwts):
        raise WalletRefused(
            "wallet.invalid_request",
            "소지자 키 증명(proofs.jwt)이 필요합니다.",
            error="invalid_credential_request",
        )
    if len(jwts) > batch_size:
        raise WalletRefused(
            "wallet.batch_too_large",
            f"한 번에 {batch_size}부까지 받을 수 있습니다.",
            error="invalid_credential_request",
        )
    return jwts


def _check_proofs(session: Session, ctx: WalletContext, proofs: Sequence[str]) -> tuple[dict[str, str], ...]:
    found: list[dict[str, str]] = []
    nonces: set[str] = set()
    for proof in proofs:
        try:
            header, claims = keys.read_jwt(proof, None, PROOF_TYP)
        except keys.JwtRejected as error:
            raise _invalid_proof(f"소지자 키 증명을 확인할 수 없습니다 ({error.reason}).") from error
        issued = claims.get("iat")
        if (
            claims.get("aud") != ctx.issuer_id
            or not isinstance(issued, int)
            or abs(time.time() - issued) > PROOF_MAX_AGE
        ):
            raise _invalid_proof("소지자 키 증명의 받는 곳(aud)이나 시각(iat)이 맞지 않습니다.")
        nonces.add(str(claims.get("nonce")))
        found.append(keys.public_jwk(header["jwk"]))
    if len({keys.thumbprint(jwk) for jwk in found}) != len(found):
        raise _invalid_proof("사본마다 다른 소지자 키가 있어야 합니다.")
    if len(nonces) != 1:
        raise _invalid_proof("모든 증명에 같은 확인값(c_nonce)을 넣어야 합니다.")
    _use_nonce(session, nonces.pop())
    return tuple(found)


def _invalid_proof(detail: str) -> WalletRefused:
    return WalletRefused("wallet.invalid_proof", detail, error="invalid_proof")


def read_document(ctx: WalletContext, claimed: Claimed, batch_id: str) -> dict[str, Any]:
    """The claims, read through the exchange (its own transaction: the access log first)."""
    return read_claims(
        ctx.exchange, claimed.doc, claimed.person_id, case_ref=f"wallet:{batch_id}", on=today()
    )


def do_issue(
    session: Session, ctx: WalletContext, claimed: Claimed, claims: dict[str, Any], batch_id: str
) -> list[str]:
    """One SD-JWT VC per holder key, each with its own status index; recorded, and in the history."""
    now = utcnow()
    expires = now + timedelta(days=claimed.doc.valid_days)
    issued: list[str] = []
    for jwk in claimed.holder_jwks:
        slot = statuses.allocate(session, ctx)
        body = {
            "iss": ctx.issuer_id, "iat": int(now.timestamp()), "exp": int(expires.timestamp()),
            "vct": claimed.doc.vct, "status": {"status_list": {"idx": slot.index, "uri": slot.uri}}, **claims,
        }  # fmt: skip
        issued.append(
            sdjwt.issue(
                body,
                disclosable=disclosable_paths(claimed.doc, claims),
                issuer_key=ctx.issuer_key,
                holder_jwk=jwk,
                header={"kid": ctx.issuer_kid},
            )
        )
        session.add(
            IssuedCredential(
                id=f"cred-{secrets.token_hex(10)}",
                batch_id=batch_id,
                person_id=claimed.person_id,
                doc_type=claimed.doc.code,
                status_list_id=slot.list_id,
                status_index=slot.index,
                holder_thumbprint=keys.thumbprint(jwk),
                issued_at=now,
                expires_at=expires,
            )
        )
    history.record(
        session, claimed.person_id, "issuance", claimed.doc.code, ISSUER_NAME,
        claims=sorted(claims), detail=f"{len(issued)}부 (일회용 사본)", reference=batch_id,
    )  # fmt: skip
    session.flush()
    return issued


def new_batch_id() -> str:
    return f"batch-{secrets.token_hex(10)}"


# --- for officials ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuance:
    batch_id: str
    person_id: str
    doc_type: str
    label: str
    issued_at: str
    expires_at: str
    copies: int
    status: str


def issuances_of(session: Session, person_id: str) -> list[Issuance]:
    rows = session.scalars(
        select(IssuedCredential)
        .where(IssuedCredential.person_id == person_id)
        .order_by(IssuedCredential.issued_at.desc())
    ).all()
    batches: dict[str, list[IssuedCredential]] = {}
    for row in rows:
        batches.setdefault(row.batch_id, []).append(row)
    return [
        Issuance(
            batch,
            copies[0].person_id,
            copies[0].doc_type,
            DOC_TYPES[copies[0].doc_type].label,
            copies[0].issued_at.isoformat(timespec="seconds"),
            copies[0].expires_at.isoformat(timespec="seconds"),
            len(copies),
            copies[0].status,
        )
        for batch, copies in batches.items()
    ]
