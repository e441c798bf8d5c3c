"""Real headless Chromium: 행복출산 from the bundle list to 접수되었습니다 on a 360 px phone screen, submitted
with the keyboard — once with JavaScript (axe-core clean and no sideways scrolling on every apply page),
once without it. Skipped without Debian's `chromium` (the shared ``served`` fixture says so)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from nara.kernel.clock import today
from tests.web.browsing import SERIOUS, axe_violations, enrolled_cookies

pytestmark = pytest.mark.browser
MOTHER = "SYN28"  # 1982-born head of household with two children: no other test signs in as her
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"
PHONE = {"width": 360, "height": 740}


def _journey(page: Any, base_url: str, baby: str, scanned: dict[str, list[str]] | None) -> None:
    def check(name: str) -> None:
        if scanned is not None:  # axe and the scroll check need JavaScript
            scanned[name] = axe_violations(page, SERIOUS)
            assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{name}: scrolls sideways at 360 px"

    page.goto(base_url + "/bundles")
    check("bundles")
    page.get_by_role("link", name="행복출산 원스톱서비스").click()
    consent = page.get_by_role("button", name="동의하고 신청서 채우기")
    if consent.count():
        check("consent")
        consent.click()
    page.get_by_role("heading", name="기관에서 받은 정보").wait_for()
    check("start")
    page.get_by_role("button", name="받을 수 있는 서비스 확인하기").click()
    page.get_by_text("아기 이름: 답해 주세요.").first.wait_for()  # nothing answered: said, nothing lost
    check("start with errors")
    page.get_by_label("아기 이름").fill(baby)
    page.get_by_label("아기가 태어난 날").fill((today() - timedelta(days=5)).isoformat())
    page.get_by_label("여자").check()
    page.get_by_label("집에서 돌봄 (가정양육)").check()
    page.get_by_role("button", name="받을 수 있는 서비스 확인하기").click()
    page.get_by_role("heading", name="행복출산 원스톱서비스: 받을 수 있는 서비스").wait_for()
    check("review")
    radios = page.locator("input[type=radio][name^='field.']")  # each form's own choices: the first one
    for group in dict.fromkeys(radio.get_attribute("name") for radio in radios.all()):
        page.locator(f"input[type=radio][name='{group}']").first.check()
    for field in page.locator("input[name^='field.']:not([type=radio])").all():
        field.fill(
            "나라은행 123-456-7890" if "account" in (field.get_attribute("name") or "") else "2026-12-20"
        )
    page.get_by_role("button", name="신청하기", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="접수되었습니다").wait_for()
    check("submitted")
    assert "접수번호" in page.content()
    page.get_by_role("link", name="첫만남이용권").first.click()
    page.get_by_role("heading", name="처리 과정").wait_for()
    check("application")


def test_birth_bundle_on_a_phone_with_and_without_javascript(
    browser: Any, base_url: str, served: tuple[str, Any]
) -> None:
    cookies = enrolled_cookies(browser, base_url, served[1], MOTHER, "/bundles/birth")
    scanned: dict[str, list[str]] = {}
    for javascript, baby, scan in ((True, "하늘", scanned), (False, "바다", None)):
        context = browser.new_context(locale="ko-KR", java_script_enabled=javascript, viewport=PHONE)
        context.add_cookies(cookies)
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            _journey(page, base_url, baby, scan)
        finally:
            context.close()
    assert set(scanned) >= {"bundles", "start", "review", "submitted", "application"}
    assert all(not problems for problems in scanned.values()), scanned
