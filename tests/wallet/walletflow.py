"""Helpers for the wallet's web tests: a verifier's own browser, requests, and the citizen's steps."""

from __future__ import annotations

import re
import time
from html import unescape

from fastapi.testclient import TestClient
from tests.identity.journeys import csrf_of, state_of

from nara.wallet.context import WalletContext
from nara.wallet.statuses import StatusChecker

ADDRESS_ONLY = "address-only"


def wallet_ctx(client: TestClient) -> WalletContext:
    ctx: WalletContext = client.app.state.wallet  # type: ignore[attr-defined]
    return ctx


def verifier_browser(client: TestClient, name: str = "나라은행 시청지점", retention: int = 30) -> TestClient:
    """A second browser (its own cookies) registered as a verifier."""
    browser = TestClient(
        client.app, base_url=state_of(client).settings.public_url, raise_server_exceptions=False
    )
    page = browser.get("/verifier")
    registered = browser.post(
        "/verifier/register",
        data={
            "csrf_token": csrf_of(page.text),
            "name": name,
            "purpose": "계좌 개설 때 주소 확인",
            "retention_days": str(retention),
        },
    )
    assert registered.status_code == 200, registered.text
    return browser


def new_request(verifier: TestClient, preset: str = ADDRESS_ONLY) -> tuple[str, str]:
    """(the request page's path, the same-device link into the citizen's wallet)."""
    home = verifier.get("/verifier")
    made = verifier.post(
        "/verifier/requests",
        data={"csrf_token": csrf_of(home.text), "preset": preset},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    page = verifier.get(made.headers["location"])
    match = re.search(r'href="(/wallet/present\?request=[^"]+)"', page.text)
    assert match, page.text
    return made.headers["location"], unescape(match.group(1))


def issue(client: TestClient, doc: str = "resident-register-extract") -> None:
    """The signed-in citizen gets a certificate into their web wallet."""
    token = csrf_of(client.get("/wallet").text)
    done = client.post("/wallet/issue", data={"csrf_token": token, "doc": doc}, follow_redirects=False)
    assert done.status_code == 303, done.text


def present(client: TestClient, same_device: str, claims: list[str]) -> str:
    """Open the request in the wallet and send ``claims``; the result page's text."""
    page = client.get(same_device)
    assert page.status_code == 200, page.text
    group = re.search(r'name="group" value="([^"]+)"', page.text)
    link = re.search(r'name="request" value="([^"]+)"', page.text)
    assert group, page.text
    assert link, page.text
    sent = client.post(
        "/wallet/present",
        data={
            "csrf_token": csrf_of(page.text),
            "request": unescape(link.group(1)),
            "group": group.group(1),
            "claims": claims,
            "action": "submit",
        },
    )
    assert sent.status_code == 200, sent.text
    return sent.text


def a_minute_later(client: TestClient) -> None:
    """The verifiers' status-list cache as it is once every cached list's ttl has passed."""
    ctx = wallet_ctx(client)
    later = time.time() + ctx.status_ttl + 1
    ctx.checker = StatusChecker(ctx, clock=lambda: later)
