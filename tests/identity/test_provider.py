"""The OpenID Connect provider end to end (test client): a third-party app gets a citizen's delegated
consent and calls the eligibility API; every attack on the protocol is refused and logged."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient
from tests.identity.journeys import bearer, csrf_of, signed_in, state_of, token_for

from nara import audit, identity
from nara.kernel.db import transaction

APP_REDIRECT = "http://localhost:9999/callback"


def register_app(client: TestClient, **overrides: Any) -> tuple[str, str]:
    client_id = overrides.pop("client_id", f"app-{secrets.token_hex(4)}")
    with transaction(state_of(client).sessions) as session:
        _, secret = identity.register_client(
            session,
            client_id=client_id,
            name="마음돌봄 앱",
            kind=overrides.pop("kind", "third_party"),
            redirect_uris=[APP_REDIRECT],
            scopes=overrides.pop("scopes", ["openid", "profile", "eligibility"]),
            owner="(주)마음",
            grant_types=overrides.pop("grant_types", ["authorization_code", "refresh_token"]),
            **overrides,
        )
    return client_id, secret


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def authorize_query(client_id: str, challenge: str, **extra: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": APP_REDIRECT,
        "scope": "openid profile eligibility",
        "state": "st-1",
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    } | extra
    return "/oauth/authorize?" + urlencode(query)


def approve(client: TestClient, client_id: str, challenge: str) -> str:
    """The signed-in citizen approves the app on the consent page; returns the authorisation code."""
    page = client.get(authorize_query(client_id, challenge), follow_redirects=False)
    assert page.status_code == 200, page.text
    assert "공공기관이 가진 내 정보로 받을 수 있는 혜택 찾기" in page.text
    fields = dict(parse_qs(urlsplit(authorize_query(client_id, challenge)).query, keep_blank_values=True))
    form = {key: values[0] for key, values in fields.items()}
    form |= {"csrf_token": csrf_of(page.text), "decision": "approve", "nonce": _field(page.text, "nonce")}
    back = client.post("/oauth/authorize", data=form, follow_redirects=False)
    assert back.status_code == 302, back.text
    location = urlsplit(back.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == APP_REDIRECT
    return parse_qs(location.query)["code"][0]


def _field(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def exchange(client: TestClient, client_id: str, secret: str, **form: str) -> Any:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return client.post("/oauth/token", data=form, headers={"Authorization": f"Basic {basic}"})


def code_tokens(client: TestClient, person: str) -> tuple[str, str, dict[str, Any]]:
    client_id, secret = register_app(client)
    verifier, challenge = pkce()
    with signed_in(client, person):
        code = approve(client, client_id, challenge)
    response = exchange(
        client, client_id, secret, grant_type="authorization_code", code=code, redirect_uri=APP_REDIRECT,
        code_verifier=verifier,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    return client_id, secret, response.json() | {"code": code, "verifier": verifier}


def refusals(client: TestClient, event: str) -> list[audit.SecurityRecord]:
    with state_of(client).sessions() as session:
        return audit.security_events(session, event=event, limit=500)


def test_discovery_and_keys(client: TestClient) -> None:
    document = client.get("/.well-known/openid-configuration").json()
    assert document["issuer"] == "http://localhost:8000"
    assert document["code_challenge_methods_supported"] == ["S256"]
    keys = client.get("/oauth/jwks").json()["keys"]
    assert keys[0]["kty"] == "RSA"
    assert "d" not in keys[0]


def test_an_app_uses_the_citizens_delegated_consent_and_stops_when_it_is_revoked(client: TestClient) -> None:
    client_id, _, tokens = code_tokens(client, "SYN5")
    claims = state_of(client).tokens.verify_id_token(tokens["id_token"], audience=client_id)
    assert claims["name"]
    result = client.get("/api/v1/eligibility/me", headers=bearer(tokens["access_token"]))
    assert result.status_code == 200, result.text
    results = result.json()["results"]
    assert any(r["status"] != "undetermined" for r in results)  # the registries' facts settled something
    answered = {"members.me.birth_date", "household.region", "household.income_recognised_monthly"}
    assert not any(answered & set(r["missing_facts"]) for r in results), "a fact the registries hold is asked"
    with signed_in(client, "SYN5"):
        log = client.get("/me/access-log").text
        assert client_id in log
        consents = client.get("/me/consents").text
        assert "마음돌봄 앱" in consents
    consent_id = state_of(client).tokens.verify_access_token(tokens["access_token"]).consent_id
    with signed_in(client, "SYN5"):
        token = csrf_of(client.get("/me/consents").text)
        client.post(f"/me/consents/{consent_id}/revoke", data={"csrf_token": token})
    refused = client.get("/api/v1/eligibility/me", headers=bearer(tokens["access_token"]))
    assert (refused.status_code, refused.json()["code"]) == (403, "consent.revoked")


def test_a_replayed_code_is_refused_and_revokes_what_it_gave(client: TestClient) -> None:
    client_id, secret, tokens = code_tokens(client, "SYN7")
    again = exchange(
        client, client_id, secret, grant_type="authorization_code", code=tokens["code"], redirect_uri=APP_REDIRECT,
        code_verifier=tokens["verifier"],
    )  # fmt: skip
    assert again.json()["error"] == "invalid_grant"
    refresh = exchange(
        client, client_id, secret, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refresh.json()["error"] == "invalid_grant"
    assert refusals(client, "oauth.token_refused")


def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_family(client: TestClient) -> None:
    client_id, secret, tokens = code_tokens(client, "SYN8")
    first = exchange(
        client, client_id, secret, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert first.status_code == 200, first.text
    newer = first.json()["refresh_token"]
    assert newer != tokens["refresh_token"]
    reused = exchange(
        client, client_id, secret, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert reused.json()["error"] == "invalid_grant"
    after = exchange(client, client_id, secret, grant_type="refresh_token", refresh_token=newer)
    assert after.json()["error"] == "invalid_grant"


def test_pkce_is_required_and_the_verifier_must_match(client: TestClient) -> None:
    client_id, secret = register_app(client)
    _, challenge = pkce()
    with signed_in(client, "SYN9"):
        plain = client.get(
            authorize_query(client_id, challenge, code_challenge_method="plain"), follow_redirects=False
        )
        assert plain.status_code == 302
        assert "error=invalid_request" in plain.headers["location"]
        code = approve(client, client_id, challenge)
    wrong = exchange(
        client, client_id, secret, grant_type="authorization_code", code=code, redirect_uri=APP_REDIRECT,
        code_verifier=secrets.token_urlsafe(48),
    )  # fmt: skip
    assert wrong.json()["error"] == "invalid_grant"


def test_unregistered_redirect_uris_are_never_redirected_to(client: TestClient) -> None:
    client_id, _ = register_app(client)
    _, challenge = pkce()
    for evil in (
        "https://evil.example/cb",
        APP_REDIRECT + "/../x",
        APP_REDIRECT + "?next=https://evil.example",
    ):
        response = client.get(
            authorize_query(client_id, challenge, redirect_uri=evil), follow_redirects=False
        )
        assert response.status_code == 400
        assert "location" not in response.headers
    unknown = client.get(authorize_query("no-such-app", challenge), follow_redirects=False)
    assert unknown.status_code == 400
    assert refusals(client, "oauth.authorize_refused")


def _forged(header: dict[str, Any], claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part(header)}.{part(claims)}."


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("garbage", lambda good, claims: "not-a-token"),
        ("alg none", lambda good, claims: _forged({"alg": "none", "typ": "at+jwt"}, claims)),
        (
            "bad signature",
            lambda good, claims: good[:-6] + ("AAAAAA" if not good.endswith("AAAAAA") else "BBBBBB"),
        ),
    ],
)
def test_malformed_and_unsigned_tokens_are_refused_and_logged(
    client: TestClient, name: str, make: Any
) -> None:
    good = token_for(client, "SYN0")
    claims = json.loads(base64.urlsafe_b64decode(good.split(".")[1] + "=="))
    response = client.get("/api/v1/me/consents", headers=bearer(make(good, claims)))
    assert response.status_code == 401, name
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert refusals(client, "access.refused")[0].reason in {
        "malformed",
        "algorithm_not_allowed",
        "bad_signature",
    }


def test_wrong_audience_expired_and_future_tokens_are_refused(client: TestClient) -> None:
    tokens = state_of(client).tokens
    account = token_for(client, "SYN0")
    subject = tokens.verify_access_token(account).subject
    now = int(time.time())
    key = tokens.key
    base = {
        "iss": tokens.issuer,
        "sub": subject,
        "client_id": "nara-portal",
        "scope": "mydata",
        "kind": "citizen",
        "jti": "x",
    }
    cases = {
        "wrong_audience": base | {"aud": "https://elsewhere.example/api", "iat": now, "exp": now + 60},
        "expired": base | {"aud": tokens.api_audience, "iat": now - 4000, "exp": now - 3000},
        "issued_in_future": base | {"aud": tokens.api_audience, "iat": now + 3600, "exp": now + 3700},
    }
    for reason, claims in cases.items():
        response = client.get("/api/v1/me/consents", headers=bearer(key.sign(claims, "at+jwt")))
        assert response.status_code == 401, reason
        assert refusals(client, "access.refused")[0].reason == reason
    id_token_typed = key.sign(cases["wrong_audience"] | {"aud": tokens.api_audience}, "JWT")
    assert client.get("/api/v1/me/consents", headers=bearer(id_token_typed)).status_code == 401


def test_a_token_needs_the_scope_and_the_kind_of_caller(client: TestClient) -> None:
    narrow = token_for(client, "SYN0", scope="openid")
    response = client.get("/api/v1/me/facts", headers=bearer(narrow))
    assert (response.status_code, response.json()["code"]) == (403, "access.insufficient_scope")
    no_consent = token_for(client, "SYN0", scope="eligibility")
    assert (
        client.get("/api/v1/eligibility/me", headers=bearer(no_consent)).json()["code"] == "access.no_consent"
    )


def test_client_credentials_rate_limits_and_instant_revocation(client: TestClient) -> None:
    client_id, secret = register_app(
        client, scopes=["api.read"], grant_types=["client_credentials"], requests_per_minute=3
    )
    asked_for_more = exchange(client, client_id, secret, grant_type="client_credentials", scope="eligibility")
    assert asked_for_more.json()["error"] == "invalid_scope"
    wrong_secret = exchange(client, client_id, "nope", grant_type="client_credentials", scope="api.read")
    assert wrong_secret.json()["error"] == "invalid_client"
    token = exchange(client, client_id, secret, grant_type="client_credentials", scope="api.read").json()
    answers = [
        client.get("/api/v1/life-events", headers=bearer(token["access_token"])).status_code for _ in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    with transaction(state_of(client).sessions) as session:
        identity.revoke_client(session, client_id)
    state_of(client).revocations.forget(client_id=client_id)
    assert client.get("/api/v1/life-events", headers=bearer(token["access_token"])).status_code == 401
    assert refusals(client, "access.refused")[0].reason == "client_revoked"


def test_one_time_codes_lock_after_five_wrong_tries(client: TestClient) -> None:
    with signed_in(client, "SYN10"):
        pass
    client.cookies.clear()
    from nara import registry

    phone = registry.mobile_phone("SYN10")
    page = client.get("/login")
    sent = client.post("/login/code", data={"csrf_token": csrf_of(page.text), "phone": phone})
    code_id = _field(sent.text, "code_id")
    token = csrf_of(sent.text)
    statuses = [
        client.post(
            "/login/code/verify", data={"csrf_token": token, "code_id": code_id, "code": "000000"}
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [400] * 6
    locked = client.post(
        "/login/code/verify", data={"csrf_token": token, "code_id": code_id, "code": "000000"}
    )
    assert "잠겼습니다" in locked.text
    assert any(r.reason == "identity.code_locked" for r in refusals(client, "identity.code_refused"))


def test_sign_out_everywhere_ends_sessions_and_tokens(client: TestClient) -> None:
    token = token_for(client, "SYN11")
    assert client.get("/api/v1/me/consents", headers=bearer(token)).status_code == 200
    time.sleep(1.01)  # token iat has one-second resolution
    with signed_in(client, "SYN11"):
        done = client.post("/sign-out-everywhere", data={"csrf_token": csrf_of(client.get("/me").text)})
        assert done.status_code == 200
        assert client.get("/me", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/me/consents", headers=bearer(token)).status_code == 401


def test_logout_with_an_id_token_hint_returns_only_to_a_registered_address(client: TestClient) -> None:
    client_id, _, tokens = code_tokens(client, "SYN13")
    with transaction(state_of(client).sessions) as session:
        found = identity.find_client(session, client_id)
        assert found is not None
        found.post_logout_redirect_uris = ["http://localhost:9999/bye"]
    with signed_in(client, "SYN13"):
        asked = client.get("/oauth/logout", params={"client_id": client_id}, follow_redirects=False)
        assert "로그아웃할까요" in asked.text  # no hint: a link alone cannot sign anyone out
        assert client.get(authorize_query(client_id, pkce()[1]), follow_redirects=False).status_code == 200
        hinted = {"client_id": client_id, "id_token_hint": tokens["id_token"]}
        evil = client.get(
            "/oauth/logout", params=hinted | {"post_logout_redirect_uri": "https://evil.example/"}
        )
        assert "로그아웃되었습니다" in evil.text
        gone = client.get(authorize_query(client_id, pkce()[1]), follow_redirects=False)
        assert gone.headers["location"].startswith("/login")  # the provider session ended
    with signed_in(client, "SYN13"):
        back = client.get(
            "/oauth/logout",
            params=hinted | {"post_logout_redirect_uri": "http://localhost:9999/bye"},
            follow_redirects=False,
        )
        assert back.headers["location"] == "http://localhost:9999/bye"
        confirm = client.get("/oauth/logout", params={"client_id": client_id}).text
        confirmed = client.post(
            "/oauth/logout",
            data={"csrf_token": csrf_of(confirm), "back": "https://evil.example/"},
            follow_redirects=False,
        )
        assert confirmed.status_code == 200
        assert "로그아웃되었습니다" in confirmed.text


def test_portal_sign_out_ends_the_portal_and_provider_sessions(client: TestClient) -> None:
    with signed_in(client, "SYN14"):
        done = client.post(
            "/sign-out", data={"csrf_token": csrf_of(client.get("/me").text)}, follow_redirects=False
        )
        assert done.headers["location"] == "/"
        assert client.get("/me", follow_redirects=False).status_code == 303
        restart = client.get("/sign-in?next=/me", follow_redirects=False)
        authorize = client.get(restart.headers["location"], follow_redirects=False)
        assert authorize.headers["location"].startswith("/login")
