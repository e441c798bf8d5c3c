"""Real headless Chromium: every page type passes an axe-core scan, and the citizen's main journey works.

Needs Debian's `chromium` (installed by .ci/run). Without it these tests are skipped with a clear reason.
Fixtures (``served``, ``base_url``, ``browser``) are in conftest.py, helpers in browsing.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.web.browsing import SERIOUS, axe_violations, enrol_with_code

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def _serious_violations(page: Any) -> list[str]:
    return axe_violations(page, SERIOUS)


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
