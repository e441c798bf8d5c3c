"""Real headless Chromium: every page type passes an axe-core scan, and the citizen's main journey works.

Needs Debian's `chromium` (installed by .ci/run). Without it these tests are skipped with a clear reason.
The server's public address is ``http://localhost:<port>``: WebAuthn needs a domain name, and the portal
signs in only on its public address.
"""

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

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "Debian chromium is not installed (apt-get install chromium): browser tests skipped"
_SERIOUS = {"serious", "critical"}
_CHROMIUM_ARGS = [
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


@pytest.fixture(scope="module")
def served(engine: object, registries: object, app_settings: Settings) -> Iterator[tuple[str, Any]]:
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    with nara_served(app_settings) as url_and_app:
        yield url_and_app


@pytest.fixture(scope="module")
def base_url(served: tuple[str, Any]) -> str:
    return served[0]


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=_CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def axe_violations(page: Any, impacts: set[str] | None = None) -> list[str]:
    """axe-core's violations on the page: of these impacts, or every one when ``impacts`` is None."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if impacts is None or v.get("impact") in impacts
    ]


def _serious_violations(page: Any) -> list[str]:
    return axe_violations(page, _SERIOUS)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=출산",
        "/search?q=없는말없는말없는말&field=보건·의료",
        "/services/135200005015",
        "/life-events",
        "/life-events/old-age",
        "/agencies",
        "/services/NOPE",
    ],
)
def test_page_has_no_serious_accessibility_violation(page: Any, base_url: str, path: str) -> None:
    page.goto(base_url + path)
    assert page.locator("h1").count() == 1
    assert _serious_violations(page) == []


def test_agency_page_is_accessible(page: Any, base_url: str) -> None:
    page.goto(base_url + "/services/135200005015")
    page.get_by_role("link", name="보건복지부", exact=True).click()
    assert "보건복지부" in page.locator("h1").inner_text()
    assert _serious_violations(page) == []


def test_citizen_searches_birth_with_the_keyboard_and_opens_the_voucher(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "본문으로 바로 가기"
    page.get_by_label("어떤 도움이 필요하세요?").fill("출산")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert "첫만남이용권" in page.content()
    assert "부모급여" in page.content()
    page.get_by_role("link", name="첫만남이용권").first.click()
    assert page.locator("h1").inner_text() == "첫만남이용권"
    assert page.get_by_role("link", name="정부24 서비스 안내(보건복지부 첫만남이용권)").count() == 1


def test_narrow_phone_screen_has_no_horizontal_scroll(browser: Any, base_url: str) -> None:
    context = browser.new_context(locale="ko-KR", viewport={"width": 360, "height": 740})
    phone = context.new_page()
    for path in ("/", "/search?q=기초연금", "/services/135200005015"):
        phone.goto(base_url + path)
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    context.close()


def test_a_citizen_signs_in_sees_their_data_consents_and_revokes(page: Any, served: tuple[str, Any]) -> None:
    base_url, app = served
    page.goto(base_url + "/me")
    page.wait_for_url("**/login?continue=*")  # through the portal's sign-in and the provider's authorize
    page.get_by_role("link", name="본인확인하고 가입하기").click()
    page.wait_for_url("**/enrol?continue=*")
    assert _serious_violations(page) == []
    enrol_with_code(page, app, "SYN5")
    page.get_by_role("link", name="나중에 하기").click()  # no passkey: back to authorize, then the portal
    page.wait_for_url(base_url + "/me")
    assert page.get_by_role("heading", name="주민등록 (행정안전부)").count() == 1
    for path in ("/me", "/me/consents", "/me/access-log", "/me/download"):
        page.goto(base_url + path)
        assert page.locator("h1").count() == 1
        assert _serious_violations(page) == [], path
    page.goto(base_url + "/me/consents")
    page.get_by_label("누구에게").select_option("agency:mohw")  # always offered (apps come and go)
    page.get_by_label("세대원 수").check()
    page.get_by_role("button", name="동의하기").click()
    assert "동의했습니다" in page.content()
    page.get_by_role("button", name="동의 철회 (보건복지부)").first.click()
    assert "동의를 철회했습니다" in page.content()
    page.goto(base_url + "/me/access-log")
    assert "본인 정보 열람" in page.content()
