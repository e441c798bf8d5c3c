"""Real headless Chromium: every page type passes an axe-core scan, and the citizen's main journey works.

Needs Debian's `chromium` (installed by .ci/run). Without it these tests are skipped with a clear reason.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from nara.app import create_app
from nara.settings import Settings

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def base_url(engine: object, registries: object, app_settings: Settings) -> Iterator[str]:
    if CHROMIUM is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium): browser tests skipped")
    port = _free_port()
    app = create_app(app_settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start within 30 seconds")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


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


def _serious_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in _SERIOUS
    ]


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


def test_a_citizen_signs_in_sees_their_data_consents_and_revokes(page: Any, base_url: str) -> None:
    page.goto(base_url + "/me")
    page.wait_for_url("**/dev/sign-in")
    assert "개발용" in page.locator("h1").inner_text()
    assert _serious_violations(page) == []
    page.get_by_role("button", name="이 사람으로 보기").click()
    page.wait_for_url("**/me")
    assert page.get_by_role("heading", name="주민등록 (행정안전부)").count() == 1
    for path in ("/me", "/me/consents", "/me/access-log", "/me/download"):
        page.goto(base_url + path)
        assert page.locator("h1").count() == 1
        assert _serious_violations(page) == [], path
    page.goto(base_url + "/me/consents")
    page.get_by_label("누구에게").select_option("third_party:maum-app")
    page.get_by_label("세대원 수").check()
    page.get_by_role("button", name="동의하기").click()
    assert "동의했습니다" in page.content()
    page.get_by_role("button", name="동의 철회 (마음돌봄 앱 (시험용 제3자 서비스))").first.click()
    assert "동의를 철회했습니다" in page.content()
    page.goto(base_url + "/me/access-log")
    assert "본인 정보 열람" in page.content()
