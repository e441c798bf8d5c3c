"""Sign-in sessions: the provider's own (통합로그인) and each site's (portal, back office) made from it.

The cookie holds a random secret; the table holds only its keyed hash, so a copy of the database cannot
be turned into a cookie. A session ends when signed out, after 30 idle minutes, after 12 hours in any
case, or when its account signs out everywhere (which also revokes every refresh token).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from nara.identity.models import Account, RefreshToken, SignInSession
from nara.kernel.clock import utcnow

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
_TOUCH_EVERY = timedelta(minutes=1)
PROVIDER = "provider"


def _session_id(secret_key: bytes, cookie: str) -> str:
    return hmac.new(secret_key, f"session:{cookie}".encode(), hashlib.sha256).hexdigest()


def start_session(
    session: Session, secret_key: bytes, *, account_id: str, site: str, methods: list[str]
) -> tuple[str, SignInSession]:
    """A new session; returns the cookie value (shown once) and the row."""
    cookie = secrets.token_urlsafe(32)
    now = utcnow()
    row = SignInSession(
        id=_session_id(secret_key, cookie),
        account_id=account_id,
        site=site,
        methods=sorted(set(methods)),
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    session.flush()
    return cookie, row


def current_session(
    session: Session, secret_key: bytes, cookie: str | None, site: str
) -> SignInSession | None:
    """The live session this cookie names for ``site``, touched; None when absent, ended or timed out."""
    if not cookie or len(cookie) > 100:
        return None
    row = session.get(SignInSession, _session_id(secret_key, cookie))
    if row is None or row.site != site or row.ended_at is not None:
        return None
    now = utcnow()
    if now - row.last_seen_at > IDLE_TIMEOUT or now - row.created_at > ABSOLUTE_TIMEOUT:
        row.ended_at = now
        return None
    account = session.get(Account, row.account_id)
    if account is None or (
        account.signed_out_everywhere_at is not None and account.signed_out_everywhere_at >= row.created_at
    ):
        return None
    if now - row.last_seen_at > _TOUCH_EVERY:
        row.last_seen_at = now
    return row


def end_session(session: Session, secret_key: bytes, cookie: str | None) -> None:
    if cookie and len(cookie) <= 100:
        row = session.get(SignInSession, _session_id(secret_key, cookie))
        if row is not None and row.ended_at is None:
            row.ended_at = utcnow()


def sign_out_everywhere(session: Session, account_id: str) -> None:
    """모든 기기에서 로그아웃: every session ends, every refresh token is revoked, and access tokens
    issued before now stop working (the access check compares their ``iat``)."""
    now = utcnow()
    session.execute(
        update(SignInSession)
        .where(SignInSession.account_id == account_id, SignInSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.account_id == account_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    account = session.get(Account, account_id)
    if account is not None:
        account.signed_out_everywhere_at = now


def how_signed_in(session: Session, session_id: str | None) -> tuple[tuple[str, ...], datetime | None]:
    """The methods (amr) and the moment of the sign-in a session stands for."""
    row = session.get(SignInSession, session_id) if session_id else None
    return (tuple(row.methods), row.created_at) if row is not None else ((), None)
