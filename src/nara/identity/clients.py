"""OAuth clients: government sites that sign people in through Nara, and third-party apps (민간 앱).

Client secrets are shown once and stored as argon2id hashes. Redirect URIs are matched exactly — no
prefixes, no wildcards — and must be https (plain http only for a loopback address, for development).
Revoking a client is immediate: its tokens are refused at the next request.
"""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.identity.errors import ClientInvalid
from nara.identity.models import OAuthClient
from nara.identity.scopes import SCOPES
from nara.kernel.clock import utcnow

KINDS = ("government", "third_party")
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")
_HASHER = PasswordHasher()  # argon2id, the library's RFC 9106 low-memory defaults


def register_client(
    session: Session,
    *,
    client_id: str,
    name: str,
    kind: str,
    redirect_uris: list[str],
    scopes: list[str],
    owner: str,
    grant_types: list[str] | None = None,
    post_logout_redirect_uris: list[str] | None = None,
    requests_per_minute: int = 600,
) -> tuple[OAuthClient, str]:
    """Register a client; returns it and its secret (which is not stored and cannot be shown again)."""
    grants = grant_types or ["authorization_code", "refresh_token"]
    _check_registration(
        session, client_id, kind, redirect_uris + (post_logout_redirect_uris or []), scopes, grants
    )
    secret = secrets.token_urlsafe(32)
    client = OAuthClient(
        client_id=client_id,
        name=name,
        kind=kind,
        secret_hash=_HASHER.hash(secret),
        redirect_uris=redirect_uris,
        post_logout_redirect_uris=post_logout_redirect_uris or [],
        grant_types=grants,
        scopes=scopes,
        requests_per_minute=requests_per_minute,
        owner=owner,
        created_at=utcnow(),
    )
    session.add(client)
    session.flush()
    return client, secret


def _check_registration(
    session: Session, client_id: str, kind: str, uris: list[str], scopes: list[str], grants: list[str]
) -> None:
    if not client_id or len(client_id) > 80 or not client_id.replace("-", "").replace("_", "").isalnum():
        raise ClientInvalid("client_id는 영문·숫자·-·_로 80자 이내여야 합니다.")
    if session.get(OAuthClient, client_id) is not None:
        raise ClientInvalid(f"이미 등록된 client_id입니다: {client_id}")
    if kind not in KINDS:
        raise ClientInvalid(f"kind는 {', '.join(KINDS)} 가운데 하나여야 합니다.")
    for uri in uris:
        check_redirect_uri(uri)
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ClientInvalid(f"알 수 없는 scope입니다: {', '.join(unknown)}")
    if kind == "third_party" and any(SCOPES[s].government_only for s in scopes):
        raise ClientInvalid("민간 앱은 이 scope를 받을 수 없습니다: mydata")
    if any(g not in GRANT_TYPES for g in grants):
        raise ClientInvalid(f"grant_types는 {', '.join(GRANT_TYPES)} 가운데에서 고르세요.")


def check_redirect_uri(uri: str) -> None:
    parts = urlsplit(uri)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ClientInvalid(f"redirect URI는 https여야 합니다 (개발용 127.0.0.1 제외): {uri}")
    if parts.fragment or not parts.netloc or "*" in uri:
        raise ClientInvalid(f"redirect URI에 # 또는 *를 쓸 수 없습니다: {uri}")


def find_client(session: Session, client_id: str | None) -> OAuthClient | None:
    if not client_id or len(client_id) > 80:
        return None
    return session.get(OAuthClient, client_id)


def secret_matches(client: OAuthClient, secret: str) -> bool:
    """Whether ``secret`` is this client's (argon2id; a verified pair is remembered, by digest only)."""
    if client.secret_hash is None or not secret or len(secret) > 200:
        return False
    remembered = (client.secret_hash, hashlib.sha256(secret.encode()).hexdigest())
    if remembered in _VERIFIED:
        return True
    try:
        _HASHER.verify(client.secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False
    if len(_VERIFIED) > 4096:
        _VERIFIED.clear()
    _VERIFIED.add(remembered)
    return True


_VERIFIED: set[tuple[str, str]] = set()


def revoke_client(session: Session, client_id: str) -> OAuthClient:
    """Revoke a client at once: no new tokens, and its live tokens are refused."""
    client = find_client(session, client_id)
    if client is None:
        raise ClientInvalid(f"등록되지 않은 client_id입니다: {client_id}")
    client.revoked_at = utcnow()
    return client


def set_redirect_uris(session: Session, client_id: str, redirect_uris: list[str]) -> OAuthClient:
    """Replace a client's redirect URIs (each checked as at registration)."""
    client = find_client(session, client_id)
    if client is None:
        raise ClientInvalid(f"등록되지 않은 client_id입니다: {client_id}")
    for uri in redirect_uris:
        check_redirect_uri(uri)
    client.redirect_uris = list(redirect_uris)
    return client


def all_clients(session: Session) -> list[OAuthClient]:
    return list(session.scalars(select(OAuthClient).order_by(OAuthClient.client_id)))
