"""Real headless Chromium: a citizen enrols, makes a passkey with a (CDP virtual) authenticator, signs in
with it, and is then signed in to a second government site (the example agency site) without a login page.

Nara's public address is ``http://localhost:<port>`` (WebAuthn needs a domain name); the agency site runs on
another port of localhost. Needs Debian's `chromium`: without it the test is skipped with a clear reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from examples.agency_site.app import create_site
from tests.web.browsing import (
    CHROMIUM,
    NO_CHROMIUM,
    axe_violations,
    chromium,
    enrol_with_code,
    listening_socket,
    nara_served,
    serving,
)

from nara import identity
from nara.identity import passkeys
from nara.kernel.db import transaction
from nara.settings import Settings

pytestmark = pytest.mark.browser
PERSON = "SYN3"  # no other browser test signs in as this resident
CLIENT_ID = "browser-bohunnuri"


@dataclass(frozen=True)
class Sites:
    """Nara (provider and portal, its address and app) and the example agency site, on two localhost ports."""

    nara: str
    app: Any
    agency: str


@pytest.fixture(scope="module")
def sites(engine: object, registries: object, app_settings: Settings) -> Iterator[Sites]:
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    with nara_served(app_settings) as (nara, app):
        sock = listening_socket()
        agency = f"http://localhost:{sock.getsockname()[1]}"
        with transaction(app.state.nara.sessions) as session:
            _, secret = identity.register_client(
                session,
                client_id=CLIENT_ID,
                name="보훈누리 (브라우저 시험)",
                kind="government",
                redirect_uris=[f"{agency}/auth/callback"],
                post_logout_redirect_uris=[f"{agency}/"],
                scopes=["openid", "profile"],
                owner="국가보훈부",
            )
        site = create_site(nara, CLIENT_ID, secret, agency, session_secret="s" * 40)
        with serving(site, sock):
            yield Sites(nara, app, agency)


@pytest.fixture(scope="module")
def browser(sites: Sites) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _virtual_authenticator(context: Any, page: Any) -> tuple[Any, str]:
    """A platform authenticator that holds passkeys and says yes (user present and verified)."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def _nara_pages_visited(requests: list[Any], nara: str, path: str) -> list[str]:
    netloc = urlsplit(nara).netloc
    return [r.url for r in requests if urlsplit(r.url).netloc == netloc and urlsplit(r.url).path == path]


def test_citizen_enrols_signs_in_with_a_passkey_and_is_signed_in_to_another_site(
    browser: Any, sites: Sites
) -> None:
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        # enrol: name and birth date, the code sent to the registered phone, then a passkey
        page.goto(sites.nara + "/enrol")
        assert axe_violations(page) == [], "/enrol"
        name = enrol_with_code(page, sites.app, PERSON)
        assert axe_violations(page) == [], "/enrol/passkey"
        cdp, authenticator = _virtual_authenticator(context, page)
        page.get_by_role("button", name="패스키 만들기").click()
        page.wait_for_url(sites.nara + "/me")  # enrolment goes on to the portal, signed in
        credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
        assert len(credentials) == 1
        assert credentials[0]["isResidentCredential"]
        assert credentials[0]["rpId"] == "localhost"
        with sites.app.state.nara.sessions() as session:
            account = identity.account_of_person(session, PERSON)
            assert account is not None
            assert len(passkeys.passkeys_of(session, account.id)) == 1

        # signed out completely, then back in with the passkey alone
        context.clear_cookies()
        page.goto(sites.nara + "/sign-in?next=/me")
        page.wait_for_url("**/login?continue=*")
        assert axe_violations(page) == [], "/login"
        page.get_by_role("button", name="패스키로 로그인").click()
        page.wait_for_url(sites.nara + "/me")
        assert page.get_by_role("heading", level=1).inner_text() == f"{name}님의 정보"

        # single sign-on: the agency site signs in through Nara without showing a login page
        navigations: list[Any] = []

        def note_navigation(request: Any) -> None:
            if request.is_navigation_request():
                navigations.append(request)

        page.on("request", note_navigation)
        page.goto(sites.agency + "/")
        page.get_by_role("link", name="나라 통합로그인으로 로그인").click()
        page.wait_for_url(sites.agency + "/")
        status = page.locator(".status")
        assert status.inner_text() == f"{name}님, 로그인되어 있습니다"
        assert "passkey" in page.locator("dl").inner_text()  # amr: the provider session's method
        assert _nara_pages_visited(navigations, sites.nara, "/oauth/authorize")
        assert _nara_pages_visited(navigations, sites.nara, "/login") == []
    finally:
        context.close()
