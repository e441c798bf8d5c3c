"""The identity domain's tables: accounts, their passkeys and one-time codes, officials' roles, sign-in
sessions, and the OAuth 2.0 / OpenID Connect clients, codes and refresh tokens of the provider."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nara.kernel.db import Base, UTCDateTime


class Account(Base):
    """통합 계정 — one person's account across every government site (a citizen or an official)."""

    __tablename__ = "identity_accounts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the OIDC `sub`
    kind: Mapped[str] = mapped_column(String(20))  # citizen | official
    person_id: Mapped[str | None] = mapped_column(String(80), unique=True)  # resident registry id (citizens)
    display_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20), index=True)  # the verified channel for one-time codes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_out_everywhere_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Passkey(Base):
    """A WebAuthn credential (패스키) registered to an account."""

    __tablename__ = "identity_passkeys"

    credential_id: Mapped[str] = mapped_column(String(200), primary_key=True)  # base64url
    account_id: Mapped[str] = mapped_column(ForeignKey("identity_accounts.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # COSE key
    sign_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OneTimeCode(Base):
    """A one-time code sent to a verified channel; stored as a keyed hash, locked after a few wrong tries."""

    __tablename__ = "identity_one_time_codes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # sign_in | enrol
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OfficialRole(Base):
    """A role an official holds in one agency; granted by a supervisor of that agency, never deleted."""

    __tablename__ = "identity_official_roles"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("identity_accounts.id"), index=True)
    agency: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))  # checker | decider | supervisor | auditor
    granted_by: Mapped[str] = mapped_column(String(80))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SignInSession(Base):
    """A signed-in browser: the provider's own session, or a portal/back-office session made from it."""

    __tablename__ = "identity_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # a keyed hash of the cookie's secret
    account_id: Mapped[str] = mapped_column(ForeignKey("identity_accounts.id"), index=True)
    site: Mapped[str] = mapped_column(String(40))  # provider | the client_id of the site
    methods: Mapped[list[Any]] = mapped_column(JSON)  # amr: passkey | otp
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OAuthClient(Base):
    """A site or app that signs people in through Nara or calls its API (정부 누리집, 민간 앱)."""

    __tablename__ = "identity_clients"

    client_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # government (no consent screen) | third_party
    secret_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id; None for public clients
    redirect_uris: Mapped[list[Any]] = mapped_column(JSON)
    post_logout_redirect_uris: Mapped[list[Any]] = mapped_column(JSON)
    grant_types: Mapped[list[Any]] = mapped_column(JSON)
    scopes: Mapped[list[Any]] = mapped_column(JSON)  # the most this client may ask for
    requests_per_minute: Mapped[int] = mapped_column(Integer)
    owner: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuthorizationCode(Base):
    """An authorisation code: single use, short-lived, bound to its PKCE challenge and redirect URI."""

    __tablename__ = "identity_authorization_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("identity_clients.client_id"))
    account_id: Mapped[str] = mapped_column(ForeignKey("identity_accounts.id"))
    redirect_uri: Mapped[str] = mapped_column(String(500))
    scope: Mapped[str] = mapped_column(String(500))
    nonce: Mapped[str | None] = mapped_column(String(200))
    code_challenge: Mapped[str] = mapped_column(String(200))
    code_challenge_method: Mapped[str] = mapped_column(String(10))
    consent_id: Mapped[str | None] = mapped_column(String(40))  # the consent a delegated scope stands for
    session_id: Mapped[str] = mapped_column(String(64))
    auth_time: Mapped[datetime] = mapped_column(UTCDateTime())
    methods: Mapped[list[Any]] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RefreshToken(Base):
    """A refresh token; each use rotates it, and reuse of a rotated one revokes its whole family."""

    __tablename__ = "identity_refresh_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    family: Mapped[str] = mapped_column(String(40), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("identity_clients.client_id"))
    account_id: Mapped[str] = mapped_column(ForeignKey("identity_accounts.id"), index=True)
    scope: Mapped[str] = mapped_column(String(500))
    consent_id: Mapped[str | None] = mapped_column(String(40))
    session_id: Mapped[str | None] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
