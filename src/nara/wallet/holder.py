"""The web wallet's protocol side: a standard OpenID4VCI client and OpenID4VP wallet.

It speaks to the issuer and to verifiers only over HTTP (an ``httpx.Client``; in the web app one that
calls the app in-process), so a phone wallet that speaks the same protocols could replace it. Holder
keys are P-256, one per credential copy, made here and sealed in the store; only their public halves
and signatures ever leave it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.kernel.clock import utcnow
from nara.wallet import jose, keys, sdjwt
from nara.wallet.errors import SdJwtInvalid
from nara.wallet.issuer import PRE_AUTHORIZED_GRANT, PROOF_TYP
from nara.wallet.models import HeldCredential, Receipt
from nara.wallet.refusals import WalletRefused
from nara.wallet.schemas import FORMAT, doc_type_of_vct
from nara.wallet.vault import Vault
from nara.wallet.verifier import RECEIPT_TYP, REQUEST_TYP

OFFER_SCHEME = "openid-credential-offer://"
REQUEST_SCHEME = "openid4vp://"


class PeerRefused(WalletRefused):
    """The issuer or the verifier answered with an error: its code and Korean detail, passed on."""


def _reply(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400 or not isinstance(body, dict):
        code = (
            str(body.get("code") or body.get("error") or "wallet.peer_error")
            if isinstance(body, dict)
            else "wallet.peer_error"
        )
        detail = (
            str(body.get("detail") or body.get("error_description") or f"{what}에서 오류가 났습니다.")
            if isinstance(body, dict)
            else f"{what}에서 오류가 났습니다."
        )
        raise PeerRefused(code, detail, status=502 if response.status_code >= 500 else 400)
    return body


# --- OpenID4VCI: receiving credentials ------------------------------------------------------------------


def parse_offer(uri: str) -> dict[str, Any]:
    """The credential offer in an ``openid-credential-offer://?credential_offer=…`` link (by value)."""
    values = parse_qs(urlsplit(uri.strip()).query)
    try:
        offer = json.loads(values["credential_offer"][0])
    except (KeyError, IndexError, ValueError) as error:
        raise WalletRefused(
            "wallet.offer_unreadable", "발급 제안을 읽을 수 없습니다. 링크를 다시 열어 주세요."
        ) from error
    if not isinstance(offer, dict) or not offer.get("credential_configuration_ids"):
        raise WalletRefused(
            "wallet.offer_unreadable", "발급 제안을 읽을 수 없습니다. 링크를 다시 열어 주세요."
        )
    return offer


@dataclass(frozen=True)
class ReceivedCopy:
    credential: str
    key: ec.EllipticCurvePrivateKey
    vct: str
    issuer: str
    issued_at: datetime
    expires_at: datetime
    status_uri: str | None
    status_index: int | None


def receive(client: httpx.Client, offer: dict[str, Any]) -> list[ReceivedCopy]:
    """Run the pre-authorised code flow for the offer's first credential; every copy it allows."""
    issuer = str(offer["credential_issuer"]).rstrip("/")
    configuration = str(offer["credential_configuration_ids"][0])
    code = offer.get("grants", {}).get(PRE_AUTHORIZED_GRANT, {}).get("pre-authorized_code")
    if not isinstance(code, str):
        raise WalletRefused("wallet.offer_unreadable", "사전 승인 코드가 없는 발급 제안입니다.")
    metadata = _reply(client.get(f"{issuer}/.well-known/openid-credential-issuer"), "발급기관 정보")
    server = _reply(client.get(_as_metadata_url(metadata, issuer)), "발급기관 인증 정보")
    token = _reply(
        client.post(
            server["token_endpoint"], data={"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
        ),
        "발급 토큰",
    )["access_token"]
    nonce = _reply(client.post(metadata["nonce_endpoint"]), "발급 확인값")["c_nonce"]
    size = int(metadata.get("batch_credential_issuance", {}).get("batch_size", 1))
    holder_keys = [keys.new_key() for _ in range(size)]
    proofs = [
        keys.sign_jwt(
            {"aud": issuer, "iat": int(time.time()), "nonce": nonce}, key, PROOF_TYP, jwk=keys.public_jwk(key)
        )
        for key in holder_keys
    ]
    answer = _reply(
        client.post(
            metadata["credential_endpoint"],
            json={"credential_configuration_id": configuration, "proofs": {"jwt": proofs}},
            headers={"Authorization": f"Bearer {token}"},
        ),
        "증명서 발급",
    )
    issuer_keys = _issuer_keys(client, issuer)
    return [
        _check_received(entry.get("credential"), holder_keys, issuer, issuer_keys)
        for entry in answer.get("credentials", [])
    ]


def _as_metadata_url(metadata: dict[str, Any], issuer: str) -> str:
    """RFC 8414 §3.1: the well-known segment goes between the host and the server identifier's path."""
    server = str((metadata.get("authorization_servers") or [issuer])[0]).rstrip("/")
    parts = urlsplit(server)
    return f"{parts.scheme}://{parts.netloc}/.well-known/oauth-authorization-server{parts.path}"


def _issuer_keys(client: httpx.Client, issuer: str) -> dict[str, dict[str, Any]]:
    metadata = _reply(client.get(f"{issuer}/.well-known/jwt-vc-issuer"), "발급기관 공개키")
    return {str(key.get("kid")): key for key in metadata.get("jwks", {}).get("keys", [])}


def _check_received(
    credential: Any,
    holder_keys: list[ec.EllipticCurvePrivateKey],
    issuer: str,
    issuer_keys: dict[str, dict[str, Any]],
) -> ReceivedCopy:
    """The wallet checks what it receives: the issuer's signature, and that it is bound to one of its keys."""
    if not isinstance(credential, str):
        raise WalletRefused("wallet.credential_unreadable", "받은 증명서를 읽을 수 없습니다.")
    try:
        verified = sdjwt.verify(
            credential, issuer_keys=lambda header, _payload: issuer_keys.get(str(header.get("kid")))
        )
    except SdJwtInvalid as error:
        raise WalletRefused(error.code, error.message_ko) from error
    claims = verified.claims
    bound = keys.thumbprint(claims.get("cnf", {}).get("jwk", {})) if "jwk" in claims.get("cnf", {}) else ""
    key = next((k for k in holder_keys if keys.thumbprint(keys.public_jwk(k)) == bound), None)
    if key is None or claims.get("iss") != issuer:
        raise WalletRefused("wallet.credential_unbound", "받은 증명서가 이 지갑의 키에 묶여 있지 않습니다.")
    status = claims.get("status", {}).get("status_list", {})
    return ReceivedCopy(
        credential, key, str(claims["vct"]), issuer, datetime.fromtimestamp(int(claims["iat"]), UTC),
        datetime.fromtimestamp(int(claims["exp"]), UTC), status.get("uri"), status.get("idx"),
    )  # fmt: skip


def do_store(session: Session, vault: Vault, owner: str, copies: list[ReceivedCopy]) -> str:
    """Keep the copies, each sealed with its holder key; the group id names them together."""
    group = f"held-{secrets.token_hex(8)}"
    for copy in copies:
        doc = doc_type_of_vct(copy.vct)
        row_id = f"hc-{secrets.token_hex(10)}"
        session.add(
            HeldCredential(
                id=row_id,
                owner=owner,
                group_id=group,
                vct=copy.vct,
                doc_type=doc.code if doc else copy.vct[-60:],
                issuer=copy.issuer,
                credential=vault.seal(copy.credential.encode(), row_id),
                holder_key=vault.seal(keys.key_pem(copy.key), row_id),
                status_uri=copy.status_uri,
                status_index=copy.status_index,
                issued_at=copy.issued_at,
                expires_at=copy.expires_at,
                received_at=utcnow(),
            )
        )
    session.flush()
    return group


# --- the store, as the citizen sees it -----------------------------------------------------------------


@dataclass(frozen=True)
class HeldGroup:
    group_id: str
    doc_type: str
    label: str
    vct: str
    claims: dict[str, Any]
    issued_at: datetime
    expires_at: datetime
    copies_left: int
    copies: int
    status_uri: str | None
    status_index: int | None

    @property
    def expired(self) -> bool:
        return self.expires_at <= utcnow()


def groups(session: Session, vault: Vault, owner: str) -> list[HeldGroup]:
    rows = session.scalars(
        select(HeldCredential)
        .where(HeldCredential.owner == owner)
        .order_by(HeldCredential.received_at.desc())
    ).all()
    by_group: dict[str, list[HeldCredential]] = {}
    for row in rows:
        by_group.setdefault(row.group_id, []).append(row)
    return [_group(vault, copies) for copies in by_group.values()]


def _group(vault: Vault, copies: list[HeldCredential]) -> HeldGroup:
    unused = [copy for copy in copies if copy.used_at is None]
    sample = (unused or copies)[0]
    claims = sdjwt.inspect(vault.open(sample.credential, sample.id).decode()).claims
    doc = doc_type_of_vct(sample.vct)
    return HeldGroup(
        sample.group_id, sample.doc_type, doc.label if doc else sample.vct, sample.vct, claims, sample.issued_at,
        sample.expires_at, len(unused), len(copies), sample.status_uri, sample.status_index,
    )  # fmt: skip


# --- OpenID4VP: presenting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Authorization:
    client_id: str
    request_uri: str
    link: str  # as the citizen opened or pasted it


def parse_authorization(link: str) -> Authorization:
    """``openid4vp://?client_id=…&request_uri=…`` — or a web link carrying it in ``request``."""
    text = link.strip()
    query = parse_qs(urlsplit(text).query)
    if "request" in query and not text.startswith(REQUEST_SCHEME):
        return parse_authorization(query["request"][0])
    client_id, request_uri = query.get("client_id", [""])[0], query.get("request_uri", [""])[0]
    if not client_id or not request_uri:
        raise WalletRefused(
            "wallet.request_unreadable",
            "기관의 요청 링크를 읽을 수 없습니다. QR 코드나 링크를 다시 확인해 주세요.",
            status=422,
        )
    return Authorization(client_id, request_uri, text)


@dataclass(frozen=True)
class VerifierRequest:
    client_id: str
    client_name: str
    purpose: str
    retention_days: int
    response_uri: str
    nonce: str
    state: str
    query_id: str
    vct_values: tuple[str, ...]
    asked: tuple[str, ...]  # top-level claim names
    jwks: dict[str, Any]


def resolve(client: httpx.Client, auth: Authorization, verifier_registry: str) -> VerifierRequest:
    """Fetch the request object, check it is the registered verifier's and well formed."""
    metadata = _reply(client.get(f"{verifier_registry}{auth.client_id}"), "확인 기관 정보")
    response = client.get(auth.request_uri, headers={"Accept": "application/oauth-authz-req+jwt"})
    if response.status_code >= 400:
        _reply(response, "기관의 요청")
    keys_by_kid = {str(k.get("kid")): k for k in metadata.get("jwks", {}).get("keys", [])}
    try:
        header = json.loads(jose.b64url_decode(response.text.split(".")[0]))
        _, claims = keys.read_jwt(response.text.strip(), keys_by_kid.get(str(header.get("kid"))), REQUEST_TYP)
    except (keys.JwtRejected, ValueError, jose.JoseError) as error:
        raise WalletRefused(
            "wallet.request_untrusted",
            "기관의 요청에 서명이 없거나 맞지 않습니다. 이 요청에는 응하지 마세요.",
        ) from error
    return _request_from(claims, auth, metadata)


def _request_from(claims: dict[str, Any], auth: Authorization, metadata: dict[str, Any]) -> VerifierRequest:
    query = (claims.get("dcql_query") or {}).get("credentials", [{}])[0]
    fits = (
        claims.get("client_id") == auth.client_id == metadata.get("client_id")
        and claims.get("response_type") == "vp_token"
        and claims.get("response_mode") == "direct_post"
        and all(isinstance(claims.get(name), str) for name in ("response_uri", "nonce", "state"))
        and query.get("format") == FORMAT
    )
    if not fits:
        raise WalletRefused("wallet.request_invalid", "이 지갑이 응할 수 없는 형식의 요청입니다.")
    asked = tuple(str(claim["path"][0]) for claim in query.get("claims", []) if claim.get("path"))
    return VerifierRequest(
        auth.client_id, str(metadata.get("client_name")), str(metadata.get("purpose")), int(metadata.get("retention_days", 0)),
        claims["response_uri"], claims["nonce"], claims["state"], str(query.get("id")),
        tuple(query.get("meta", {}).get("vct_values", [])), asked, metadata.get("jwks", {}),
    )  # fmt: skip


def candidates(held: list[HeldGroup], request: VerifierRequest) -> list[HeldGroup]:
    """Held credentials that can answer the request: the asked type, unexpired, a copy left."""
    return [g for g in held if g.vct in request.vct_values and not g.expired and g.copies_left > 0]


@dataclass(frozen=True)
class Prepared:
    vp_token: str
    copy_id: str
    disclosed: tuple[str, ...]
    doc_type: str


def do_prepare(
    session: Session, vault: Vault, owner: str, group_id: str, request: VerifierRequest, chosen: list[str]
) -> Prepared:
    """A presentation of an unused copy revealing only ``chosen``, bound to this request; the copy is
    marked used (one-time copies are never shown twice, so two verifiers cannot link them)."""
    copy = session.scalars(
        select(HeldCredential)
        .where(HeldCredential.owner == owner, HeldCredential.group_id == group_id, HeldCredential.used_at.is_(None))
        .limit(1).with_for_update()
    ).first()  # fmt: skip
    if copy is None:
        raise WalletRefused(
            "wallet.no_copy", "쓸 수 있는 사본이 없습니다. 증명서를 새로 발급받아 주세요.", status=409
        )
    credential = vault.open(copy.credential, copy.id).decode()
    key = keys.key_from_pem(vault.open(copy.holder_key, copy.id))
    available = set(sdjwt.inspect(credential).claims)
    disclosed = tuple(name for name in chosen if name in available)
    presentation = sdjwt.present(
        credential,
        disclose=[(name,) for name in disclosed],
        holder_key=key,
        audience=request.client_id,
        nonce=request.nonce,
    )
    copy.used_at = utcnow()
    return Prepared(json.dumps({request.query_id: [presentation]}), copy.id, disclosed, copy.doc_type)


@dataclass(frozen=True)
class Answer:
    accepted: bool
    code: str
    message: str
    receipt: str


def submit(client: httpx.Client, request: VerifierRequest, vp_token: str) -> Answer:
    """``direct_post`` the presentation; the verifier's verdict, with its receipt when it accepted."""
    response = client.post(request.response_uri, data={"vp_token": vp_token, "state": request.state})
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 200 and isinstance(body.get("receipt"), str):
        return Answer(True, "", "", body["receipt"])
    code = str(body.get("code") or "wallet.peer_error")
    message = str(body.get("detail") or "확인 기관이 제출을 받지 못했습니다. 잠시 뒤 다시 시도해 주세요.")
    return Answer(False, code, message, "")


def do_keep_receipt(
    session: Session, owner: str, request: VerifierRequest, vp_token: str, receipt: str
) -> Receipt:
    """Check the verifier's receipt (its key, this presentation's hash) and keep it."""
    keys_by_kid = {str(k.get("kid")): k for k in request.jwks.get("keys", [])}
    try:
        header = json.loads(jose.b64url_decode(receipt.split(".")[0]))
        _, claims = keys.read_jwt(receipt, keys_by_kid.get(str(header.get("kid"))), RECEIPT_TYP)
    except (keys.JwtRejected, ValueError, jose.JoseError) as error:
        raise WalletRefused("wallet.receipt_invalid", "기관이 준 영수증의 서명이 맞지 않습니다.") from error
    digest = hashlib.sha256(vp_token.encode()).hexdigest()
    if claims.get("iss") != request.client_id or claims.get("presentation_sha256") != digest:
        raise WalletRefused("wallet.receipt_invalid", "기관이 준 영수증이 이번 제출과 맞지 않습니다.")
    row = Receipt(
        id=str(claims.get("jti") or f"receipt-{secrets.token_hex(8)}")[:40], owner=owner, verifier=request.client_id,
        verifier_name=request.client_name[:200], token=receipt, presentation_hash=digest,
        claims=json.dumps(claims.get("claims", []), ensure_ascii=False), purpose=str(claims.get("purpose", ""))[:300],
        retention_days=int(claims.get("retention_days", 0)), received_at=utcnow(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row
