"""Nara as an OpenID Connect provider (통합로그인), built on authlib's OAuth 2.0 server.

Grants: authorisation code with PKCE (S256 only, required of every client) and OpenID Connect ID tokens
(nonce required); refresh tokens that rotate on every use — presenting a rotated one revokes its whole
family, and replaying an authorisation code revokes what that code produced; client credentials for
apps calling the open API on their own behalf. The server is framework-free: the web layer hands it an
:class:`OAuthRequest` and turns the ``(status, body, headers)`` it returns into an HTTP response.
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.models import AuthorizationCodeMixin
from authlib.oauth2.rfc6749.requests import OAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nara.identity import clients as client_registry
from nara.identity.models import Account, AuthorizationCode, OAuthClient, RefreshToken
from nara.identity.scopes import SCOPES, parse_scopes
from nara.identity.tokens import ACCESS_TOKEN_SECONDS, ID_TOKEN_SECONDS, TokenService, token_hash
from nara.kernel.clock import utcnow

CODE_LIFETIME = timedelta(minutes=2)
REFRESH_LIFETIME = timedelta(days=14)


@dataclass(frozen=True)
class Grantee:
    """The signed-in person a code or token is for, and how and when they signed in."""

    account: Account
    session_id: str | None = None
    methods: tuple[str, ...] = ()
    auth_time: datetime | None = None
    consent_id: str | None = None
    family: str | None = None

    def get_user_id(self) -> str:
        return self.account.id


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in pairs:
            self._datalist[key].append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class OAuthRequest(OAuth2Request):  # type: ignore[misc]
    """An OAuth request from its parts: query and form as lists of pairs (so repeats are seen)."""

    def __init__(
        self,
        method: str,
        uri: str,
        query: list[tuple[str, str]],
        form: list[tuple[str, str]],
        headers: Mapping[str, str],
    ) -> None:
        super().__init__(method, uri, headers=dict(headers))
        self._query = dict(query)
        self._form = dict(form)
        self.payload = _Payload(query + form)

    @property
    def args(self) -> dict[str, str]:
        return self._query

    @property
    def form(self) -> dict[str, str]:
        return self._form


class ClientModel(ClientMixin):  # type: ignore[misc]
    def __init__(self, row: OAuthClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # every request must name its redirect URI

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in parse_scopes(scope) if s in self.row.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return client_registry.secret_matches(self.row, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.row.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.row.grant_types


class CodeModel(AuthorizationCodeMixin):  # type: ignore[misc]
    def __init__(self, row: AuthorizationCode) -> None:
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope

    def get_nonce(self) -> str | None:
        return self.row.nonce

    def get_auth_time(self) -> int:
        return int(self.row.auth_time.timestamp())

    def get_acr(self) -> str:
        return ""

    def get_amr(self) -> list[str]:
        return list(self.row.methods)


class _S256Only(CodeChallenge):  # type: ignore[misc]
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]  # noqa: RUF012 (authlib's class attribute)

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if data.get("code_challenge_method") != "S256":
            from authlib.oauth2.rfc6749.errors import InvalidRequestError

            raise InvalidRequestError("PKCE is required: code_challenge with code_challenge_method=S256")
        super().validate_code_challenge(grant, redirect_uri)


@dataclass
class Provider(AuthorizationServer):  # type: ignore[misc]
    """One request's authorisation server: the session it works in and the token service."""

    db: Session
    tokens: TokenService

    def __post_init__(self) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.register_token_generator("default", BearerTokenGenerator(self._access_token, _refresh_token))
        self.register_grant(_CodeGrant, [_S256Only(required=True), _OpenIDCode(self, require_nonce=True)])
        self.register_grant(_RefreshGrant)
        self.register_grant(_ClientCredentialsGrant)

    def query_client(self, client_id: str) -> ClientModel | None:
        row = client_registry.find_client(self.db, client_id)
        return ClientModel(row) if row is not None and row.revoked_at is None else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        refresh = token.get("refresh_token")
        if not refresh or request.user is None:
            return
        grantee: Grantee = request.user
        self.db.add(
            RefreshToken(
                id=secrets.token_hex(10),
                token_hash=token_hash(refresh),
                family=grantee.family or token_hash(refresh)[:40],
                client_id=request.client.get_client_id(),
                account_id=grantee.account.id,
                scope=token.get("scope", ""),
                consent_id=grantee.consent_id,
                session_id=grantee.session_id,
                issued_at=utcnow(),
                expires_at=utcnow() + REFRESH_LIFETIME,
            )
        )
        self.db.flush()

    def create_oauth2_request(self, request: OAuthRequest) -> OAuthRequest:
        return request

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]]
    ) -> tuple[int, Any, list[tuple[str, str]]]:
        return status, body, headers

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def _access_token(self, client: ClientModel, grant_type: str, user: Grantee | None, scope: str) -> str:
        if user is None:
            return self.tokens.issue_access_token(
                subject=client.get_client_id(), client_id=client.get_client_id(), scope=scope, kind="client"
            )
        return self.tokens.issue_access_token(
            subject=user.account.id,
            client_id=client.get_client_id(),
            scope=scope,
            kind=user.account.kind,
            consent_id=user.consent_id,
            session_id=user.session_id,
        )


def _refresh_token(client: ClientModel, grant_type: str, user: Grantee | None, scope: str) -> str:
    return secrets.token_urlsafe(32)


class _CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]  # noqa: RUF012
    AUTHORIZATION_CODE_LENGTH = 43

    @property
    def _provider(self) -> Provider:
        provider: Provider = self.server
        return provider

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        grantee: Grantee = request.user
        data = request.payload.data
        self._provider.db.add(
            AuthorizationCode(
                code_hash=token_hash(code),
                client_id=request.client.get_client_id(),
                account_id=grantee.account.id,
                redirect_uri=request.payload.redirect_uri,
                scope=request.payload.scope,
                nonce=data.get("nonce"),
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
                consent_id=grantee.consent_id,
                session_id=grantee.session_id or "",
                auth_time=grantee.auth_time or utcnow(),
                methods=list(grantee.methods),
                expires_at=utcnow() + CODE_LIFETIME,
            )
        )
        self._provider.db.flush()

    def query_authorization_code(self, code: str, client: ClientModel) -> CodeModel | None:
        row = self._provider.db.get(AuthorizationCode, token_hash(code))
        if row is None or row.client_id != client.get_client_id():
            return None
        if row.used_at is not None:  # replayed: revoke what the first use produced (RFC 6749 §4.1.2)
            _revoke_family(self._provider.db, row.code_hash[:40])
            return None
        if row.expires_at <= utcnow():
            return None
        return CodeModel(row)

    def delete_authorization_code(self, authorization_code: CodeModel) -> None:
        authorization_code.row.used_at = utcnow()
        self._provider.db.flush()

    def authenticate_user(self, authorization_code: CodeModel) -> Grantee | None:
        row = authorization_code.row
        account = self._provider.db.get(Account, row.account_id)
        if account is None:
            return None
        return Grantee(
            account,
            session_id=row.session_id or None,
            methods=tuple(row.methods),
            auth_time=row.auth_time,
            consent_id=row.consent_id,
            family=row.code_hash[:40],
        )


class _OpenIDCode(OpenIDCode):  # type: ignore[misc]
    def __init__(self, provider: Provider, require_nonce: bool) -> None:
        super().__init__(require_nonce=require_nonce)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        query = select(AuthorizationCode.code_hash).where(
            AuthorizationCode.client_id == request.payload.client_id, AuthorizationCode.nonce == nonce
        )
        return self.provider.db.scalar(query.limit(1)) is not None

    def resolve_client_private_key(self, client: ClientModel) -> Any:
        return self.provider.tokens.key.jwk

    def get_client_algorithm(self, client: ClientModel) -> str:
        return "RS256"

    def get_encode_header(self, client: ClientModel) -> dict[str, str]:
        return {"alg": "RS256", "kid": self.provider.tokens.key.key_id, "typ": "JWT"}

    def get_client_claims(self, client: ClientModel) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": self.provider.tokens.issuer,
            "aud": [client.get_client_id()],
            "exp": now + ID_TOKEN_SECONDS,
        }

    def generate_user_info(self, user: Grantee, scope: str) -> UserInfo:
        return user_info(user.account, scope)


def user_info(account: Account, scope: str) -> UserInfo:
    """The claims a relying party may see of this account under ``scope``."""
    info = UserInfo(sub=account.id)
    if "profile" in parse_scopes(scope):
        info["name"] = account.display_name
        info["nara_account_kind"] = account.kind
    return info


class _RefreshGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]  # noqa: RUF012
    INCLUDE_NEW_REFRESH_TOKEN = True

    @property
    def _db(self) -> Session:
        provider: Provider = self.server
        return provider.db

    def authenticate_refresh_token(self, refresh_token: str) -> _RefreshModel | None:
        if not refresh_token or len(refresh_token) > 200:
            return None
        row = self._db.scalar(
            select(RefreshToken).where(RefreshToken.token_hash == token_hash(refresh_token))
        )
        if row is None or row.revoked_at is not None:
            return None
        if row.rotated_at is not None:  # a rotated token came back: it was stolen, or the client is broken
            _revoke_family(self._db, row.family)
            return None
        if row.expires_at <= utcnow():
            return None
        return _RefreshModel(row)

    def authenticate_user(self, refresh_token: _RefreshModel) -> Grantee | None:
        row = refresh_token.row
        account = self._db.get(Account, row.account_id)
        if account is None or (
            account.signed_out_everywhere_at is not None and account.signed_out_everywhere_at >= row.issued_at
        ):
            return None
        return Grantee(account, session_id=row.session_id, consent_id=row.consent_id, family=row.family)

    def revoke_old_credential(self, refresh_token: _RefreshModel) -> None:
        refresh_token.row.rotated_at = utcnow()
        self._db.flush()


class _RefreshModel:
    def __init__(self, row: RefreshToken) -> None:
        self.row = row

    def check_client(self, client: ClientModel) -> bool:
        return self.row.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return self.row.scope

    def get_expires_in(self) -> int:
        return int((self.row.expires_at - utcnow()).total_seconds())

    def is_expired(self) -> bool:
        return self.row.expires_at <= utcnow()

    def is_revoked(self) -> bool:
        return self.row.revoked_at is not None


class _ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]  # noqa: RUF012

    def validate_token_request(self) -> None:
        super().validate_token_request()
        asked = parse_scopes(self.request.payload.scope)
        if any(SCOPES[s].user for s in asked if s in SCOPES):
            from authlib.oauth2.rfc6749.errors import InvalidScopeError

            raise InvalidScopeError("client_credentials can only ask for api.read")


def _revoke_family(db: Session, family: str) -> None:
    db.execute(
        update(RefreshToken)
        .where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_refresh_token(db: Session, refresh_token: str, client_id: str) -> None:
    """RFC 7009 revocation of a refresh token (and its family); unknown tokens are silently ignored."""
    row = db.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash(refresh_token)))
    if row is not None and row.client_id == client_id:
        _revoke_family(db, row.family)


__all__ = ["ACCESS_TOKEN_SECONDS", "Grantee", "OAuthRequest", "Provider", "revoke_refresh_token", "user_info"]
