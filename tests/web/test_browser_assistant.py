"""Real headless Chromium on the 국민비서 chat page: a conversation with the keyboard alone (JavaScript on
and off), no horizontal scroll on a phone, and no axe-core violation of any impact before and after it."""

from __future__ import annotations

from typing import Any

import pytest
from tests.web.browsing import axe_violations

pytestmark = pytest.mark.browser
OPENING = "혼자 사는 70대 어머니가 받을 수 있는 거 알려줘"


def say(page: Any, message: str) -> None:
    """Focus the message box from the keyboard alone, type, and send with Enter."""
    page.keyboard.press("Tab")
    for _ in range(40):
        if page.evaluate("document.activeElement && document.activeElement.id") == "message":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the message box cannot be reached with Tab")
    page.keyboard.type(message)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("javascript", [True, False])
def test_a_conversation_with_the_keyboard_alone(browser: Any, base_url: str, javascript: bool) -> None:
    context = browser.new_context(
        locale="ko-KR", java_script_enabled=javascript, viewport={"width": 360, "height": 780}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{base_url}/assistant")
        if javascript:  # axe-core is a script: it runs where scripts do
            assert axe_violations(page, impacts=None) == []
        say(page, OPENING)
        latest = page.locator("#latest")
        assert "어머니" in latest.inner_text()
        assert "소득인정액" in latest.inner_text()  # one question, the engine's
        say(page, "한 달에 100만 원이요")
        assert "받을 수 있어요" in page.locator("#latest").inner_text()
        if javascript:
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            assert axe_violations(page, impacts=None) == []
    finally:
        context.close()
