"""From a verified access token to a :class:`Principal`, checking what can change after issue.

A token's signature proves who it was issued to, not that it still should work: the client may have
been revoked, or the person may have signed out everywhere. Both are read from the database, cached for
at most ``TTL_SECONDS`` so a request does not pay a query each time; a revocation made in this process
clears the cache at once, one made by another process takes effect within ``TTL_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from nara.identity.access import Principal
from nara.identity.accounts import Role, roles_of
from nara.identity.errors import TokenInvalid
from nara.identity.models import Account, OAuthClient
from nara.identity.tokens import AccessClaims

TTL_SECONDS = 2.0


@dataclass(frozen=True)
class _ClientState:
    active: bool
    requests_per_minute: int


@dataclass(frozen=True)
class _AccountState:
    kind: str
    person_id: str | None
    signed_out_everywhere_at: datetime | None
    roles: tuple[Role, ...]


class TokenGate:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._clients: dict[str, tuple[float, _ClientState]] = {}
        self._accounts: dict[str, tuple[float, _AccountState | None]] = {}
        self._lock = threading.Lock()

    def principal(self, claims: AccessClaims) -> Principal:
        """The caller a verified token stands for; :class:`TokenInvalid` if it no longer should work."""
        client = self._client(claims.client_id)
        if not client.active:
            raise TokenInvalid("client_revoked")
        if claims.kind == "client":
            if claims.subject != claims.client_id:
                raise TokenInvalid("subject_mismatch")
            return Principal("client", client_id=claims.client_id, scopes=claims.scopes, via="token")
        account = self._account(claims.subject)
        if account is None or account.kind != claims.kind:
            raise TokenInvalid("unknown_subject")
        ended = account.signed_out_everywhere_at
        if ended is not None and claims.issued_at <= ended.timestamp():
            raise TokenInvalid("signed_out_everywhere")
        return Principal(
            kind=account.kind,
            account_id=claims.subject,
            client_id=claims.client_id,
            scopes=claims.scopes,
            via="token",
            consent_id=claims.consent_id,
            person_id=account.person_id,
            roles=account.roles,
            session_id=claims.session_id,
        )

    def rate_of(self, client_id: str) -> int:
        return self._client(client_id).requests_per_minute

    def forget(self, *, client_id: str | None = None, account_id: str | None = None) -> None:
        """Drop cached state after a change made in this process (revocation, sign-out, role grant)."""
        with self._lock:
            if client_id:
                self._clients.pop(client_id, None)
            if account_id:
                self._accounts.pop(account_id, None)

    def _client(self, client_id: str) -> _ClientState:
        now = time.monotonic()
        cached = self._clients.get(client_id)
        if cached is not None and now - cached[0] < TTL_SECONDS:
            return cached[1]
        with self._sessions() as session:
            row = session.get(OAuthClient, client_id)
            state = _ClientState(
                active=row is not None and row.revoked_at is None,
                requests_per_minute=row.requests_per_minute if row is not None else 0,
            )
        with self._lock:
            self._clients[client_id] = (now, state)
        return state

    def _account(self, account_id: str) -> _AccountState | None:
        now = time.monotonic()
        cached = self._accounts.get(account_id)
        if cached is not None and now - cached[0] < TTL_SECONDS:
            return cached[1]
        with self._sessions() as session:
            row = session.get(Account, account_id)
            state = (
                None
                if row is None
                else _AccountState(
                    row.kind,
                    row.person_id,
                    row.signed_out_everywhere_at,
                    tuple(roles_of(session, row.id)) if row.kind == "official" else (),
                )
            )
        with self._lock:
            self._accounts[account_id] = (now, state)
        return state
