"""Real headless Chromium on the 맞춤형 안내 (personalised guide): the whole journey with the keyboard alone,
the same journey with JavaScript switched off, no horizontal scroll on a phone and at 200 % zoom, and no
axe-core violation of any impact on any of its pages (signed-in /guide/me included).

Needs Debian's `chromium`: without it these tests are skipped with a clear reason. The server runs on
``http://localhost:<port>`` as in ``test_browser.py``, whose helpers are reused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from tests.web.browsing import (
    axe_violations,
    enrol_with_code,
)

pytestmark = pytest.mark.browser
PERSON = "SYN19"  # no other test signs in as this resident (an older person: the results have amounts)
START_LINK = "몇 가지 질문으로 받을 수 있는 혜택 찾기"
GROUP_HEADINGS = ("받을 수 있어요", "확인이 더 필요해요", "받기 어려워요")
MAX_STEPS = 12  # 8 questions at most, one "잘 모르겠어요" and one "이전 질문"
# Chromium lays a date field out by its own UI language, not by the context's locale (here month/day/year
# even with locale ko-KR; a Korean Chromium shows 연도. 월. 일.). The fixture below finds out which, once.
_DATE_ORDERS = (("m", "d", "y"), ("y", "m", "d"), ("d", "m", "y"))
_FOCUS_VISIBLE = """e => {
  const style = getComputedStyle(e);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== 'none';
}"""
_NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"


@pytest.fixture(scope="module")
def date_order(browser: Any) -> tuple[str, ...]:
    """The order in which this Chromium's date field takes year, month and day from the keyboard."""
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    try:
        for order in _DATE_ORDERS:
            page.set_content('<input id="d" type="date">')
            page.keyboard.press("Tab")
            page.keyboard.type(_date_keys("1990-03-15", order))
            if page.input_value("#d") == "1990-03-15":
                return order
    finally:
        context.close()
    pytest.fail("could not find how this Chromium's date field is typed")


def _date_keys(iso: str, order: tuple[str, ...]) -> str:
    year, month, day = iso.split("-")
    return "".join({"y": year, "m": month, "d": day}[part] for part in order)


def _context(browser: Any, **options: Any) -> Any:
    return browser.new_context(locale="ko-KR", **({"viewport": {"width": 1280, "height": 900}} | options))


# --- the keyboard -----------------------------------------------------------------------------------------


def tab_to(page: Any, matches: str, what: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies the JavaScript predicate ``matches``; its focus must
    be visible (an outline or a box-shadow)."""
    check = f"(e => ({matches})(e) && [({_FOCUS_VISIBLE})(e)])(document.activeElement)"
    for _ in range(limit):
        page.keyboard.press("Tab")
        reached = page.evaluate(check)
        if reached:
            assert reached == [True], f"focus not visible on {what}"
            return
    pytest.fail(f"{what} not reached with Tab ({limit} presses) on {page.url}")


def _button(name: str) -> str:
    return f"e => e.tagName === 'BUTTON' && e.textContent.trim() === {name!r}"


def press_button(page: Any, name: str) -> None:
    """Tab to the button ``name`` and press Enter; wait for the next page."""
    tab_to(page, _button(name), f"the button {name}")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def kind_of(page: Any) -> str:
    """The input kind of the question on the page: choice, region, date or number (money or count)."""
    if page.locator("input[type=radio]").count():
        return "choice"
    if page.locator("select#value").count():
        return "region"
    return "date" if page.locator("input#value[type=date]").count() else "number"


def current_fact(page: Any) -> str:
    return str(page.locator("input[name=fact]").get_attribute("value"))


def answer_with_keyboard(page: Any, date_order: tuple[str, ...]) -> None:
    """Answer the question on the page with the keyboard alone, and go on."""
    kind, fact = kind_of(page), current_fact(page)
    if kind == "choice":
        tab_to(page, "e => e.type === 'radio'", "the first choice")
        labels = page.locator("fieldset label").all_inner_texts()
        page.keyboard.press("ArrowDown" if labels == ["예", "아니요"] else "Space")  # 아니요, or the first
        assert page.locator("input[type=radio]:checked").count() == 1, fact
        press_button(page, "다음")
        return
    tab_to(page, "e => e.id === 'value'", f"the answer to {fact}")
    if kind == "region":
        for _ in range(3):
            page.keyboard.press("ArrowDown")  # a closed select changes its choice with the arrow keys
        assert page.input_value("#value"), fact
        press_button(page, "다음")
        return
    if kind == "date":
        born = "2019-03-15" if ".child" in fact else "1986-04-12"
        page.keyboard.type(_date_keys(born, date_order))
        assert page.input_value("#value") == born, fact
    else:
        page.keyboard.type("250")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # implicit submission: the form's first button, 다음


def keyboard_journey(page: Any, base_url: str, date_order: tuple[str, ...]) -> None:
    """Home → the guide → the household form → every question → the results, with the keyboard only."""
    page.goto(base_url + "/")
    tab_to(page, f"e => e.textContent.trim() === {START_LINK!r}", "the guide's link on the home page")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == base_url + "/guide"
    tab_to(page, "e => e.id === 'spouse'", "the spouse checkbox")
    page.keyboard.press("Space")
    tab_to(page, "e => e.id === 'children'", "the number of children")
    page.keyboard.press("ArrowUp")  # 0 → 1
    assert page.is_checked("#spouse")
    assert page.input_value("#children") == "1"
    press_button(page, "시작하기")
    assert "질문 1/" in page.locator(".progress").inner_text()

    answer_with_keyboard(page, date_order)
    unsure = current_fact(page)
    press_button(page, "잘 모르겠어요")
    assert current_fact(page) != unsure
    press_button(page, "이전 질문")
    assert current_fact(page) == unsure, "이전 질문 goes back to the question left unanswered"
    for _ in range(MAX_STEPS):
        if not page.url.startswith(base_url + "/guide/question"):
            break
        answer_with_keyboard(page, date_order)
    assert page.url == base_url + "/guide/results"
    for heading in GROUP_HEADINGS:
        assert page.get_by_role("heading", name=re.compile("^" + heading)).count() == 1, heading
    tab_to(page, "e => e.tagName === 'A' && e.closest('main') !== null", "a link among the results")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_whole_journey_works_with_the_keyboard_alone(
    browser: Any, base_url: str, date_order: tuple[str, ...], javascript: bool
) -> None:
    context = _context(browser, java_script_enabled=javascript)
    try:
        keyboard_journey(context.new_page(), base_url, date_order)
    finally:
        context.close()


# --- every question kind, one after another ------------------------------------------------------------


def question_pages(page: Any, base_url: str) -> Iterator[str]:
    """Start a household of a couple and a child; yield on each question page (its input kind), going on
    with "잘 모르겠어요"; then on the region question (asked from the results' links); then on the results."""
    page.goto(base_url + "/guide")
    yield "start"
    page.get_by_label("배우자").check()
    page.get_by_label("함께 사는 자녀 수").fill("1")
    page.get_by_role("button", name="시작하기").click()
    for _ in range(MAX_STEPS):
        if not page.url.startswith(base_url + "/guide/question"):
            break
        yield kind_of(page)
        page.get_by_role("button", name="잘 모르겠어요").click()
        page.wait_for_load_state()
    page.goto(base_url + "/guide/question?fact=household.region")
    assert kind_of(page) == "region"
    yield "region"
    page.goto(base_url + "/guide/results")
    yield "results"


@pytest.mark.parametrize(
    ("width", "scale"),
    [
        (360, 1),  # a narrow phone
        # 200 % browser zoom of a 1280-px window: Chromium then lays the page out in 640 CSS px at twice the
        # device pixel ratio — exactly this viewport. (CSS `zoom` on the body would not be the same: media
        # queries and window.innerWidth would still see 1280 px.)
        (640, 2),
    ],
)
def test_no_horizontal_scroll_on_a_phone_or_at_200_percent(
    browser: Any, base_url: str, width: int, scale: int
) -> None:
    context = _context(browser, viewport={"width": width, "height": 800}, device_scale_factor=scale)
    page = context.new_page()
    seen = []
    try:
        for kind in question_pages(page, base_url):
            seen.append(kind)
            assert page.evaluate(_NO_HORIZONTAL_SCROLL), (
                f"{kind} page scrolls sideways at {width}px: {page.url}"
            )
    finally:
        context.close()
    assert {"start", "choice", "date", "number", "region", "results"} <= set(seen), seen


def test_every_guide_page_has_no_accessibility_violation(browser: Any, served: tuple[str, Any]) -> None:
    base_url, app = served
    context = _context(browser)
    page = context.new_page()
    scanned: dict[str, list[str]] = {}
    try:
        for kind in question_pages(page, base_url):
            name = kind if kind != "number" else ("money" if "만원" in page.content() else "number")
            if name not in scanned:
                scanned[name] = axe_violations(page)
            if name == "money" and "money (wrong answer)" not in scanned:
                page.get_by_label(page.locator("h1 label").inner_text()).fill("많이")
                page.get_by_role("button", name="다음").click()
                assert page.get_by_role("alert").count() == 1
                field = page.locator("#value")
                assert field.get_attribute("aria-invalid") == "true"
                assert "answer-error" in str(field.get_attribute("aria-describedby"))  # read with the field
                scanned["money (wrong answer)"] = axe_violations(page)
        page.goto(base_url + "/guide/me")
        page.wait_for_url("**/login?continue=*")
        page.get_by_role("link", name="본인확인하고 가입하기").click()
        enrol_with_code(page, app, PERSON)
        page.get_by_role("link", name="나중에 하기").click()
        page.wait_for_url(base_url + "/guide/me")
        scanned["/guide/me (consent)"] = axe_violations(page)
        page.get_by_role("button", name="동의하고 혜택 찾기").click()
        page.wait_for_url(base_url + "/guide/me")
        assert "질문은 하지 않았어요" in page.content()
        scanned["/guide/me"] = axe_violations(page)
    finally:
        context.close()
    assert {"start", "choice", "date", "money", "region", "results", "/guide/me"} <= set(scanned), scanned
    assert {name: found for name, found in scanned.items() if found} == {}
