"""Real headless Chromium: the 전자 사서함 pages without JavaScript, with the keyboard, axe-core clean.

A citizen enrols (with JavaScript, as the enrolment page allows) and lands in the inbox; the inbox, a
notice, the channel settings (also with a refused address), the bills and a bill are scanned with axe-core.
Then, with JavaScript off and a 360 px phone screen, the citizen opens the bill from the list and pays it
with the keyboard alone (focus and Enter), without horizontal scrolling.
Needs Debian's `chromium`: without it the test is skipped with a clear reason (the shared ``served``
fixture of tests/web/conftest.py skips; tests/notices/conftest.py makes it available here).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from tests.factories import make_bill_draft, make_notice_draft
from tests.web.browsing import axe_violations, enrol_at

from nara import notices
from nara.kernel.db import transaction

pytestmark = pytest.mark.browser
PERSON = "SYN66"  # no other test signs in as this resident
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _mail_and_bill(app: Any) -> tuple[notices.Notice, notices.Bill]:
    notice = make_notice_draft(
        person_id=PERSON,
        kind="proactive",
        title=f"기초연금을 받을 수 있어요 ({uuid.uuid4().hex[:4]})",
        body="복지멤버십으로 확인한 결과입니다.\n주소지 행정복지센터나 나라 포털에서 신청하세요.",
        sender="보건복지부",
        link="/guide/me",
    )
    bill = make_bill_draft(person_id=PERSON, agency="국민건강보험공단", title="2025년 6월 건강보험료")
    with transaction(app.state.nara.sessions) as session:
        return notices.send(session, notice), notices.issue_bill(session, bill)


def test_the_mailbox_is_accessible_and_pays_by_keyboard_without_javascript(
    browser: Any, base_url: str, served: tuple[str, Any]
) -> None:
    app = served[1]
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(20_000)
    scanned: dict[str, list[str]] = {}
    try:
        enrol_at(page, base_url, app, PERSON, "/me/notices")
        notice, paid_later = _mail_and_bill(app)
        page.reload()
        assert page.get_by_role("heading", level=1).inner_text() == "전자 사서함"
        assert "[안 읽음]" in page.get_by_role("link", name=notice.title).inner_text()
        scanned["inbox"] = axe_violations(page)
        page.get_by_role("link", name=notice.title).click()
        assert page.get_by_role("heading", level=1).inner_text() == notice.title
        scanned["notice"] = axe_violations(page)
        page.goto(base_url + "/me/notices/settings")
        scanned["settings"] = axe_violations(page)
        page.get_by_label("전자우편", exact=True).check()
        page.get_by_label("전자우편 주소").fill("hong@localhost")  # the browser accepts it; Nara does not
        page.get_by_role("button", name="저장하기").click()
        assert page.get_by_role("alert").count() == 1
        assert page.get_by_label("전자우편 주소").get_attribute("aria-invalid") == "true"
        scanned["settings (wrong address)"] = axe_violations(page)
        page.goto(base_url + "/me/bills")
        scanned["bills"] = axe_violations(page)
        page.goto(f"{base_url}/me/bills/{paid_later.id}")
        scanned["bill"] = axe_violations(page)
        cookies = context.cookies()
    finally:
        context.close()
    assert {name: found for name, found in scanned.items() if found} == {}
    _pay_by_keyboard_without_javascript(browser, base_url, cookies, paid_later)


def _pay_by_keyboard_without_javascript(
    browser: Any, base_url: str, cookies: list[Any], bill: notices.Bill
) -> None:
    context = browser.new_context(
        locale="ko-KR", java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{base_url}/me/bills")
        page.get_by_role("link", name=bill.title).focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/me/bills/{bill.id}")
        assert page.evaluate(NO_HORIZONTAL_SCROLL)
        page.get_by_role("button", name="납부하기").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/me/bills/{bill.id}?done=paid")
        assert "납부 완료" in page.content()
        assert "영수증 번호" in page.content()
    finally:
        context.close()
