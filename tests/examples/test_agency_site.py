"""The example agency site (a second relying party) against a tiny fake OpenID Connect provider.

The fake provider is a real HTTP server (uvicorn in a thread on a free port), because the site's authlib
client fetches the discovery document, the keys and the tokens over httpx. The site itself is driven
with Starlette's TestClient, which keeps its session cookie. The end-to-end test against Nara's own
provider lives with the provider.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import uvicorn
from examples.agency_site import app as agency_app
from examples.agency_site.app import create_site
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

CLIENT_ID = "example-agency"
CLIENT_SECRET = "client-secret-for-tests"
SITE = "http://testserver"  # the TestClient's own address, used as the site's base URL
CALLBACK = f"{SITE}/auth/callback"
SUB = "nara-citizen-0001"
SIGNED_IN = "홍길동님, 로그인되어 있습니다"
LOGIN_LINK = '<a class="button" href="/login">나라 통합로그인으로 로그인</a>'


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@dataclass
class FakeProvider:
    """What the fake provider saw and how it misbehaves; reset before every test."""

    issuer: str
    key: RSAKey
    signing_key: RSAKey | None = None  # sign ID tokens with another key than the published one
    claim_overrides: dict[str, Any] = field(default_factory=dict)
    metadata_overrides: dict[str, Any] = field(default_factory=dict)
    grants: dict[str, dict[str, str]] = field(default_factory=dict)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    id_tokens: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.signing_key = None
        self.claim_overrides.clear()
        self.metadata_overrides.clear()
        self.grants.clear()
        self.authorize_requests.clear()
        self.token_requests.clear()
        self.id_tokens.clear()

    def app(self) -> Starlette:
        async def discovery(request: Request) -> Response:
            return JSONResponse(
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{self.issuer}/oauth/authorize",
                    "token_endpoint": f"{self.issuer}/oauth/token",
                    "userinfo_endpoint": f"{self.issuer}/oauth/userinfo",
                    "jwks_uri": f"{self.issuer}/oauth/jwks",
                    "end_session_endpoint": f"{self.issuer}/oauth/logout",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                    "code_challenge_methods_supported": ["S256"],
                    "scopes_supported": ["openid", "profile"],
                    **self.metadata_overrides,
                }
            )

        async def jwks(request: Request) -> Response:
            return JSONResponse(KeySet([self.key]).as_dict(private=False))

        async def authorize(request: Request) -> Response:
            params = dict(request.query_params)
            self.authorize_requests.append(params)
            valid = (
                params.get("response_type") == "code"
                and params.get("client_id") == CLIENT_ID
                and params.get("redirect_uri") == CALLBACK
                and "openid" in params.get("scope", "").split()
                and params.get("code_challenge_method") == "S256"
                and params.get("code_challenge")
                and params.get("nonce")
                and params.get("state")
            )
            if not valid:
                return JSONResponse({"error": "invalid_request"}, status_code=400)
            code = secrets.token_urlsafe(16)
            self.grants[code] = params
            query = urlencode({"code": code, "state": params["state"]})
            return RedirectResponse(f"{params['redirect_uri']}?{query}", status_code=302)

        async def token(request: Request) -> Response:
            form = {key: values[0] for key, values in parse_qs((await request.body()).decode()).items()}
            self.token_requests.append(form)
            basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if request.headers.get("authorization") != f"Basic {basic}":
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            grant = self.grants.pop(form.get("code", ""), None)
            if (
                grant is None
                or form.get("grant_type") != "authorization_code"
                or form.get("redirect_uri") != grant["redirect_uri"]
                or _s256(form.get("code_verifier", "")) != grant["code_challenge"]
            ):
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            now = int(time.time())
            claims: dict[str, Any] = {
                "iss": self.issuer,
                "sub": SUB,
                "aud": CLIENT_ID,
                "exp": now + 300,
                "iat": now,
                "auth_time": now,
                "nonce": grant["nonce"],
                "amr": ["pwd", "otp"],
                "name": "홍길동",
                **self.claim_overrides,
            }
            signing_key = self.signing_key or self.key
            id_token = jwt.encode({"alg": "RS256", "kid": signing_key.kid}, claims, signing_key)
            self.id_tokens.append(id_token)
            return JSONResponse(
                {
                    "access_token": secrets.token_urlsafe(16),
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": id_token,
                },
                headers={"Cache-Control": "no-store"},
            )

        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", discovery),
                Route("/oauth/jwks", jwks),
                Route("/oauth/authorize", authorize),
                Route("/oauth/token", token, methods=["POST"]),
            ]
        )


def _rsa_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@pytest.fixture(scope="module")
def running_provider() -> Iterator[FakeProvider]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    provider = FakeProvider(issuer=f"http://127.0.0.1:{sock.getsockname()[1]}", key=_rsa_key("provider-key"))
    server = uvicorn.Server(uvicorn.Config(provider.app(), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not server.started:
        assert time.monotonic() < deadline, "the fake provider did not start"
        time.sleep(0.01)
    yield provider
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture
def provider(running_provider: FakeProvider) -> FakeProvider:
    running_provider.reset()
    return running_provider


@pytest.fixture
def site(provider: FakeProvider) -> Iterator[TestClient]:
    app = create_site(provider.issuer, CLIENT_ID, CLIENT_SECRET, SITE, "session-secret-for-tests")
    with TestClient(app, base_url=SITE, follow_redirects=False) as client:
        yield client


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def _without_query(url: str) -> str:
    return url.split("?", 1)[0]


def _through_provider(site: TestClient) -> str:
    """Start a login at the site and let the provider approve it; returns the callback URL."""
    login = site.get("/login")
    assert login.status_code == 302
    approved = httpx.get(login.headers["location"], follow_redirects=False)
    assert approved.status_code == 302, approved.text
    callback = approved.headers["location"]
    assert _without_query(callback) == CALLBACK
    return callback


def _assert_signed_out(site: TestClient) -> None:
    home = site.get("/")
    assert LOGIN_LINK in home.text
    assert "로그인되어 있습니다" not in home.text


def _assert_refused(response: httpx.Response, message: str) -> None:
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>로그인하지 못했습니다</h1>" in response.text
    assert message in response.text
    assert "Traceback" not in response.text


def test_home_signed_out_offers_the_nara_login_link(site: TestClient) -> None:
    home = site.get("/")
    assert home.status_code == 200
    assert '<html lang="ko">' in home.text
    assert '<main id="main">' in home.text
    assert "<h1>" in home.text
    assert LOGIN_LINK in home.text
    assert "<script" not in home.text
    assert "<link" not in home.text
    assert "src=" not in home.text
    assert "default-src 'none'" in home.headers["content-security-policy"]


def test_login_redirects_to_the_provider_with_pkce_s256_and_a_nonce(
    site: TestClient, provider: FakeProvider
) -> None:
    login = site.get("/login")
    assert login.status_code == 302
    location = login.headers["location"]
    assert _without_query(location) == f"{provider.issuer}/oauth/authorize"
    params = _query(location)
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == CALLBACK
    assert set(params["scope"].split()) == {"openid", "profile"}
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43  # base64url of a SHA-256 digest, unpadded
    assert params["nonce"]
    assert params["state"]
    again = _query(site.get("/login").headers["location"])
    assert again["state"] != params["state"]
    assert again["nonce"] != params["nonce"]
    assert again["code_challenge"] != params["code_challenge"]


def test_callback_signs_in_and_the_home_page_shows_the_name(site: TestClient, provider: FakeProvider) -> None:
    signed_in = site.get(_through_provider(site))
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/"
    # the fake token endpoint only answers when the code_verifier hashes to the code_challenge
    (token_request,) = provider.token_requests
    assert _s256(token_request["code_verifier"]) == provider.authorize_requests[-1]["code_challenge"]
    assert "client_secret" not in token_request  # client_secret_basic: in the Authorization header
    home = site.get("/")
    assert home.status_code == 200
    assert SIGNED_IN in home.text
    assert SUB in home.text
    assert "pwd, otp" in home.text
    assert '<a href="/logout">' in home.text
    assert home.headers["cache-control"] == "no-store"


def test_callback_with_a_wrong_state_is_refused(site: TestClient, provider: FakeProvider) -> None:
    callback = _through_provider(site)
    params = _query(callback)
    forged = f"{CALLBACK}?{urlencode({'code': params['code'], 'state': 'forged-state'})}"
    _assert_refused(site.get(forged), "로그인 요청이 만료되었거나 올바르지 않습니다")
    assert provider.token_requests == []  # the code was never redeemed
    _assert_signed_out(site)


def test_callback_without_a_login_started_here_is_refused(site: TestClient) -> None:
    _assert_refused(
        site.get("/auth/callback?code=abc&state=xyz"), "로그인 요청이 만료되었거나 올바르지 않습니다"
    )
    _assert_signed_out(site)


def test_callback_with_access_denied_shows_a_korean_message(site: TestClient) -> None:
    state = _query(site.get("/login").headers["location"])["state"]
    refused = site.get(f"/auth/callback?error=access_denied&state={state}")
    _assert_refused(refused, "로그인을 취소했거나 정보 제공에 동의하지 않아")
    _assert_signed_out(site)


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"nonce": "not-the-nonce-we-sent"}, id="wrong-nonce"),
        pytest.param({"aud": "another-agency"}, id="wrong-aud"),
        pytest.param({"aud": ["another-agency"], "azp": CLIENT_ID}, id="aud-list-without-us"),
        pytest.param({"iss": "http://127.0.0.1:9/elsewhere"}, id="wrong-iss"),
        pytest.param({"iat": 1_000_000_000, "exp": 1_000_000_300}, id="expired"),
    ],
)
def test_an_id_token_with_wrong_claims_is_refused(
    site: TestClient, provider: FakeProvider, overrides: dict[str, Any]
) -> None:
    provider.claim_overrides.update(overrides)
    _assert_refused(site.get(_through_provider(site)), "응답을 확인할 수 없어 로그인하지 않았습니다")
    assert len(provider.id_tokens) == 1  # issued, but not accepted
    _assert_signed_out(site)


def test_an_id_token_signed_with_another_key_is_refused(site: TestClient, provider: FakeProvider) -> None:
    provider.signing_key = _rsa_key("provider-key")  # same kid, different key
    _assert_refused(site.get(_through_provider(site)), "응답을 확인할 수 없어 로그인하지 않았습니다")
    _assert_signed_out(site)


def test_logout_ends_the_session_and_redirects_to_the_end_session_endpoint(
    site: TestClient, provider: FakeProvider
) -> None:
    assert site.get(_through_provider(site)).status_code == 303
    logout = site.get("/logout")
    assert logout.status_code == 303
    location = logout.headers["location"]
    assert _without_query(location) == f"{provider.issuer}/oauth/logout"
    assert _query(location) == {
        "id_token_hint": provider.id_tokens[-1],
        "post_logout_redirect_uri": f"{SITE}/",
        "client_id": CLIENT_ID,
    }
    _assert_signed_out(site)


def test_logout_when_signed_out_just_goes_home(site: TestClient) -> None:
    logout = site.get("/logout")
    assert logout.status_code == 303
    assert logout.headers["location"] == "/"


def test_login_refuses_a_discovery_document_for_another_issuer(
    site: TestClient, provider: FakeProvider
) -> None:
    provider.metadata_overrides["issuer"] = "http://127.0.0.1:9"
    page = site.get("/login")
    assert page.status_code == 502
    assert "연결 설정이 올바르지 않습니다" in page.text
    assert provider.authorize_requests == []


def test_login_when_the_provider_is_unreachable_shows_a_korean_message() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        issuer = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_site(issuer, CLIENT_ID, CLIENT_SECRET, SITE, "session-secret-for-tests")
    with TestClient(app, base_url=SITE, follow_redirects=False) as client:
        page = client.get("/login")
    assert page.status_code == 502
    assert "나라 통합로그인 서버에 연결할 수 없습니다" in page.text
    assert "Traceback" not in page.text


def test_main_needs_the_client_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NARA_EXAMPLE_CLIENT_SECRET", raising=False)
    with pytest.raises(SystemExit) as exited:
        agency_app.main()
    assert "NARA_EXAMPLE_CLIENT_SECRET" in str(exited.value.code)


def test_main_serves_on_the_base_url_host_and_port(monkeypatch: pytest.MonkeyPatch) -> None:
    served: dict[str, Any] = {}

    def fake_run(app: Starlette, host: str, port: int) -> None:
        served.update(app=app, host=host, port=port)

    monkeypatch.setattr(agency_app.uvicorn, "run", fake_run)
    monkeypatch.setenv("NARA_EXAMPLE_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("NARA_EXAMPLE_BASE_URL", "http://127.0.0.1:8123")
    monkeypatch.setenv("NARA_EXAMPLE_SESSION_SECRET", "session-secret-for-tests")
    agency_app.main()
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert isinstance(served["app"], Starlette)
