"""Real headless Chromium: the wallet's done-when journey in two browsers, a citizen's and a bank's.

The citizen enrols (with JavaScript, as the enrolment page allows). Then, on a 360 px phone screen, the
citizen gets a 주민등록표 등본 into the web wallet; a bank registers at the verifier portal and asks for
"주소만"; the citizen opens the request, keeps just the address ticked using the keyboard (Space) and sends
it with Enter; the bank's page shows the address verified. The journey runs twice: without JavaScript
(every page works; the bank follows "결과 확인하기" since nothing reloads the page) and with it, where
axe-core (a script: it runs where scripts do) scans /wallet, the present page, the result, /wallet/history
and the verifier pages. No page scrolls sideways.
Needs Debian's `chromium` (the shared ``served`` fixture skips without it; tests/wallet/conftest.py
makes it available here).
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.web.browsing import SERIOUS, axe_violations, enrolled_cookies

pytestmark = pytest.mark.browser
PERSON = "SYN71"  # a head of household no other test signs in as
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"
# The pending request page reloads itself 5 s after loading; a scan stops that one timer first.
STOP_TIMERS = (
    "() => { const last = setTimeout(() => {}, 0); for (let id = 0; id <= last; id++) clearTimeout(id); }"
)


class Journey:
    """Two pages (the citizen's, the bank's) on 360 px screens, with or without JavaScript."""

    def __init__(self, browser: Any, base_url: str, cookies: list[Any], *, javascript: bool) -> None:
        phone = {
            "locale": "ko-KR",
            "java_script_enabled": javascript,
            "viewport": {"width": 360, "height": 740},
        }
        self.base_url, self.javascript = base_url, javascript
        self.citizen, self.bank = browser.new_context(**phone), browser.new_context(**phone)
        self.citizen.add_cookies(cookies)
        self.wallet, self.portal = self.citizen.new_page(), self.bank.new_page()
        for page in (self.wallet, self.portal):
            page.set_default_timeout(20_000)
        self.scanned: dict[str, list[str]] = {}

    def close(self) -> None:
        self.citizen.close()
        self.bank.close()

    def check(self, page: Any, name: str) -> None:
        assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{name}: scrolls sideways at 360 px"
        if self.javascript:
            page.evaluate(STOP_TIMERS)
            self.scanned[name] = axe_violations(page, SERIOUS)

    def get_extract(self) -> None:
        page = self.wallet
        page.goto(self.base_url + "/wallet")
        assert page.get_by_role("heading", level=1).inner_text() == "내 전자지갑"
        self.check(page, "wallet")
        page.get_by_role("button", name="주민등록표 등본 발급받기").click()
        page.get_by_role("heading", name="주민등록표 등본", level=3).first.wait_for()
        assert "상태: 유효" in page.locator("#held-heading + .card-list").inner_text()
        self.check(page, "wallet (held)")

    def ask_for_the_address(self) -> str:
        """The bank registers and asks for 주소만; the same-device link into the citizen's wallet."""
        page = self.portal
        page.goto(self.base_url + "/verifier")
        self.check(page, "verifier (register)")
        page.get_by_label("기관 이름").fill("나라은행 시청지점")
        page.get_by_label("확인하는 목적").fill("계좌 개설 때 주소 확인")
        page.get_by_label("받은 정보를 며칠 동안 보관하나요?").fill("30")
        page.get_by_role("button", name="등록하기").click()
        page.get_by_role("heading", name="확인 기관으로 등록했습니다").wait_for()
        self.check(page, "verifier (registered)")
        page.get_by_role("link", name="확인 요청 만들러 가기").click()
        page.get_by_label("주소만 (주민등록표 등본)").check()
        self.check(page, "verifier (home)")
        page.get_by_role("button", name="요청 만들기", exact=True).click()
        page.get_by_role("link", name="결과 확인하기").wait_for()
        self.check(page, "verifier (request)")
        link = page.get_by_role("link", name="이 기기의 전자지갑으로 열기").get_attribute("href")
        assert link
        assert link.startswith("/wallet/present?request=")
        return str(link)

    def send_the_address_by_keyboard(self, link: str) -> None:
        page = self.wallet
        page.goto(self.base_url + link)
        page.get_by_role("heading", name="누가, 왜 요청하나요?").wait_for()
        self.check(page, "present")
        ticked = [
            box.get_attribute("value") for box in page.get_by_role("checkbox").all() if box.is_checked()
        ]
        assert ticked == ["address"]  # only what was asked, never the resident number
        address = page.get_by_role("checkbox", name="주소 (요청함)", exact=False)
        address.focus()
        page.keyboard.press("Space")
        assert not address.is_checked()
        page.keyboard.press("Space")
        assert address.is_checked()
        page.get_by_role("button", name="보내기", exact=True).focus()
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="제출했습니다").wait_for()
        assert "보낸 항목: 주소" in page.get_by_role("status").inner_text()
        self.check(page, "presented")
        page.get_by_role("link", name="유통이력 보기").click()
        page.get_by_role("heading", level=1).wait_for()
        assert "제출함" in page.content()
        self.check(page, "history")

    def bank_sees_it_verified(self) -> None:
        page = self.portal
        page.get_by_role("link", name="결과 확인하기").click()
        page.get_by_text("확인되었습니다.").wait_for()
        result = page.locator("#result").inner_text()
        assert "주소" in result
        assert "나라로" in result
        assert "성명" not in result
        assert "주민등록번호" not in result
        self.check(page, "verifier (verified)")


@pytest.fixture(scope="module")
def cookies(browser: Any, base_url: str, served: tuple[str, Any]) -> list[Any]:
    """The citizen enrols once, with JavaScript on (the passkey step skipped), and lands in the wallet."""
    return enrolled_cookies(browser, base_url, served[1], PERSON, "/wallet")


@pytest.mark.parametrize("javascript", [False, True], ids=["without-javascript", "with-javascript"])
def test_a_citizen_shows_a_bank_just_the_address_at_360px(
    browser: Any, base_url: str, cookies: list[Any], javascript: bool
) -> None:
    journey = Journey(browser, base_url, cookies, javascript=javascript)
    try:
        journey.get_extract()
        link = journey.ask_for_the_address()
        journey.send_the_address_by_keyboard(link)
        journey.bank_sees_it_verified()
    finally:
        journey.close()
    assert all(not problems for problems in journey.scanned.values()), journey.scanned
    assert len(journey.scanned) == (10 if javascript else 0)
