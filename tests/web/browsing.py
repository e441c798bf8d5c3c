"""Shared for the real-browser tests: Debian chromium, a Nara served on ``http://localhost:<port>`` (WebAuthn
needs a domain name, and the portal signs in only on its public address), enrolment with the code from the
development outbox, and axe-core."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn

from nara import identity, registry
from nara.app import create_app
from nara.settings import Settings
from nara.web.state import AppState

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "Debian chromium is not installed (apt-get install chromium): browser tests skipped"
SERIOUS = {"serious", "critical"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def listening_socket() -> socket.socket:
    """A socket bound to a free loopback port, handed to uvicorn (no race for the port)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serving(app: Any, sock: socket.socket) -> Iterator[None]:
    """``app`` served by uvicorn in a background thread on ``sock``, until the block ends."""
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("the test server did not start within 30 seconds")
            time.sleep(0.05)
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def nara_served(app_settings: Settings) -> Iterator[tuple[str, Any]]:
    """Nara on a free port, its public address ``http://localhost:<port>``: (that address, the app)."""
    sock = listening_socket()
    url = f"http://localhost:{sock.getsockname()[1]}"
    app = create_app(app_settings.model_copy(update={"public_url": url}))
    with serving(app, sock):
        yield url, app


def resident(app: Any, person_id: str) -> tuple[str, str]:
    """The registered name and birth date (ISO) of a synthetic resident."""
    store = app.state.nara.exchange.store
    facts = [store.catalogue.facts["member.name"], store.catalogue.facts["member.birth_date"]]
    record = store.read("resident", person_id, facts)
    assert record is not None, person_id
    return str(record["member.name"]), str(record["member.birth_date"])


def enrol_with_code(page: Any, app: Any, person_id: str) -> str:
    """On the enrolment form: proves to be ``person_id`` with the code sent to their phone; their name."""
    name, born = resident(app, person_id)
    page.get_by_label("이름").fill(name)
    page.get_by_label("생년월일").fill(born)
    page.get_by_role("button", name="인증번호 받기").click()
    page.get_by_role("heading", name="인증번호 입력").wait_for()
    state: AppState = app.state.nara
    assert isinstance(state.outbox, identity.DevelopmentOutbox)
    match = re.search(r"인증번호 (\d{6})", state.outbox.messages_to(registry.mobile_phone(person_id))[-1])
    assert match, "no code in the outbox"
    page.get_by_label("인증번호 6자리").fill(match.group(1))
    page.get_by_role("button", name="본인확인 마치기").click()
    page.wait_for_url("**/enrol/passkey?*")
    return name


def enrol_at(page: Any, base_url: str, app: Any, person_id: str, path: str) -> None:
    """Opens ``path`` signed out, enrols as ``person_id`` with the code from the outbox (the passkey step
    skipped) and lands back on ``path``."""
    page.goto(base_url + path)
    page.wait_for_url("**/login?continue=*")
    page.get_by_role("link", name="본인확인하고 가입하기").click()
    enrol_with_code(page, app, person_id)
    page.get_by_role("link", name="나중에 하기").click()
    page.wait_for_url(base_url + path)


def enrolled_cookies(browser: Any, base_url: str, app: Any, person_id: str, path: str) -> list[Any]:
    """The session cookies of ``person_id`` after enrolling with JavaScript on (see ``enrol_at``), for
    contexts that then run with other settings (no JavaScript, a phone screen)."""
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(20_000)
    enrol_at(page, base_url, app, person_id, path)
    cookies: list[Any] = context.cookies()
    context.close()
    return cookies


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def axe_violations(page: Any, impacts: set[str] | None = None) -> list[str]:
    """axe-core's violations on the page: of these impacts, or every one when ``impacts`` is None."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if impacts is None or v.get("impact") in impacts
    ]
